#!/usr/bin/env node
// Versions benchmark (issue 5): `node bench/versions-diff.mjs` (after `npm run build`).
//
//   1. generates bench/.work/app (bench/gen-app.mjs, 500 handlers) when missing or stale
//   2. builds the AppModel with the Analyzer (as bench/analyzer.mjs does), then the API surface
//   3. mutates a deep copy of the model: 50 routes get a change each (field added/removed,
//      optional → required, query replaced, new error status, removed route, new route) and one
//      shared named type used by many routes gains a required field
//   4. times surfaceOf, surfaceHash, diffSurfaces(base, mutated) and diffSurfaces(base, same copy)
//      (the full walk with nothing to report), each as the median of --runs (default 20) after 3 warm-ups
//   5. prints a Markdown table and one JSON line (BENCH_VERSIONS_JSON); target: diff ≤ 200 ms
//
// Options: --runs N, --regen, --lib <dir> (compiled compiler, default lib/).
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_APP_DIR, GENERATOR_VERSION, MANIFEST, REPO_ROOT, generateApp } from './gen-app.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const RUNS = Number(opt('runs', 20));
const LIB = resolve(opt('lib', join(REPO_ROOT, 'lib')));
const TARGET_MS = 200;
const APP = DEFAULT_APP_DIR;

const load = (rel) => import(pathToFileURL(join(LIB, rel)).href);
if (!existsSync(join(LIB, 'compiler/versions/diff.js'))) {
  console.error(`no compiled compiler in ${LIB}: run npm run build first`);
  process.exit(2);
}
const { Analyzer } = await load('compiler/analyze/analyzer.js');
const { surfaceOf, surfaceHash } = await load('compiler/versions/surface.js');
const { diffSurfaces, bumpOf } = await load('compiler/versions/diff.js');

let manifest;
try { manifest = JSON.parse(readFileSync(join(APP, MANIFEST), 'utf8')); } catch {}
if (argv.includes('--regen') || !manifest || manifest.generatorVersion !== GENERATOR_VERSION) {
  console.log(`generating the synthetic app in ${APP} ...`);
  generateApp(APP);
}

const t0 = performance.now();
const { model, diagnostics } = new Analyzer({ root: APP }).analyze();
const analyzeMs = performance.now() - t0;
if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`the synthetic app has errors: ${diagnostics[0].message}`);

// ---- the mutation: 50 routes changed, one per kind of change in turn, plus one shared type
const mutated = structuredClone(model);
const str = { kind: 'string' };
const kinds = ['field-added-optional', 'field-removed', 'optional-to-required', 'query-replaced', 'error-status-added', 'route-removed', 'route-added'];
const applied = new Map();
const objectOf = (t) => (t?.kind === 'ref' ? mutated.types[t.id]?.type : t);
let changed = 0;
for (let i = 0; i < mutated.routes.length && changed < 50; i += 10) {
  const route = mutated.routes[i];
  const kind = kinds[changed % kinds.length];
  const body = objectOf(route.input.body) ?? objectOf(route.input.query);
  const status = Object.keys(route.output)[0];
  const out = objectOf(route.output[status]);
  switch (kind) {
    case 'field-added-optional': if (out?.kind !== 'object') continue; out.properties.push({ name: `extra${i}`, type: str, optional: true, readonly: false }); break;
    case 'field-removed': if (body?.kind !== 'object' || !body.properties.length) continue; body.properties.pop(); break;
    case 'optional-to-required': { const p = body?.kind === 'object' && body.properties.find((q) => q.optional); if (!p) continue; p.optional = false; break; }
    case 'query-replaced': route.input.query = { kind: 'object', properties: [{ name: 'page', type: { kind: 'number' }, optional: true, readonly: false }] }; break;
    case 'error-status-added': route.output['409'] = { kind: 'object', properties: [{ name: 'error', type: { kind: 'literal', value: 'Conflict' }, optional: false, readonly: false }] }; break;
    case 'route-removed': mutated.routes.splice(i, 1); break;
    case 'route-added': mutated.routes.push({ ...structuredClone(route), key: `GET /bench-new/${i}`, path: `/bench-new/${i}`, method: 'GET' }); break;
  }
  applied.set(kind, (applied.get(kind) ?? 0) + 1);
  changed++;
}
// One shared named type (the most referenced object type) gains a required field.
const refCounts = new Map();
for (const r of model.routes) for (const t of [...Object.values(r.input), ...Object.values(r.output)]) if (t.kind === 'ref') refCounts.set(t.id, (refCounts.get(t.id) ?? 0) + 1);
const shared = [...refCounts].filter(([id]) => mutated.types[id]?.type.kind === 'object').sort((a, b) => b[1] - a[1])[0];
if (shared) mutated.types[shared[0]].type.properties.push({ name: 'benchRequired', type: str, optional: false, readonly: false });

// ---- timing
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const time = (fn) => {
  for (let i = 0; i < 3; i++) fn();
  const xs = [];
  let result;
  for (let i = 0; i < RUNS; i++) { const t = performance.now(); result = fn(); xs.push(performance.now() - t); }
  return { median: median(xs), max: Math.max(...xs), result };
};
const base = surfaceOf(model);
const after = surfaceOf(mutated);
const same = structuredClone(base);
const surfaceT = time(() => surfaceOf(model));
const hashT = time(() => surfaceHash(base));
const diffT = time(() => diffSurfaces(base, after));
const sameT = time(() => diffSurfaces(base, same));
const changes = diffT.result;
const byRule = {};
for (const c of changes) byRule[c.rule] = (byRule[c.rule] ?? 0) + 1;

const r1 = (x) => Math.round(x * 10) / 10;
const stats = {
  date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg().map(r1),
  routes: Object.keys(base.routes).length, namedTypes: Object.keys(base.types).length, surfaceKb: r1(JSON.stringify(base).length / 1024),
  analyzeMs: r1(analyzeMs), mutatedRoutes: changed, mutations: Object.fromEntries(applied), sharedType: shared?.[0], sharedTypeUses: shared?.[1],
  changes: changes.length, bump: bumpOf(changes), byRule, runs: RUNS,
  surfaceMs: r1(surfaceT.median), hashMs: r1(hashT.median), diffMs: r1(diffT.median), diffMaxMs: r1(diffT.max), sameDiffMs: r1(sameT.median), sameDiffChanges: sameT.result.length,
  targetMs: TARGET_MS, pass: diffT.median <= TARGET_MS && sameT.median <= TARGET_MS,
};
console.log(`
| measure (median of ${RUNS}) | ms |
|---|---|
| surfaceOf(model), ${stats.routes} routes, ${stats.namedTypes} named types, ${stats.surfaceKb} KB | ${stats.surfaceMs} |
| surfaceHash (sha256 of sorted JSON) | ${stats.hashMs} |
| diffSurfaces, ${changed} routes mutated + shared type \`${stats.sharedType}\` (${stats.sharedTypeUses} route uses): ${stats.changes} changes, bump ${stats.bump} | ${stats.diffMs} (max ${stats.diffMaxMs}) |
| diffSurfaces, identical copy (full walk, ${stats.sameDiffChanges} changes) | ${stats.sameDiffMs} |

target: diff ≤ ${TARGET_MS} ms → ${stats.pass ? 'PASS' : 'FAIL'}`);
console.log(`BENCH_VERSIONS_JSON ${JSON.stringify(stats)}`);
