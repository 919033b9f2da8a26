#!/usr/bin/env node
// The type check's cost (issue 15): `node bench/typecheck.mjs` after `node scripts/build.mjs`.
//
// On the 500-handler app of bench/gen-app.mjs, in the same run:
//   1. cold: a fresh child process per run builds once with a BuildSession (analysis + every
//      emitter but infra; no writing, no bundle), alternating typecheck 'skip' (the build before
//      issue 15) and 'enforce'; median wall time of build() per mode and their ratio (target ≤ 1.25)
//   2. incremental: one child per mode builds, then edits one handler N times (an added export, so
//      its shape changes) and rebuilds([file]); p50/p95 per mode and their ratio
// Node built-ins only; measures lib/ as it is. Options: --runs N (default 3), --edits N (default 20).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_APP_DIR, MANIFEST, REPO_ROOT, generateApp, handlerInfo } from './gen-app.mjs';

const SELF = fileURLToPath(import.meta.url);
const BUILD_JS = join(REPO_ROOT, 'lib', 'compiler', 'build.js');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : dflt);
const RUNS = opt('runs', 3);
const EDITS = opt('edits', 20);

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
const median = (xs) => pct(xs, 50);
const r0 = (x) => Math.round(x);

async function session(mode) {
  const { BuildSession } = await import(pathToFileURL(BUILD_JS).href);
  return new BuildSession(DEFAULT_APP_DIR, { infra: false, versions: 'skip', typecheck: mode });
}

async function childCold(mode) {
  const s = await session(mode);
  const t = performance.now();
  const r = await s.build();
  const ms = performance.now() - t;
  return { ms, typecheckMs: r.stats.typecheckMs, routes: r.model.routes.length, diagnostics: r.diagnostics.length, first: r.diagnostics[0]?.message };
}

async function childWarm(mode) {
  const s = await session(mode);
  await s.build();
  const file = join(DEFAULT_APP_DIR, handlerInfo(7).file);
  const original = readFileSync(file, 'utf8');
  const ms = [];
  const typecheckMs = [];
  let diagnostics = 0;
  try {
    for (let n = 0; n < EDITS; n++) {
      writeFileSync(file, `${original}\nexport const benchEdit${n} = ${n};\n`);
      const t = performance.now();
      const r = await s.rebuild([file]);
      ms.push(performance.now() - t);
      typecheckMs.push(r.stats.typecheckMs);
      diagnostics += r.diagnostics.length;
    }
  } finally {
    writeFileSync(file, original);
  }
  return { ms, typecheckMs, diagnostics };
}

function child(kind, mode) {
  const r = spawnSync(process.execPath, [SELF, '--child', kind, mode], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`child ${kind} ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  if (argv[0] === '--child') {
    const out = argv[1] === 'cold' ? await childCold(argv[2]) : await childWarm(argv[2]);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  if (!existsSync(BUILD_JS)) throw new Error('run `node scripts/build.mjs` first');
  if (!existsSync(join(DEFAULT_APP_DIR, MANIFEST))) generateApp();
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const cold = { skip: [], enforce: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const mode of ['skip', 'enforce']) {
      const r = child('cold', mode);
      if (r.diagnostics) throw new Error(`the bench app has ${r.diagnostics} diagnostics with ${mode}: ${r.first}`);
      cold[mode].push(r);
      console.log(`  cold ${mode.padEnd(7)} run ${i + 1}: build() ${r0(r.ms)} ms (type check ${r0(r.typecheckMs)} ms), ${r.routes} routes`);
    }
  }
  const coldSkip = median(cold.skip.map((r) => r.ms));
  const coldEnforce = median(cold.enforce.map((r) => r.ms));
  const warm = { skip: child('warm', 'skip'), enforce: child('warm', 'enforce') };
  for (const mode of ['skip', 'enforce']) if (warm[mode].diagnostics) throw new Error(`edits gave diagnostics with ${mode}`);
  const rows = [
    ['cold build() (median)', `${r0(coldSkip)} ms`, `${r0(coldEnforce)} ms (check ${r0(median(cold.enforce.map((r) => r.typecheckMs)))} ms)`, `${(coldEnforce / coldSkip).toFixed(2)}×`, '≤ 1.25×'],
    [`one-handler rebuild p50 (${EDITS} edits)`, `${r0(pct(warm.skip.ms, 50))} ms`, `${r0(pct(warm.enforce.ms, 50))} ms (check ${r0(pct(warm.enforce.typecheckMs, 50))} ms)`, `${(pct(warm.enforce.ms, 50) / pct(warm.skip.ms, 50)).toFixed(2)}×`, ''],
    [`one-handler rebuild p95`, `${r0(pct(warm.skip.ms, 95))} ms`, `${r0(pct(warm.enforce.ms, 95))} ms`, `${(pct(warm.enforce.ms, 95) / pct(warm.skip.ms, 95)).toFixed(2)}×`, ''],
  ];
  console.log('\n| | without type check | with type check | ratio | target |\n|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`BENCH_TYPECHECK_JSON ${JSON.stringify({ coldSkip, coldEnforce, warmSkip: warm.skip.ms, warmEnforce: warm.enforce.ms })}`);
}

await main();
