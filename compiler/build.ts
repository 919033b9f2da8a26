// `gati build` without the terminal: config → analysis → emitters → artifacts (pure data).
// The CLI decides what to print and writes the artifacts (write-artifacts.ts).
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel } from './model/app-model.js';
import { stableStringify } from './model/stable-json.js';
import { DiagnosticBag, compareDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { discoverApp } from './discover/discover.js';
import { loadConfig } from './config/load-config.js';
import { Analyzer, type AnalyzeStats } from './analyze/analyzer.js';
import type { Artifact } from '../emitters/artifact.js';
import { emit as emitSchemas } from '../emitters/schema/index.js';
import { surfaceOf } from './versions/surface.js';
import { planVersion, type PlanInput, type VersionPlan } from './versions/plan.js';
import { loadVersionState } from './versions/store.js';

export interface BuildResult {
  ok: boolean;
  config: GatiConfig;
  model: AppModel;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  stats: AnalyzeStats & { configMs: number; emitMs: number };
  /** The API version this build would release (absent when the analysis failed); recordVersion writes it. */
  versions?: { plan: VersionPlan; input: Omit<PlanInput, 'snapshots'> };
}

/** The emitters run over a model without errors, in this order. */
export function emitAll(model: AppModel): Artifact[] {
  return [{ path: '.gati/model.json', contents: `${stableStringify(model)}\n` }, ...emitSchemas(model)];
}

export interface BuildOptions {
  /**
   * What the versions phase does: 'enforce' (default, `gati build`): an uncovered breaking change
   * is an error; 'warn' (for `gati dev`/`watch`): the same diagnostics as warnings; 'skip': no
   * versions phase (result.versions is absent).
   */
  versions?: 'enforce' | 'warn' | 'skip';
}

export async function buildApp(root: string, options: BuildOptions = {}): Promise<BuildResult> {
  const mode = options.versions ?? 'enforce';
  const started = performance.now();
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  const configMs = performance.now() - started;
  const analyzer = new Analyzer({ root, appName: config.name });
  const analysis = analyzer.analyze();
  const diagnostics = [...bag.items, ...analysis.diagnostics];
  let versions: BuildResult['versions'];
  if (mode !== 'skip' && !diagnostics.some((d) => d.severity === 'error')) {
    const state = loadVersionState(root, analysis.model);
    const input = {
      surface: surfaceOf(analysis.model),
      versionChanges: state.versionChanges,
      routeSpans: Object.fromEntries(analysis.model.routes.map((r) => [r.key, r.span])),
      initialVersion: config.versioning?.initialVersion,
      rules: config.versioning?.rules,
    };
    const plan = planVersion({ ...input, snapshots: state.snapshots });
    const found = [...state.diagnostics, ...plan.diagnostics];
    diagnostics.push(...(mode === 'warn' ? found.map((d) => ({ ...d, severity: 'warning' as const })) : found));
    versions = { plan, input };
  }
  diagnostics.sort(compareDiagnostics);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const emitStarted = performance.now();
  const artifacts = ok ? emitAll(analysis.model) : [];
  return { ok, config, model: analysis.model, artifacts, diagnostics, versions, stats: { ...analysis.stats, configMs, emitMs: performance.now() - emitStarted } };
}
