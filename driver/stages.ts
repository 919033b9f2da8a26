// The build's stages, each a named function from a typed input to a typed output, in the order
// the driver runs them (driver/build.ts, driver/release.ts):
//   discover → config → analyze → checks → versions (plan) → typecheck → emit → record → write → bundle
// The stages hold no state: the caches a long-lived build keeps between saves (the analyzer's
// program, the validators, the last emit) belong to the BuildSession that calls them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel } from '../model/app-model.js';
import { DiagnosticBag, type Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { discoverApp, type DiscoveredApp } from '../compiler/discover/discover.js';
import { loadConfig as loadConfigFile } from '../compiler/config/load-config.js';
import type { Analyzer, AnalyzeResult } from '../compiler/analyze/analyzer.js';
import { surfaceOf } from '../compiler/versions/surface.js';
import { planVersion, type PlanInput, type VersionPlan } from '../compiler/versions/plan.js';
import { loadVersionState, recordVersion } from '../compiler/versions/store.js';
import { contextSource } from '../emitters/context/index.js';
import type { Artifact } from '../emitters/artifact.js';
import { checkDeployModel } from './check-deploy-model.js';
import { writeArtifacts } from './write-artifacts.js';

export type StageName = 'discover' | 'config' | 'analyze' | 'checks' | 'typecheck' | 'versions' | 'emit' | 'record' | 'write' | 'bundle';

export interface StageTiming {
  stage: StageName;
  ms: number;
}

/** Times each stage a build runs; `--verbose` prints what it holds. */
export class StageClock {
  readonly timings: StageTiming[] = [];

  time<T>(stage: StageName, run: () => T): T {
    const started = performance.now();
    try {
      return run();
    } finally {
      this.timings.push({ stage, ms: performance.now() - started });
    }
  }

  async timeAsync<T>(stage: StageName, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.timings.push({ stage, ms: performance.now() - started });
    }
  }

  /** The ms of `stage` (summed when it ran more than once), 0 when it did not run. */
  ms(stage: StageName): number {
    return this.timings.filter((t) => t.stage === stage).reduce((sum, t) => sum + t.ms, 0);
  }
}

/** discover: the app's parts on disk (handlers, middleware, modules, effects, version changes, config files). */
export function discover(root: string): DiscoveredApp {
  return discoverApp(root);
}

export interface ConfigStageOutput {
  config: GatiConfig;
  /** The config file, relative to the app root (absent without one). */
  file?: string;
  diagnostics: Diagnostic[];
}

/** config: the app's gati.config, loaded and validated. */
export async function loadConfig(input: { root: string; app: DiscoveredApp }): Promise<ConfigStageOutput> {
  const bag = new DiagnosticBag();
  const loaded = await loadConfigFile(input.root, input.app.configFiles, bag);
  return { config: loaded.config, file: loaded.file, diagnostics: bag.items };
}

/** analyze: the app model, from scratch or (with `changed`) only what the edit touched. */
export function analyze(input: { analyzer: Analyzer; changed?: string[] }): AnalyzeResult {
  return input.changed ? input.analyzer.update(input.changed) : input.analyzer.analyze();
}

/** checks: what the deployment needs of the model (GATI3011 and kin); none for the dev loop. */
export function checks(input: { root: string; model: AppModel; config: GatiConfig; configFile?: string; analyzer?: Analyzer }): Diagnostic[] {
  const bag = new DiagnosticBag();
  checkDeployModel(input.model, input.config, bag, configSource(input.root, input.configFile), (file) => input.analyzer?.sourceText(file));
  return bag.items;
}

/** The config file and its text, for diagnostics that point at a config key. */
function configSource(root: string, file: string | undefined): { file: string; text: string } | undefined {
  if (!file) return undefined;
  try {
    return { file, text: readFileSync(join(root, file), 'utf8') };
  } catch {
    return undefined;
  }
}

export type Mode = 'enforce' | 'warn' | 'skip';

/**
 * The type check's mode: a `Mode`, or 'deferred' (`gati dev`/`watch`): warnings, but not in the
 * build's result: BuildSession.typeErrors() checks once the build is served, off the reload's path.
 */
export type TypecheckMode = Mode | 'deferred';

/** typecheck: TypeScript's own errors in the app, checked with the context types this build generates. */
export function typecheck(input: { analyzer: Analyzer; model: AppModel; config: GatiConfig; mode: Mode }): Diagnostic[] {
  if (input.mode === 'skip') return [];
  return input.analyzer.typeCheck(contextSource(input.model, input.config.modules), input.mode === 'warn' ? 'warning' : 'error');
}

/** The API version a build would release, and what recordVersion needs to record it. */
export interface PlannedVersion {
  plan: VersionPlan;
  input: Omit<PlanInput, 'snapshots'>;
}

/** versions: compares the API surface with the newest snapshot: what this build would release, and what breaks uncovered. */
export function planVersions(input: { root: string; model: AppModel; config: GatiConfig; surface: ReturnType<typeof surfaceOf>; mode: Exclude<Mode, 'skip'>; analyzer?: Analyzer }): { versions: PlannedVersion; diagnostics: Diagnostic[] } {
  const { root, model, config } = input;
  const state = loadVersionState(root, model);
  const planInput = {
    surface: input.surface,
    versionChanges: state.versionChanges,
    routeSpans: Object.fromEntries(model.routes.map((r) => [r.key, r.span])),
    sourceText: (file: string) => input.analyzer?.sourceText(file),
    initialVersion: config.versioning?.initialVersion,
    rules: config.versioning?.rules,
  };
  const plan = planVersion({ ...planInput, snapshots: state.snapshots });
  const diagnostics = [...state.diagnostics, ...plan.diagnostics].map((d) => (input.mode === 'warn' ? { ...d, severity: 'warning' as const } : d));
  return { versions: { plan, input: planInput }, diagnostics };
}

/** record: the planned version, recorded under the store's lock (a new snapshot when the surface changed). */
export function record(input: { root: string; versions: PlannedVersion }): ReturnType<typeof recordVersion> {
  return recordVersion(input.root, input.versions.input);
}

/** write: the artifacts on disk (only the bytes that changed; stale owned outputs removed). */
export function write(input: { root: string; artifacts: Artifact[]; memory?: Parameters<typeof writeArtifacts>[2] }): ReturnType<typeof writeArtifacts> {
  return writeArtifacts(input.root, input.artifacts, input.memory);
}
