// The build driver: the stages of driver/stages.ts run in order, for every command that builds.
//   discover → config → analyze → checks → versions → typecheck → emit      (BuildSession, here)
//   record → emit (release phase) → write                                    (release.ts: build, deploy)
//   bundle                                                                   (bundle.ts)
// A BuildSession is long-lived for `gati watch`/`gati dev`: it keeps the analyzer's program, the
// validators' cache and the last emit, so a rebuild re-analyzes and re-emits only what an edit touched.
import { join } from 'node:path';
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel } from '../model/app-model.js';
import type { Runtime } from '../model/engines.js';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { CONFIG_NAMES } from '../compiler/discover/discover.js';
import type { Analyzer, AnalyzeResult, AnalyzeStats } from '../compiler/analyze/analyzer.js';
import { surfaceOf } from '../compiler/versions/surface.js';
import type { Artifact } from '../emitters/artifact.js';
import type { EmitContext } from '../emitters/emitter.js';
import type { InfraOptions } from '../emitters/infra/index.js';
import type { ValidatorCache } from '../emitters/validators/index.js';
import { CONTEXT_FILE, contextSource } from '../emitters/context/index.js';
import { discoveredContextParts } from '../compiler/analyze/context-parts.js';
import { emitModel, MODEL_FILE } from '../emitters/model/index.js';
import { TENTATIVE_SDK_DIR } from './owned-outputs.js';
import { emit } from './emit.js';
import { DiskCache, emitCacheDir } from './emit-cache.js';
import { readAnalysis, saveAnalysis } from './analysis-cache.js';
import { scanInputs } from './dev-inputs.js';
import { knownLayout, rememberLayout, type LayoutCache } from '../emitters/control/layout.js';
import { topologyGraph } from '../emitters/control/topology.js';
import { layoutInWorker } from './layout-worker.js';
import * as stage from './stages.js';

export type { EmitContext } from '../emitters/emitter.js';

export interface BuildResult {
  ok: boolean;
  config: GatiConfig;
  /** The config file, relative to the app root (absent without one). */
  configFile?: string;
  model: AppModel;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  stats: AnalyzeStats & { configMs: number; emitMs: number; typecheckMs: number };
  /** The analysis came from .gati/cache/analysis.json (BuildOptions.analysisCache): no program behind it. */
  analysisFromCache?: boolean;
  /** Each stage this build ran and its time (`--verbose` prints them). */
  timings: stage.StageTiming[];
  /** The API version this build would release (absent when the analysis failed); release() records it. */
  versions?: stage.PlannedVersion;
}

export interface BuildOptions {
  /** Infrastructure options; `false` for the dev loop, which rebuilds on every save and deploys nothing. */
  infra?: InfraOptions | false;
  /**
   * What the versions phase does: 'enforce' (default, `gati build`): an uncovered breaking change
   * is an error; 'warn' (for `gati dev`/`watch`): the same diagnostics as warnings; 'skip': no
   * versions phase (result.versions is absent).
   */
  versions?: stage.Mode;
  /** Every emitter (build), the generated sources only (generate), or none (routes: the model is enough). */
  emit?: 'all' | 'generated' | 'none';
  /** The engine to build for (`gati build --target`); overrides the config's `runtime`. */
  target?: Runtime;
  /**
   * TypeScript's own errors in the app's files (`gati build --no-typecheck` skips them):
   * 'enforce' (default when every emitter runs): errors fail the build; 'warn' (`gati dev`/`watch`):
   * the same diagnostics as warnings; 'deferred' (`gati dev`/`watch`): warnings too, but not in
   * build()/rebuild()'s result: the caller gets them from typeErrors() once the build is served,
   * so that the check is off the reload's path; 'skip': no type check (the default for `generate`
   * and `routes`).
   */
  typecheck?: stage.TypecheckMode;
  /**
   * Keep the slow emitters' outputs (validators, the topology layout) in .gati/cache/emit between
   * runs (driver/emit-cache.ts): `gati dev` and `gati watch`, which start again on the same app.
   * 'write' (`gati build`): written there, never read (the build computes everything itself), so
   * that a `gati dev` after a build reads what it computed.
   */
  diskCache?: boolean | 'write';
  /**
   * `gati dev`: until emitDeferred() has run once, a build emits only what the server loads or
   * reads (Emitter.serves: route table, validators, serializers, the JSON Schemas the playground
   * reads, the panel's data with the topology's layout only if cached) and keeps its model for
   * emitDeferred(), which the dev command calls once the server answers: the SDK, OpenAPI, model.json, the context types
   * and the topology's layout (elkjs, seconds on a large app) are then off the first answer's path.
   */
  deferEmit?: boolean;
  /**
   * Keep the analysis's result (the app model) in .gati/cache/analysis.json (driver/analysis-cache.ts),
   * valid while nothing it read changed. `true` (`gati dev`): a build({ fromCache: true }) takes it
   * from there when valid (BuildResult.analysisFromCache: no program is built, so the caller runs a
   * full build() after it before any rebuild), and a full analysis is saved by saveAnalysis(),
   * which the caller runs when idle. 'write' (`gati build`): saved after the analysis, never read.
   */
  analysisCache?: boolean | 'write';
}

/** The generated sources (context types and client) and the SDK: what `gati generate` writes. */
export function emitGenerated(model: AppModel, ctx: EmitContext): Artifact[] {
  return emit({ model, ctx, phases: ['generated'] });
}

/** Every emitter of a build over a model without errors (the release phase runs after the version is recorded). */
export function emitAll(model: AppModel, ctx: EmitContext = { config: {} }): Artifact[] {
  return emit({ model, ctx, phases: ['generated', 'build'] });
}

/**
 * What every emitter but model.json reads, and the API surface is made of: the model without
 * source positions (no emitter prints a span). Most saves in the dev loop edit a handler's body and change
 * neither, so the session reuses the last emit instead of re-running every emitter (~0.4 s on a
 * 500-route app). Key order follows the analyzer, so equal models give equal keys within a session.
 */
function emitKey(model: AppModel): string {
  return JSON.stringify(model, (key, value: unknown) => (key === 'span' || key === 'spans' ? undefined : value));
}

export class BuildSession {
  private analyzer: Analyzer | undefined;
  private configured: stage.ConfigStageOutput = { config: {}, diagnostics: [] };
  /** The discover and config stages' time, reported again by the rebuilds that do not reload the config. */
  private configMs = 0;
  private readonly validatorCache: ValidatorCache;
  private readonly layoutCache: LayoutCache | undefined;
  /** The last full emit and its key (see emitKey); cleared by a full build, which reloads the config. */
  private lastEmit: { key: string; artifacts: Artifact[] } | undefined;
  /** The last API surface and the model it came from (surfaceOf is a pure function of the model). */
  private lastSurface: { key: string; surface: ReturnType<typeof surfaceOf> } | undefined;
  /** The last .gati/model.json and the plain JSON of its model (cheaper to compare than to sort). */
  private lastModel: { json: string; artifact: Artifact } | undefined;
  /** With typecheck 'deferred': the context types of the last build, for typeErrors(). */
  private deferredContext: string | undefined;
  /** With deferEmit: the last good build whose other emitters are still to run (emitDeferred). */
  private pendingEmit: { model: AppModel; key: string; ctx: EmitContext } | undefined;
  /** With deferEmit: emitDeferred() has run, and builds emit everything again. */
  private deferredDone = false;
  /** With analysisCache true: saves the last full analysis, for saveAnalysis(). */
  private unsavedAnalysis: (() => void) | undefined;

  constructor(readonly root: string, private readonly options: BuildOptions = {}) {
    const dir = options.diskCache ? emitCacheDir(root) : undefined;
    const writeOnly = options.diskCache === 'write';
    this.validatorCache = dir ? new DiskCache(join(dir, 'validators'), { encode: (text: string) => text, decode: (text) => text, ext: '.mjs', writeOnly }) : new Map();
    this.layoutCache = dir ? new DiskCache(join(dir, 'layout'), { encode: (laid) => JSON.stringify(laid), decode: (text) => JSON.parse(text) as never, ext: '.json', latestOnly: true, writeOnly }) : undefined;
  }

  /**
   * A full build: (re)load the config, analyze everything. `fromCache` (with analysisCache true):
   * take the saved analysis instead when it is valid, building no program; only `gati dev`'s
   * first build asks, since every later build (the one behind its first answer, a rebuild after
   * one from the cache) is what the rebuilds work from and needs the program.
   */
  async build(options: { fromCache?: boolean } = {}): Promise<BuildResult> {
    const clock = new stage.StageClock();
    const app = clock.time('discover', () => stage.discover(this.root));
    this.configured = await clock.timeAsync('config', () => stage.loadConfig({ root: this.root, app }));
    this.configMs = clock.ms('discover') + clock.ms('config');
    this.lastEmit = undefined;
    const check = this.typecheckMode() !== 'skip';
    const modules = this.configured.config.modules;
    const analyzerOptions = { root: this.root, appName: this.configured.config.name, contextFile: check ? CONTEXT_FILE : undefined, interfaces: moduleInterfaces(modules), npmModules: npmModules(modules) };
    const cache = this.options.analysisCache;
    // What the analysis depends on besides the files: its options (the context prediction follows `check`).
    const cacheKey = JSON.stringify({ ...analyzerOptions, root: undefined, check });
    if (cache === true && options.fromCache === true) {
      const cached = clock.time('analyze', () => readAnalysis(this.root, cacheKey));
      if (cached) {
        this.analyzer = undefined;
        return this.finish(cached, clock, true);
      }
    }
    // Loaded here, not with this file: TypeScript (~0.3 s to load) is not needed by a build whose analysis is cached.
    const { Analyzer } = await import('../compiler/analyze/analyzer.js');
    this.analyzer = new Analyzer({
      ...analyzerOptions,
      // The context types as discovery predicts them, fed before the analysis: the type check then
      // runs on the analysis's own program and checker instead of a rebuilt one.
      predictContext: check ? (discovered) => contextSource(discoveredContextParts(discovered), modules) : undefined,
    });
    const analyzer = this.analyzer;
    const before = cache ? scanInputs(this.root) : undefined;
    const analysis = clock.time('analyze', () => stage.analyze({ analyzer }));
    if (before) {
      const files = analyzer.programFiles();
      this.unsavedAnalysis = () => saveAnalysis(this.root, cacheKey, before, analysis, files);
      if (cache === 'write') this.saveAnalysis();
    }
    return this.finish(analysis, clock);
  }

  /**
   * With analysisCache: saves the last full analysis for the next start, if not saved yet and
   * still what the app's files make (see driver/analysis-cache.ts). `gati dev` calls it when idle.
   */
  saveAnalysis(): void {
    const save = this.unsavedAnalysis;
    this.unsavedAnalysis = undefined;
    save?.();
  }

  /** After `changed` files (absolute paths) were saved: a config change rebuilds everything. */
  async rebuild(changed: string[]): Promise<BuildResult> {
    const analyzer = this.analyzer;
    if (!analyzer || changed.some((f) => CONFIG_NAMES.some((n) => f === join(this.root, n)))) return this.build();
    const clock = new stage.StageClock();
    return this.finish(clock.time('analyze', () => stage.analyze({ analyzer, changed })), clock);
  }

  private finish(analysis: AnalyzeResult, clock: stage.StageClock, analysisFromCache?: boolean): BuildResult {
    const { config, file: configFile } = this.configured;
    const model = analysis.model;
    const analyzer = this.analyzer;
    const clean = !this.configured.diagnostics.some((d) => d.severity === 'error') && !analysis.diagnostics.some((d) => d.severity === 'error');
    const checked = clean && this.options.infra !== false ? clock.time('checks', () => stage.checks({ root: this.root, model, config, configFile, analyzer })) : [];
    // One key per build for both caches; the context's parts are added where the emit needs them.
    const modelKey = clean ? emitKey(model) : '';
    const versionsMode = this.options.versions ?? 'enforce';
    const planned = clean && versionsMode !== 'skip' ? clock.time('versions', () => stage.planVersions({ root: this.root, model, config, surface: this.surfaceOf(model, modelKey), mode: versionsMode, analyzer })) : undefined;
    const mode = this.typecheckMode();
    this.deferredContext = mode === 'deferred' ? contextSource(model, config.modules) : undefined;
    const typeErrors = mode === 'deferred' || !analyzer ? [] : clock.time('typecheck', () => stage.typecheck({ analyzer, model, config, mode }));
    const diagnostics = [...this.configured.diagnostics, ...analysis.diagnostics, ...typeErrors, ...checked, ...(planned?.diagnostics ?? [])].sort(compareDiagnostics);
    const ok = !diagnostics.some((d) => d.severity === 'error');
    const versions = planned?.versions;
    // A version that only `gati build` will record (dev, watch, generate) is tentative: its SDK
    // stays in .gati/cache until then, so sdk/ holds released versions only.
    const tentative = versions?.plan.changed && versionsMode !== 'enforce';
    const ctx: EmitContext = { config, configFile, validatorCache: this.validatorCache, layoutCache: this.layoutCache, infra: this.options.infra, apiVersion: versions?.plan.semver, runtime: this.options.target, sdkDir: tentative ? TENTATIVE_SDK_DIR : undefined };
    const emitWhat = this.options.emit ?? 'all';
    const artifacts = !ok || emitWhat === 'none' ? [] : clock.time('emit', () => (emitWhat === 'generated' ? emitGenerated(model, ctx) : this.emitAllOrServing(model, `${ctx.apiVersion ?? ''}\0${ctx.sdkDir ?? ''}\0${ctx.runtime ?? ''}\0${modelKey}`, ctx)));
    return { ok, config, configFile, model, artifacts, diagnostics, versions, analysisFromCache, timings: clock.timings, stats: { ...analysis.stats, configMs: this.configMs, emitMs: clock.ms('emit'), typecheckMs: clock.ms('typecheck') } };
  }

  /**
   * With typecheck 'deferred': TypeScript's errors (as warnings) in the app as the last build or
   * rebuild saw it, checked on that build's program in slices of ~20 ms (the dev server answers
   * between them). No rebuild may start before it resolves; `stop()`, asked between slices, ends
   * it early (a save is waiting): it then resolves undefined, and what it checked stays checked.
   */
  async typeErrors(stop?: () => boolean): Promise<Diagnostic[] | undefined> {
    if (!this.analyzer || this.deferredContext === undefined) return [];
    return (await this.analyzer.typeCheckInSlices(this.deferredContext, 'warning', 20, stop))?.sort(compareDiagnostics);
  }

  private typecheckMode(): stage.TypecheckMode {
    return this.options.typecheck ?? ((this.options.emit ?? 'all') === 'all' ? 'enforce' : 'skip');
  }

  /**
   * With deferEmit: the emitters the first answer needs of this build, and the rest left to
   * emitDeferred() (see BuildOptions.deferEmit); otherwise every emitter.
   */
  private emitAllOrServing(model: AppModel, key: string, ctx: EmitContext): Artifact[] {
    if (!this.options.deferEmit || this.deferredDone) return this.emitAllOrReuse(model, key, ctx);
    this.pendingEmit = { model, key, ctx };
    return emit({ model, ctx: { ...ctx, deferLayout: true }, phases: ['generated', 'build'], serving: true });
  }

  /**
   * With deferEmit, before emitDeferred(): the pending build's topology laid out in a worker thread
   * when no cache holds it, so that emitDeferred() finds it (the server keeps answering meanwhile).
   */
  async layOutDeferred(): Promise<void> {
    const pending = this.pendingEmit;
    if (!pending) return;
    const graph = topologyGraph(pending.model, pending.ctx.config);
    if (graph.nodes.length === 0 || knownLayout(graph, this.layoutCache)) return;
    rememberLayout(graph, await layoutInWorker(graph), this.layoutCache);
  }

  /**
   * With deferEmit: every emitter's output for the last good build that emitted only the serving
   * ones (undefined when there is none); builds emit everything from then on.
   */
  emitDeferred(): Artifact[] | undefined {
    const pending = this.pendingEmit;
    this.pendingEmit = undefined;
    this.deferredDone = true;
    return pending && this.emitAllOrReuse(pending.model, pending.key, pending.ctx);
  }

  private emitAllOrReuse(model: AppModel, key: string, ctx: EmitContext): Artifact[] {
    if (this.lastEmit?.key === key) return this.lastEmit.artifacts.map((a) => (a.path === MODEL_FILE ? this.modelArtifact(model) : a));
    const artifacts = emitAll(model, ctx);
    this.lastEmit = { key, artifacts };
    return artifacts;
  }

  private modelArtifact(model: AppModel): Artifact {
    const json = JSON.stringify(model);
    if (this.lastModel?.json !== json) this.lastModel = { json, artifact: emitModel(model) };
    return this.lastModel.artifact;
  }

  private surfaceOf(model: AppModel, key: string): ReturnType<typeof surfaceOf> {
    if (this.lastSurface?.key !== key) this.lastSurface = { key, surface: surfaceOf(model) };
    return this.lastSurface.surface;
  }
}

export async function buildApp(root: string, options: BuildOptions = {}): Promise<BuildResult> {
  return new BuildSession(root, options).build();
}

/** The interface files of the config's modules, by module name. */
function moduleInterfaces(modules: GatiConfig['modules']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, m] of Object.entries(modules ?? {})) if (m.interface && (m.http !== undefined || m.container !== undefined || m.npm !== undefined)) out[name] = m.interface;
  return out;
}

/** The config's npm modules' packages, by module name: without an interface file, their own declarations type them. */
function npmModules(modules: GatiConfig['modules']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, m] of Object.entries(modules ?? {})) if (typeof m.npm === 'string') out[name] = m.npm;
  return out;
}
