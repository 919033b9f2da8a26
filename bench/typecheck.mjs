#!/usr/bin/env node
// The type check's cost (issue 15): `node bench/typecheck.mjs` after `node scripts/build.mjs`.
//
// On the 500-handler app of bench/gen-app.mjs, in the same run:
//   1. cold: a fresh child process per run builds once with a BuildSession (analysis + every
//      emitter but infra; no writing, no bundle), alternating typecheck 'skip' (the build before
//      issue 15) and 'enforce'; median wall time of build() per mode and their ratio (target ≤ 1.25)
//      (and CPU time, which the machine's load moves less)
//   2. incremental: one child per mode builds, then edits one handler N times (an added export, so
//      its shape changes) and rebuilds([file]); p50/p95 per mode and their ratio. 'deferred' is
//      gati dev/watch: the rebuild without the check, which typeErrors() runs after it (timed apart)
// Node built-ins only; measures lib/ as it is. Options: --runs N (default 3), --edits N (default 20),
// --cli N: also time N whole `gati build` processes per mode (`--no-typecheck` first): what a user
// waits for, writing and bundling included (the bench app's dist/ and .gati/ are rewritten);
// --baseline DIR: a checkout of an earlier commit with its lib/ built (`git archive <commit> | tar
// -x -C DIR`, node_modules linked, `node scripts/build.mjs`); its 'enforce' runs are interleaved
// with this tree's, so a change to the check is judged in one run on one load.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_APP_DIR, MANIFEST, REPO_ROOT, generateApp, handlerInfo } from './gen-app.mjs';

const SELF = fileURLToPath(import.meta.url);
const BUILD_JS = join(REPO_ROOT, 'lib', 'driver', 'build.js');
/** A checkout's build module: lib/driver/build.js, or lib/compiler/build.js before the driver (issue 16). */
const buildModuleOf = (dir) => [join(dir, 'lib', 'driver', 'build.js'), join(dir, 'lib', 'compiler', 'build.js')].find((p) => existsSync(p));
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : dflt);
const RUNS = opt('runs', 3);
const CLI_RUNS = opt('cli', 0);
const GATI_BIN = join(REPO_ROOT, 'bin', 'gati.mjs');
const BASELINE = argv.includes('--baseline') ? argv[argv.indexOf('--baseline') + 1] : undefined;
const EDITS = opt('edits', 20);

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
const median = (xs) => pct(xs, 50);
const r0 = (x) => Math.round(x);

/** 'base' is the baseline's 'enforce' (its build.js), any other mode this tree's. */
async function session(mode) {
  const buildJs = mode === 'base' ? buildModuleOf(process.env.BENCH_BASELINE) : BUILD_JS;
  const { BuildSession } = await import(pathToFileURL(buildJs).href);
  return new BuildSession(DEFAULT_APP_DIR, { infra: false, versions: 'skip', typecheck: mode === 'base' ? 'enforce' : mode });
}

async function childCold(mode) {
  const s = await session(mode);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await s.build();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, typecheckMs: r.stats.typecheckMs, routes: r.model.routes.length, diagnostics: r.diagnostics.length, first: r.diagnostics[0]?.message };
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
      // gati dev/watch ('deferred'): the check runs after the rebuild is served, off its path.
      const after = performance.now();
      const late = mode === 'deferred' ? (await s.typeErrors()).length : 0;
      typecheckMs.push(mode === 'deferred' ? performance.now() - after : r.stats.typecheckMs);
      diagnostics += late;
      diagnostics += r.diagnostics.length;
    }
  } finally {
    writeFileSync(file, original);
  }
  return { ms, typecheckMs, diagnostics };
}

function child(kind, mode) {
  const r = spawnSync(process.execPath, [SELF, '--child', kind, mode, '--edits', String(EDITS)], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, BENCH_BASELINE: BASELINE ?? '' } });
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
  const modes = BASELINE ? ['skip', 'enforce', 'base'] : ['skip', 'enforce'];
  const label = { skip: 'without type check', enforce: 'with type check', base: 'baseline (with check)' };
  const cold = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const mode of modes) {
      const r = child('cold', mode);
      if (r.diagnostics) throw new Error(`the bench app has ${r.diagnostics} diagnostics with ${mode}: ${r.first}`);
      cold[mode].push(r);
      console.log(`  cold ${mode.padEnd(7)} run ${i + 1}: build() ${r0(r.ms)} ms, CPU ${r0(r.cpuMs)} ms (type check ${r0(r.typecheckMs)} ms), ${r.routes} routes`);
    }
  }
  const cli = { skip: [], enforce: [] };
  for (let i = 0; i < CLI_RUNS; i++) {
    for (const mode of ['skip', 'enforce']) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [GATI_BIN, 'build', DEFAULT_APP_DIR, '--silent', ...(mode === 'skip' ? ['--no-typecheck'] : [])], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      if (r.status !== 0) throw new Error(`gati build (${mode}) failed: ${r.stdout}${r.stderr}`);
      cli[mode].push(performance.now() - t);
      console.log(`  gati build ${mode.padEnd(7)} run ${i + 1}: ${r0(cli[mode][i])} ms (process)`);
    }
  }
  const warmModes = [...modes, 'deferred'];
  const warm = Object.fromEntries(warmModes.map((m) => [m, child('warm', m)]));
  for (const mode of warmModes) if (warm[mode].diagnostics) throw new Error(`edits gave diagnostics with ${mode}`);
  const coldMs = (m) => median(cold[m].map((r) => r.ms));
  const checked = modes.filter((m) => m !== 'skip');
  const cell = (m, ms, check) => `${r0(ms)} ms${m === 'skip' ? '' : ` (check ${r0(check)} ms${m === 'deferred' ? ' after' : ''})`}`;
  const ratios = (f, ms = checked) => ms.map((m) => `${(f(m) / f('skip')).toFixed(2)}×`).join(' / ');
  const rows = [
    ['cold build() (median)', ...modes.map((m) => cell(m, coldMs(m), median(cold[m].map((r) => r.typecheckMs)))), ratios(coldMs), '≤ 1.25×'],
    // CPU time (all threads, GC included) moves less with the machine's load than wall time does.
    ['cold build() CPU time (median)', ...modes.map((m) => `${r0(median(cold[m].map((r) => r.cpuMs)))} ms`), ratios((m) => median(cold[m].map((r) => r.cpuMs))), ''],
  ];
  if (CLI_RUNS) rows.push(['whole `gati build` process (median)', `${r0(median(cli.skip))} ms`, `${r0(median(cli.enforce))} ms`, ...(BASELINE ? ['–'] : []), `${(median(cli.enforce) / median(cli.skip)).toFixed(2)}×`, '']);
  console.log(`\n| cold | ${modes.map((m) => label[m]).join(' | ')} | ratio to without (${checked.join(' / ')}) | target |\n|---|${modes.map(() => '---|').join('')}---|---|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  // The rebuild as gati dev/watch run it ('deferred') is the figure with a target; 'enforce' is gati build's way, for reference.
  const warmChecked = warmModes.filter((m) => m !== 'skip');
  const warmRows = [
    [`one-handler rebuild p50 (${EDITS} edits)`, ...warmModes.map((m) => cell(m, pct(warm[m].ms, 50), pct(warm[m].typecheckMs, 50))), ratios((m) => pct(warm[m].ms, 50), warmChecked), 'deferred: unchanged'],
    ['one-handler rebuild p95', ...warmModes.map((m) => `${r0(pct(warm[m].ms, 95))} ms`), ratios((m) => pct(warm[m].ms, 95), warmChecked), ''],
  ];
  label.deferred = 'gati dev (check deferred)';
  console.log(`\n| rebuild | ${warmModes.map((m) => label[m]).join(' | ')} | ratio to without (${warmChecked.join(' / ')}) | target |\n|---|${warmModes.map(() => '---|').join('')}---|---|`);
  for (const row of warmRows) console.log(`| ${row.join(' | ')} |`);
  console.log(`BENCH_TYPECHECK_JSON ${JSON.stringify({ cold: Object.fromEntries(modes.map((m) => [m, cold[m].map((r) => r.ms)])), coldCpu: Object.fromEntries(modes.map((m) => [m, cold[m].map((r) => r.cpuMs)])), warm: Object.fromEntries(warmModes.map((m) => [m, warm[m].ms])) })}`);
}

await main();
