// The response type check of `gati playground run`: each step's body against the route's declared
// type for its status, with the validators the build compiled (dist/validators, `s<status>`), the
// route table's order read from .gati/model.json. The app is built first when dist/ is missing or
// older than its sources.
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResponseCheck } from '../../playground/flow/flow-result.js';
import type { RouteValidators } from '../../runtime-shim/server/app.js';
import { provideRequire } from './load-bundle.js';

const VALIDATORS = join('dist', 'validators', 'index.mjs');
const MODEL = join('.gati', 'model.json');
const SKIP = new Set(['node_modules', 'dist', '.gati', 'infra', 'sdk', 'playground', '.git']);

/** Why the build is missing or stale (to build before running), or null when it is fresh. */
export function staleBuild(root: string): string | null {
  const outputs = [VALIDATORS, MODEL].map((file) => join(root, file));
  const missing = outputs.find((file) => !existsSync(file));
  if (missing) return `${relative(root, missing)} is missing`;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const newer = newestSource(root, built);
  return newer ? `${relative(root, newer)} changed since the last build` : null;
}

/**
 * After a build: the outputs the staleness check reads are as new as the sources (a build rewrites
 * only the files whose bytes changed, so an edit that changes no validator leaves them old).
 */
export function markBuilt(root: string): void {
  const now = new Date();
  for (const file of [VALIDATORS, MODEL]) utimesSync(join(root, file), now, now);
}

/** The first source file (the app's .ts and config files, outside build outputs) modified after `since`. */
function newestSource(dir: string, since: number): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newestSource(path, since);
      if (found) return found;
    } else if (/\.(ts|mts|cts|json)$/.test(entry.name) && statSync(path).mtimeMs > since) return path;
  }
  return undefined;
}

interface RouteTypes {
  statuses: number[];
  validators: RouteValidators;
}

/** The route keys of the build and the check of a response against them. */
export async function loadResponseTypes(root: string): Promise<{ routes: string[]; check: ResponseCheck }> {
  const model = JSON.parse(readFileSync(join(root, MODEL), 'utf8')) as { routes: { key: string; output?: Record<string, unknown> }[] };
  provideRequire(); // the standalone validators require() AJV's helpers
  const { routes: validators } = (await import(`${pathToFileURL(join(root, VALIDATORS)).href}?t=${Date.now()}`)) as { routes: RouteValidators[] };
  if (validators.length !== model.routes.length) throw new Error(`${VALIDATORS} and ${MODEL} disagree (${validators.length} and ${model.routes.length} routes): run gati build`);
  const byKey = new Map<string, RouteTypes>(model.routes.map((route, i) => [route.key, { statuses: Object.keys(route.output ?? {}).map(Number), validators: validators[i]! }]));
  const check: ResponseCheck = (route, status, body, contentType) => {
    const types = byKey.get(route);
    if (!types) return { checked: false, errors: [] };
    if (!types.statuses.includes(status)) {
      // Gati's own answers (a 400 for a bad request, a 500) are problem+json, not the route's types.
      if (/problem\+json/i.test(contentType)) return { checked: false, errors: [] };
      return { checked: true, errors: [`${route} does not declare the status ${status} (it declares ${types.statuses.join(', ')})`] };
    }
    const validate = types.validators[`s${status}`];
    if (!validate) return { checked: false, errors: [] };
    if (validate(structuredClone(body))) return { checked: true, errors: [] };
    return { checked: true, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`) };
  };
  return { routes: model.routes.map((route) => route.key), check };
}
