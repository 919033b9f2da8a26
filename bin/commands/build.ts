// gati build [dir]: analyze the app, record the API version, write .gati/model.json, .gati/generated/,
// dist/ (schemas, validators, router, openapi.json), sdk/ and infra/, and bundle dist/server.mjs.
import { relative } from 'node:path';
import { buildApp, type BuildOptions, type BuildResult } from '../../driver/build.js';
import { isRuntime, RUNTIMES } from '../../model/engines.js';
import { SERVER_BUNDLE } from '../../driver/bundle.js';
import { bundle, recordRelease, writeRelease } from '../../driver/release.js';
import { StageClock } from '../../driver/stages.js';
import type { Artifact } from '../../emitters/artifact.js';
import type { Terminal } from '../terminal.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import { reportDiagnostics, reportBundleErrors } from './report.js';
import { reportTimings } from './timings.js';
import { MissingInfraDependencyError } from '../../emitters/infra-aws/index.js';

/** buildApp, with a missing optional infra dependency (aws-cdk-lib) said plainly; undefined then. */
export async function buildOrExplain(root: string, term: Terminal, command: string, options: BuildOptions = {}): Promise<BuildResult | undefined> {
  try {
    return await buildApp(root, options);
  } catch (error) {
    if (error instanceof MissingInfraDependencyError) {
      term.error(`${command}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/** Bundles dist/server.mjs once (with the versions among `artifacts`); the bundle time in ms, or undefined after reporting the errors. */
export async function bundleServer(root: string, term: Terminal, clock: StageClock, artifacts?: readonly Artifact[]): Promise<number | undefined> {
  const bundled = await bundle({ root, artifacts }, clock);
  if (!bundled.ok) {
    reportBundleErrors(bundled.errors, root, term);
    return undefined;
  }
  return bundled.ms;
}

/**
 * Records the API version this build releases (a new snapshot when the surface changed), then
 * writes the build's artifacts with dist/versions.json. Shared by `gati build` and `gati deploy`,
 * so that what is deployed is a recorded version. Undefined after reporting a failure.
 */
export function releaseAndWrite(root: string, result: BuildResult, term: Terminal, json: boolean, command: string, clock: StageClock) {
  // The version is recorded under a lock (recordVersion re-plans against the newest snapshot by then).
  let recorded;
  try {
    recorded = recordRelease(root, result, clock);
  } catch (error) {
    term.error(`${command}: the API version was not recorded: ${(error as Error).message}`);
    return undefined;
  }
  if (recorded && recorded.plan.diagnostics.length && reportDiagnostics(recorded.plan.diagnostics, term, json)) return undefined;
  return { recorded, ...writeRelease(root, result, recorded, clock) };
}

export async function buildCommand(root: string, term: Terminal, json: boolean, target?: string, typecheck = true): Promise<number> {
  if (target !== undefined && !isRuntime(target)) {
    term.error(`gati build: --target must be ${RUNTIMES.join(', ')}; got "${target}"`);
    return 2;
  }
  term.progress(`gati build: analyzing ${relative(process.cwd(), root) || '.'}…`);
  // The validators and the topology layout it computes are left in .gati/cache/emit, and its
  // analysis in .gati/cache/analysis.json, for a `gati dev` after it (never read here).
  const result = await buildOrExplain(root, term, 'gati build', { target, typecheck: typecheck ? 'enforce' : 'skip', diskCache: 'write', analysisCache: 'write' });
  if (!result) return 1;
  const failed = reportDiagnostics(result.diagnostics, term, json);
  if (failed) return 1;
  const clock = new StageClock();
  const released = releaseAndWrite(root, result, term, json, 'gati build', clock);
  if (!released) return 1;
  const { recorded, artifacts, written } = released;
  term.progress('gati build: bundling…');
  const bundleMs = await bundleServer(root, term, clock, artifacts);
  if (bundleMs === undefined) return 1;
  const m = result.model;
  const ms = Math.round(result.stats.configMs + result.stats.programMs + result.stats.analyzeMs + result.stats.typecheckMs + result.stats.emitMs + bundleMs);
  const where = relative(process.cwd(), root) || '.';
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  term.info(`${term.style.bold('gati build')} ${m.app.name}: ${count(m.routes.length, 'route')}, ${count(m.modules.length + Object.keys(result.config.modules ?? {}).length, 'module')}, ${count(m.effects.length, 'effect')}, ${count(Object.keys(m.types).length, 'named type')} in ${ms} ms`);
  term.info(`  server   ${where}/${SERVER_BUNDLE} (${target ?? result.config.runtime ?? CONFIG_DEFAULTS.runtime})`);
  term.info(`  model    ${where}/.gati/model.json`);
  term.info(`  schemas  ${where}/dist/schemas/ (${result.artifacts.filter((a) => a.path.startsWith('dist/schemas/')).length} files)`);
  term.info(`  openapi  ${where}/dist/openapi.json`);
  term.info(`  types    ${where}/.gati/generated/ (context.ts, client.ts)`);
  for (const sdk of result.artifacts.filter((a) => a.path.startsWith('sdk/'))) term.info(`  sdk      ${where}/${sdk.path}`);
  const infra = result.artifacts.filter((a) => a.path.startsWith('infra/')).length;
  if (infra) term.info(`  infra    ${where}/infra/ (${infra} files: ${Object.keys(result.config.deploy ?? {}).sort().join(', ')}), ${where}/dist/Dockerfile`);
  if (recorded) {
    const p = recorded.plan;
    term.info(recorded.written
      ? `  version  ${p.semver} (${p.bump === 'initial' ? 'initial' : `${p.bump}: ${p.changes.length} change${p.changes.length === 1 ? '' : 's'}`}) ${where}/${recorded.written}`
      : `  version  ${p.semver} (API unchanged)`);
  }
  term.info(`  ${written.length} file${written.length === 1 ? '' : 's'} written, ${artifacts.length - written.length} unchanged`);
  reportTimings(term, [...result.timings, ...clock.timings]);
  return 0;
}
