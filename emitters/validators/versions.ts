// The validators of the old API versions, made by the same emitter as the newest version's
// (index.ts) from the types each snapshot recorded: the same coercion of URL strings, the same
// validation.unknownKeys policy and the same errors, whatever version a client is pinned to.
//
// Per old version: dist/validators/versions/<semver>/index.mjs exports `routes` (route key → that
// version's validators). Each route has an `.in.mjs` module (params, query, headers, body and the
// coercers, with the configured unknown-key policy; no date revivers: the request is migrated up
// as JSON and the newest validators revive it) and an `.out.mjs` module (the declared responses,
// always stripping: they shape a migrated-down body to the old output). A released snapshot never
// changes, so the names carry no content hash: a rebuild rewrites the same files.
import type { ReleasedVersion } from '../../model/api-surface.js';
import { routeSchemaFile } from '../schema/index.js';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { compileModules, routeModule, type ModuleSpec, type ValidatorCache, type ValidatorOptions } from './index.js';

export const VERSION_VALIDATORS_DIR = 'dist/validators/versions';

/** The module the server bundle imports for version `semver` (emitters/versions/runtime-module.ts). */
export function versionValidatorsIndex(semver: string): string {
  return `${VERSION_VALIDATORS_DIR}/${semver}/index.mjs`;
}

/** Validator modules for every snapshot but the newest (oldest first, as the store lists them). */
export function emitVersionValidators(snapshots: readonly ReleasedVersion[], options: ValidatorOptions, cache: ValidatorCache = new Map()): Artifact[] {
  return snapshots.slice(0, -1).flatMap((snapshot) => versionModules(snapshot, options, cache));
}

function versionModules(snapshot: ReleasedVersion, options: ValidatorOptions, cache: ValidatorCache): Artifact[] {
  const { routes, types } = snapshot.surface;
  const dir = `${VERSION_VALIDATORS_DIR}/${snapshot.semver}`;
  const keys = Object.keys(routes).sort();
  const inputs: ModuleSpec[] = [];
  const outputs: ModuleSpec[] = [];
  for (const key of keys) {
    const route = { ...routes[key]!, typed: true };
    const base = routeSchemaFile(route).replace(/\.json$/, '');
    inputs.push(routeModule(route, types, { inputs: true, revive: false, outputs: false }, `${base}.in.mjs`));
    outputs.push(routeModule(route, types, { inputs: false, revive: false, outputs: true }, `${base}.out.mjs`));
  }
  const artifacts: Artifact[] = [
    ...compileModules(inputs, types, options, cache),
    ...compileModules(outputs, types, { unknownKeys: 'strip' }, cache),
  ].map(({ spec, text }) => ({ path: `${dir}/${spec.file}`, contents: text }));
  const lines = [`// ${GENERATED_HEADER}`];
  keys.forEach((_, i) => lines.push(`import * as i${i} from './${inputs[i]!.file}';`, `import * as o${i} from './${outputs[i]!.file}';`));
  lines.push('', `/** API version ${snapshot.semver}: route key → its validators. */`, 'export const routes = {');
  keys.forEach((key, i) => lines.push(`  ${JSON.stringify(key)}: { ...i${i}, ...o${i} },`));
  lines.push('};', '');
  artifacts.push({ path: versionValidatorsIndex(snapshot.semver), contents: lines.join('\n') });
  return artifacts;
}
