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
import { emit as emitContext } from '../emitters/context/index.js';
import { emit as emitClient } from '../emitters/client/index.js';
import { emit as emitOpenApi } from '../emitters/openapi/index.js';

export interface BuildResult {
  ok: boolean;
  config: GatiConfig;
  model: AppModel;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  stats: AnalyzeStats & { configMs: number; emitMs: number };
}

/** What emitters need besides the model: the config, and the API semver once versions exist. */
export interface EmitContext {
  config: GatiConfig;
  /** The API semver (from .gati/versions, issue 5); undefined until then, so SDK/OpenAPI say 0.0.0. */
  apiVersion?: string;
}

/** The generated sources (context types and client) and the SDK: what `gati generate` writes. */
export function emitGenerated(model: AppModel, ctx: EmitContext): Artifact[] {
  return [...emitContext(model, ctx.config.modules), ...emitClient(model, { packageName: ctx.config.sdk?.packageName, apiVersion: ctx.apiVersion })];
}

/** The emitters run over a model without errors, in this order. */
export function emitAll(model: AppModel, ctx: EmitContext = { config: {} }): Artifact[] {
  return [
    { path: '.gati/model.json', contents: `${stableStringify(model)}\n` },
    ...emitSchemas(model),
    ...emitGenerated(model, ctx),
    ...emitOpenApi(model, { apiVersion: ctx.apiVersion }),
  ];
}

/** `emit`: every emitter (build), the generated sources only (generate), or none (routes: the model is enough). */
export async function buildApp(root: string, emit: 'all' | 'generated' | 'none' = 'all'): Promise<BuildResult> {
  const started = performance.now();
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  const configMs = performance.now() - started;
  const analyzer = new Analyzer({ root, appName: config.name });
  const analysis = analyzer.analyze();
  const diagnostics = [...bag.items, ...analysis.diagnostics].sort(compareDiagnostics);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const emitStarted = performance.now();
  const ctx: EmitContext = { config };
  const artifacts = !ok || emit === 'none' ? [] : emit === 'generated' ? emitGenerated(analysis.model, ctx) : emitAll(analysis.model, ctx);
  return { ok, config, model: analysis.model, artifacts, diagnostics, stats: { ...analysis.stats, configMs, emitMs: performance.now() - emitStarted } };
}
