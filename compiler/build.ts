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
import { emitInfra, type InfraOptions } from '../emitters/infra/index.js';
import { checkDeployModel } from './check-deploy-model.js';

export interface BuildResult {
  ok: boolean;
  config: GatiConfig;
  model: AppModel;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  stats: AnalyzeStats & { configMs: number; emitMs: number };
}

/** The emitters run over a model without errors, in this order. Infrastructure comes last: its image
 * tag is the content hash of everything before it. */
export function emitAll(model: AppModel, config: GatiConfig = {}, infra: InfraOptions = {}): Artifact[] {
  const artifacts = [{ path: '.gati/model.json', contents: `${stableStringify(model)}\n` }, ...emitSchemas(model)];
  return [...artifacts, ...emitInfra(model, config, artifacts, infra)];
}

export async function buildApp(root: string): Promise<BuildResult> {
  const started = performance.now();
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  const configMs = performance.now() - started;
  const analyzer = new Analyzer({ root, appName: config.name });
  const analysis = analyzer.analyze();
  if (!bag.hasErrors && !analysis.diagnostics.some((d) => d.severity === 'error')) checkDeployModel(analysis.model, config, bag);
  const diagnostics = [...bag.items, ...analysis.diagnostics].sort(compareDiagnostics);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const emitStarted = performance.now();
  const artifacts = ok ? emitAll(analysis.model, config) : [];
  return { ok, config, model: analysis.model, artifacts, diagnostics, stats: { ...analysis.stats, configMs, emitMs: performance.now() - emitStarted } };
}
