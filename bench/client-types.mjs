#!/usr/bin/env node
// Client types benchmark (issue 4): `node bench/client-types.mjs` (after `npm run build`).
//
//   1. analyze the 500-route synthetic app (bench/gen-app.mjs → bench/.work/app) and emit its client:
//      emit time, client.ts / index.d.ts / tarball sizes
//   2. install the tarball into bench/.work/client/generated (npm install <tgz> --offline)
//   3. `tsc --noEmit` (3 runs, median wall) over one consumer calling 50 routes by key, against
//      (a) the generated client (500-route map, status unions) and
//      (b) a hand-written-style minimal typed wrapper: the same wire types for those 50 routes only,
//          `request(key, input): Promise<200 body>`, no status unions, no named methods
//   4. a Markdown table and one JSON line (BENCH_CLIENT_JSON)
//
// Node built-ins only; uses lib/ as built by `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_APP_DIR, GENERATOR_VERSION, MANIFEST, REPO_ROOT, generateApp } from './gen-app.mjs';

const LIB = join(REPO_ROOT, 'lib');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const WORK = join(REPO_ROOT, 'bench', '.work', 'client');
const RUNS = 3;
const CALLS = 50;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function ensureApp() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(DEFAULT_APP_DIR, MANIFEST), 'utf8'));
  } catch {
    manifest = undefined;
  }
  if (!manifest || manifest.generatorVersion !== GENERATOR_VERSION) generateApp(DEFAULT_APP_DIR);
}

function tscWall(dir, skipLibCheck = false) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const r = spawnSync(process.execPath, [TSC, '--noEmit', '-p', dir, ...(skipLibCheck ? ['--skipLibCheck'] : [])], { encoding: 'utf8' });
    runs.push(performance.now() - s);
    if (r.status !== 0) throw new Error(`tsc failed in ${dir}:\n${r.stdout.split('\n').slice(0, 10).join('\n')}`);
  }
  return { medianMs: median(runs), runs };
}

/** tsc's own counters (deterministic: types, instantiations) and phase times, with --skipLibCheck. */
function tscCounters(dir) {
  const r = spawnSync(process.execPath, [TSC, '--noEmit', '-p', dir, '--skipLibCheck', '--extendedDiagnostics'], { encoding: 'utf8' });
  const num = (label) => Number((new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(r.stdout) ?? [])[1]);
  return { types: num('Types'), instantiations: num('Instantiations'), checkS: num('Check time'), totalS: num('Total time') };
}

function project(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], noEmit: true },
    files: ['consumer.ts'],
  }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** The consumer: 50 routes called by key, each result used. */
function consumer(from, keys) {
  const lines = [`import { createClient, type RouteInput } from '${from}';`, `const api = createClient({ baseUrl: 'http://localhost:3000' });`];
  keys.forEach((key, i) => {
    lines.push(`export async function call${i}(input: RouteInput<'${key}'>) {\n  const r = await api.request('${key}', input);\n  return r.data;\n}`);
  });
  return `${lines.join('\n')}\n`;
}

async function main() {
  ensureApp();
  const { Analyzer } = await import(pathToFileURL(join(LIB, 'compiler/analyze/analyzer.js')).href);
  const { emit } = await import(pathToFileURL(join(LIB, 'emitters/client/index.js')).href);
  const { routeTypes } = await import(pathToFileURL(join(LIB, 'emitters/client/route-types.js')).href);
  const { typeNames } = await import(pathToFileURL(join(LIB, 'emitters/client/names.js')).href);
  const { wireType } = await import(pathToFileURL(join(LIB, 'emitters/client/wire-types.js')).href);
  const { reachableTypeIds } = await import(pathToFileURL(join(LIB, 'model/gtype.js')).href);

  const { model, diagnostics } = new Analyzer({ root: DEFAULT_APP_DIR }).analyze();
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error('the synthetic app has errors');
  const emitRuns = [];
  let artifacts;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    artifacts = emit(model, { apiVersion: '1.0.0' });
    emitRuns.push(performance.now() - s);
  }
  const source = artifacts.find((a) => a.path.endsWith('client.ts')).contents;
  const tgz = artifacts.find((a) => a.path.endsWith('.tgz'));

  // (a) the generated client, installed from its tarball
  const keys = model.routes.filter((_, i) => i % Math.floor(model.routes.length / CALLS) === 0).slice(0, CALLS).map((r) => r.key);
  const generatedDir = join(WORK, 'generated');
  project(generatedDir, { 'consumer.ts': consumer(`${model.app.name}-client`, keys) });
  const tgzFile = join(WORK, 'client.tgz');
  writeFileSync(tgzFile, tgz.contents);
  const npm = spawnSync('npm', ['install', tgzFile, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: generatedDir, encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(npm.stderr);
  const dts = readFileSync(join(generatedDir, 'node_modules', `${model.app.name}-client`, 'index.d.ts'), 'utf8');

  // (b) the minimal hand-written-style wrapper for the same 50 routes
  const chosen = model.routes.filter((r) => keys.includes(r.key));
  const ids = reachableTypeIds(chosen.flatMap((r) => [...Object.values(r.input), ...Object.values(r.output)]), model.types);
  const names = typeNames(ids);
  const name = (id) => names.get(id);
  const wrapper = [
    ...ids.map((id) => `export type ${name(id)} = ${wireType(model.types[id].type, name)};`),
    'export interface Routes {',
    ...chosen.map((r) => {
      const ok = Object.keys(r.output).sort()[0];
      const out = r.output[ok].kind === 'void' ? 'undefined' : wireType(r.output[ok], name, '  ');
      return `  '${r.key}': { input: ${routeTypes(r, model, name).input}; output: ${out} };`;
    }),
    '}',
    "export type RouteInput<K extends keyof Routes> = Routes[K]['input'];",
    "export function createClient(options: { baseUrl: string }): { request<K extends keyof Routes>(key: K, input: Routes[K]['input']): Promise<{ data: Routes[K]['output'] }> } {",
    '  return { request: async (key, input) => { const r = await fetch(options.baseUrl + String(key), { method: "POST", body: JSON.stringify(input) }); return { data: await r.json() }; } };',
    '}',
  ].join('\n');
  const wrapperDir = join(WORK, 'wrapper');
  project(wrapperDir, { 'consumer.ts': consumer('./wrapper.js', keys), 'wrapper.ts': wrapper });

  const generated = tscWall(generatedDir);
  const minimal = tscWall(wrapperDir);
  // Most frontend templates (Vite, Next.js) set skipLibCheck: the SDK's .d.ts is then not checked itself.
  const generatedSkip = tscWall(generatedDir, true);
  const minimalSkip = tscWall(wrapperDir, true);
  const counters = { generated: tscCounters(generatedDir), wrapper: tscCounters(wrapperDir) };
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, load1: loadavg()[0] },
    routes: model.routes.length,
    namedTypes: ids.length,
    emitMs: median(emitRuns),
    clientTsBytes: Buffer.byteLength(source),
    dtsBytes: Buffer.byteLength(dts),
    tarballBytes: tgz.contents.length,
    tscGeneratedMs: generated.medianMs,
    tscWrapperMs: minimal.medianMs,
    ratio: generated.medianMs / minimal.medianMs,
    tscGeneratedSkipLibCheckMs: generatedSkip.medianMs,
    tscWrapperSkipLibCheckMs: minimalSkip.medianMs,
    ratioSkipLibCheck: generatedSkip.medianMs / minimalSkip.medianMs,
    counters,
    runs: { generated: generated.runs, wrapper: minimal.runs, generatedSkip: generatedSkip.runs, wrapperSkip: minimalSkip.runs, emit: emitRuns },
  };
  console.log(`| measure | value |\n|---|---|`);
  console.log(`| routes in the app / called by the consumer | ${result.routes} / ${CALLS} |`);
  console.log(`| emit (client.ts + compile + tarball), median of ${RUNS} | ${result.emitMs.toFixed(0)} ms |`);
  console.log(`| client.ts / index.d.ts / tarball | ${kb(result.clientTsBytes)} / ${kb(result.dtsBytes)} / ${kb(result.tarballBytes)} |`);
  console.log(`| tsc --noEmit, consumer vs generated client (median of ${RUNS}) | ${result.tscGeneratedMs.toFixed(0)} ms |`);
  console.log(`| tsc --noEmit, consumer vs minimal wrapper (median of ${RUNS}) | ${result.tscWrapperMs.toFixed(0)} ms |`);
  console.log(`| ratio | ${result.ratio.toFixed(2)}× |`);
  console.log(`| same with --skipLibCheck: generated / wrapper | ${result.tscGeneratedSkipLibCheckMs.toFixed(0)} ms / ${result.tscWrapperSkipLibCheckMs.toFixed(0)} ms (${result.ratioSkipLibCheck.toFixed(2)}×) |`);
  for (const [which, c] of Object.entries(counters)) console.log(`| --skipLibCheck --extendedDiagnostics, ${which} | ${c.types} types, ${c.instantiations} instantiations, check ${c.checkS} s, total ${c.totalS} s |`);
  console.log(`| load average (1 min) at the end | ${loadavg()[0].toFixed(2)} |`);
  console.log(`BENCH_CLIENT_JSON ${JSON.stringify(result)}`);
}

if (!existsSync(join(LIB, 'emitters/client/index.js'))) {
  console.error('lib/ is missing: run `npm run build` first');
  process.exit(1);
}
await main();
