// `gati build` without the terminal: config → analysis → emitters → artifacts (pure data).
// The CLI writes the artifacts (write-artifacts.ts) and bundles the server (bundle.ts).
// A BuildSession is long-lived for `gati watch`/`gati dev`: it keeps the analyzer's program and
// the validators' cache, so a rebuild re-analyzes and re-emits only what an edit touched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel } from '../model/app-model.js';
import { DiagnosticBag, compareDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { CONFIG_NAMES, discoverApp } from './discover/discover.js';
import { loadConfig } from './config/load-config.js';
import { Analyzer, type AnalyzeResult, type AnalyzeStats } from './analyze/analyzer.js';
import { GENERATED_HEADER, jsonArtifact, type Artifact } from '../emitters/artifact.js';
import { emit as emitSchemas } from '../emitters/schema/index.js';
import { emit as emitValidators, type ValidatorCache } from '../emitters/validators/index.js';
import { emit as emitSerializers } from '../emitters/serializers/index.js';
import { emitRouter } from '../emitters/router/index.js';
import { emitEntry, emitLaunchers } from '../emitters/bundle/entry.js';
import type { Runtime } from './engines.js';
import { emitInfra, type InfraOptions } from '../emitters/infra/index.js';
import { checkDeployModel } from './check-deploy-model.js';
import { CONTEXT_FILE, contextSource, emit as emitContext } from '../emitters/context/index.js';
import { emit as emitClient } from '../emitters/client/index.js';
import { emit as emitOpenApi } from '../emitters/openapi/index.js';
import { surfaceOf } from './versions/surface.js';
import { planVersion, type PlanInput, type VersionPlan } from './versions/plan.js';
import { loadVersionState } from './versions/store.js';
import { TENTATIVE_SDK_DIR } from './owned-outputs.js';
import { CONFIG_DEFAULTS } from '../runtime-shim/defaults.js';

export interface BuildResult {
  ok: boolean;
  config: GatiConfig;
  model: AppModel;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  stats: AnalyzeStats & { configMs: number; emitMs: number; typecheckMs: number };
  /** The API version this build would release (absent when the analysis failed); recordVersion writes it. */
  versions?: { plan: VersionPlan; input: Omit<PlanInput, 'snapshots'> };
}

export interface BuildOptions {
  /** Infrastructure options; `false` for the dev loop, which rebuilds on every save and deploys nothing. */
  infra?: InfraOptions | false;
  /**
   * What the versions phase does: 'enforce' (default, `gati build`): an uncovered breaking change
   * is an error; 'warn' (for `gati dev`/`watch`): the same diagnostics as warnings; 'skip': no
   * versions phase (result.versions is absent).
   */
  versions?: 'enforce' | 'warn' | 'skip';
  /** Every emitter (build), the generated sources only (generate), or none (routes: the model is enough). */
  emit?: 'all' | 'generated' | 'none';
  /** The engine to build for (`gati build --target`); overrides the config's `runtime`. */
  target?: Runtime;
  /**
   * TypeScript's own errors in the app's files (`gati build --no-typecheck` skips them):
   * 'enforce' (default when every emitter runs): errors fail the build; 'warn' (`gati dev`/`watch`):
   * the same diagnostics as warnings; 'skip': no type check (the default for `generate` and `routes`).
   */
  typecheck?: 'enforce' | 'warn' | 'skip';
}

export interface EmitContext {
  config: GatiConfig;
  /** The config file, relative to the app root, when it is a script the server must run. */
  configFile?: string;
  /** Validator modules by content hash, kept between rebuilds. */
  validatorCache?: ValidatorCache;
  /** Infrastructure options; `false` skips infra (the dev loop does not deploy). */
  infra?: InfraOptions | false;
  /** The API semver this build releases (from the versions phase); the SDK and OpenAPI carry it. */
  apiVersion?: string;
  /** The engine the build targets (default: the config's `runtime`, else node). */
  runtime?: Runtime;
  /** Where the SDK tarball goes (see emitters/client); a tentative version's goes under .gati/cache. */
  sdkDir?: string;
}

/** The generated sources (context types and client) and the SDK: what `gati generate` writes. */
export function emitGenerated(model: AppModel, ctx: EmitContext): Artifact[] {
  return [...emitContext(model, ctx.config.modules), ...emitClient(model, { packageName: ctx.config.sdk?.packageName, apiVersion: ctx.apiVersion, sdkDir: ctx.sdkDir })];
}

/**
 * The emitters run over a model without errors, in this order. Infrastructure comes last: its
 * image tag is the content hash of everything before it.
 */
export function emitAll(model: AppModel, ctx: EmitContext = { config: {} }): Artifact[] {
  const script = ctx.configFile && /\.(m?ts|m?js)$/.test(ctx.configFile) ? ctx.configFile : undefined;
  const runtime = ctx.runtime ?? ctx.config.runtime ?? CONFIG_DEFAULTS.runtime;
  const artifacts: Artifact[] = [
    modelArtifact(model),
    ...emitSchemas(model),
    ...emitGenerated(model, ctx),
    ...emitOpenApi(model, { apiVersion: ctx.apiVersion }),
    ...emitValidators(model, { unknownKeys: ctx.config.validation?.unknownKeys ?? CONFIG_DEFAULTS.validation.unknownKeys }, ctx.validatorCache),
    ...emitSerializers(model),
    { path: 'dist/router.mjs', contents: `// ${GENERATED_HEADER}\n${emitRouter(model.routes)}` },
    emitEntry(model, { config: ctx.config, configScript: script }),
    ...emitLaunchers(runtime, model.effects.length > 0),
  ];
  return ctx.infra === false ? artifacts : [...artifacts, ...emitInfra(model, ctx.config, artifacts, { ...ctx.infra, runtime })];
}

/** .gati/model.json: the model with sorted keys, byte-identical for equal models. */
function modelArtifact(model: AppModel): Artifact {
  return jsonArtifact('.gati/model.json', model);
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
  private config: GatiConfig = {};
  private configFile: string | undefined;
  private configDiagnostics: Diagnostic[] = [];
  private configMs = 0;
  private readonly validatorCache: ValidatorCache = new Map();
  /** The last full emit and its key (see emitKey); cleared by a full build, which reloads the config. */
  private lastEmit: { key: string; artifacts: Artifact[] } | undefined;
  /** The last API surface and the model it came from (surfaceOf is a pure function of the model). */
  private lastSurface: { key: string; surface: ReturnType<typeof surfaceOf> } | undefined;
  /** The last .gati/model.json and the plain JSON of its model (cheaper to compare than to sort). */
  private lastModel: { json: string; artifact: Artifact } | undefined;

  constructor(readonly root: string, private readonly options: BuildOptions = {}) {}

  /** A full build: (re)load the config, analyze everything. */
  async build(): Promise<BuildResult> {
    await this.loadConfig();
    this.lastEmit = undefined;
    this.analyzer = new Analyzer({ root: this.root, appName: this.config.name, contextFile: this.typecheckMode() === 'skip' ? undefined : CONTEXT_FILE });
    return this.finish(this.analyzer.analyze());
  }

  /** After `changed` files (absolute paths) were saved: a config change rebuilds everything. */
  async rebuild(changed: string[]): Promise<BuildResult> {
    if (!this.analyzer || changed.some((f) => CONFIG_NAMES.some((n) => f === join(this.root, n)))) return this.build();
    return this.finish(this.analyzer.update(changed));
  }

  private async loadConfig(): Promise<void> {
    const started = performance.now();
    const bag = new DiagnosticBag();
    const loaded = await loadConfig(this.root, discoverApp(this.root).configFiles, bag);
    this.config = loaded.config;
    this.configFile = loaded.file;
    this.configDiagnostics = bag.items;
    this.configMs = performance.now() - started;
  }

  private finish(analysis: AnalyzeResult): BuildResult {
    const bag = new DiagnosticBag();
    const clean = !this.configDiagnostics.some((d) => d.severity === 'error') && !analysis.diagnostics.some((d) => d.severity === 'error');
    if (clean && this.options.infra !== false) checkDeployModel(analysis.model, this.config, bag, this.configSource(), (file) => this.analyzer?.sourceText(file));
    // One key per build for both caches; the context's parts are added where the emit needs them.
    const modelKey = clean ? emitKey(analysis.model) : '';
    const versions = clean ? this.planVersions(analysis.model, modelKey, bag) : undefined;
    const typecheckStarted = performance.now();
    const typeErrors = this.typeCheck(analysis.model);
    const typecheckMs = performance.now() - typecheckStarted;
    const diagnostics = [...this.configDiagnostics, ...analysis.diagnostics, ...typeErrors, ...bag.items].sort(compareDiagnostics);
    const ok = !diagnostics.some((d) => d.severity === 'error');
    const emitStarted = performance.now();
    // A version that only `gati build` will record (dev, watch, generate) is tentative: its SDK
    // stays in .gati/cache until then, so sdk/ holds released versions only.
    const tentative = versions?.plan.changed && (this.options.versions ?? 'enforce') !== 'enforce';
    const ctx: EmitContext = { config: this.config, configFile: this.configFile, validatorCache: this.validatorCache, infra: this.options.infra, apiVersion: versions?.plan.semver, runtime: this.options.target, sdkDir: tentative ? TENTATIVE_SDK_DIR : undefined };
    const emit = this.options.emit ?? 'all';
    const artifacts = !ok || emit === 'none' ? [] : emit === 'generated' ? emitGenerated(analysis.model, ctx) : this.emitAllOrReuse(analysis.model, `${ctx.apiVersion ?? ''}\0${ctx.sdkDir ?? ''}\0${ctx.runtime ?? ''}\0${modelKey}`, ctx);
    return { ok, config: this.config, model: analysis.model, artifacts, diagnostics, versions, stats: { ...analysis.stats, configMs: this.configMs, emitMs: performance.now() - emitStarted, typecheckMs } };
  }

  private typecheckMode(): 'enforce' | 'warn' | 'skip' {
    return this.options.typecheck ?? ((this.options.emit ?? 'all') === 'all' ? 'enforce' : 'skip');
  }

  /** TypeScript's errors, checked with the context types this build generates (before they are written). */
  private typeCheck(model: AppModel): Diagnostic[] {
    const mode = this.typecheckMode();
    if (mode === 'skip' || !this.analyzer) return [];
    return this.analyzer.typeCheck(contextSource(model, this.config.modules), mode === 'warn' ? 'warning' : 'error');
  }

  private emitAllOrReuse(model: AppModel, key: string, ctx: EmitContext): Artifact[] {
    if (this.lastEmit?.key === key) return this.lastEmit.artifacts.map((a) => (a.path === '.gati/model.json' ? this.modelArtifact(model) : a));
    const artifacts = emitAll(model, ctx);
    this.lastEmit = { key, artifacts };
    return artifacts;
  }

  private modelArtifact(model: AppModel): Artifact {
    const json = JSON.stringify(model);
    if (this.lastModel?.json !== json) this.lastModel = { json, artifact: modelArtifact(model) };
    return this.lastModel.artifact;
  }

  private surfaceOf(model: AppModel, key: string): ReturnType<typeof surfaceOf> {
    if (this.lastSurface?.key !== key) this.lastSurface = { key, surface: surfaceOf(model) };
    return this.lastSurface.surface;
  }

  /** The config file and its text, for diagnostics that point at a config key. */
  private configSource(): { file: string; text: string } | undefined {
    if (!this.configFile) return undefined;
    try {
      return { file: this.configFile, text: readFileSync(join(this.root, this.configFile), 'utf8') };
    } catch {
      return undefined;
    }
  }

  /** Compares the API surface with the newest snapshot: what this build would release, and what breaks uncovered. */
  private planVersions(model: AppModel, modelKey: string, bag: DiagnosticBag): BuildResult['versions'] {
    const mode = this.options.versions ?? 'enforce';
    if (mode === 'skip') return undefined;
    const state = loadVersionState(this.root, model);
    const input = {
      surface: this.surfaceOf(model, modelKey),
      versionChanges: state.versionChanges,
      routeSpans: Object.fromEntries(model.routes.map((r) => [r.key, r.span])),
      sourceText: (file: string) => this.analyzer?.sourceText(file),
      initialVersion: this.config.versioning?.initialVersion,
      rules: this.config.versioning?.rules,
    };
    const plan = planVersion({ ...input, snapshots: state.snapshots });
    for (const d of [...state.diagnostics, ...plan.diagnostics]) bag.add(mode === 'warn' ? { ...d, severity: 'warning' } : d);
    return { plan, input };
  }
}

export async function buildApp(root: string, options: BuildOptions = {}): Promise<BuildResult> {
  return new BuildSession(root, options).build();
}
