#!/usr/bin/env node
// Benchmark regression guard (issue 24): `npm run bench:guard`.
//
// Runs SHORT versions of four benches, each as a ratio against a peer measured in the same run (so the
// machine's speed cancels out), three times, and compares every ratio with bench/baseline.json:
//   http        bench/http/inproc.mjs: CPU µs per request of raw node:http ÷ Gati's (GET and validated POST),
//               in-memory sockets, client and server in one process pinned to one core; best of 3 rounds
//   validators  bench/validators.mjs: Zod's (and the hand-written validator's) time ÷ Gati's on fixtures/payments,
//               the fastest sample of each (mitata)
//   analyzer    bench/analyzer.mjs's warm child: cold analysis ÷ one-handler incremental update (p50), small app
//   dev-loop    bench/dev-loop.mjs: CPU time of `tsc --noEmit` on the same small app ÷ CPU time of `gati dev`
//               (and esbuild's service) from a save to the new value served: median of 2 tsc runs, median of
//               6 edits (after 3 not counted), each made once gati dev is idle; one `gati dev` run for all repetitions.
//               CPU, not wall: on a busy machine a reload's many short wake-ups wait in the run queue far more
//               than tsc's one long burst does, and the wall-time ratio fell by up to a third with the load alone.
// Every ratio is "higher is better" (how much faster Gati is than its peer, or its share of the peer's speed).
// A ratio is flagged WORSE only when all repetitions are more than 10 % below the baseline, so one noisy
// repetition on a busy machine never flags.
//
// Usage (from the repository root, after `npm run build`):
//   npm run bench:guard                       three repetitions, table, exit 0
//   node bench/guard.mjs --strict             exit 1 when a ratio is flagged (or a bench could not run)
//   node bench/guard.mjs --update-baseline    record this run's medians in bench/baseline.json as this machine's baseline
// bench/baseline.json keeps one baseline per machine (core count and CPU model): a ratio against a peer still
// depends on the CPU (Zod against AJV's code moved 25 % between an AMD EPYC and an Intel Xeon), so a run
// compares with its own machine's baseline, or, on a machine without one, with the latest taken and says so.
// Options: --reps N (3), --only http,validators,analyzer,dev-loop, --baseline FILE (bench/baseline.json),
//   --out FILE (JSON of this run, default bench/.work/guard-results.json), --no-pin (don't taskset).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPO_ROOT, generateApp } from './gen-app.mjs';
import { DEFAULT_HTTP_APP_DIR, generateHttpApp } from './http/gen-app.mjs';
import { median } from './http/harness.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const REPS = Number(opt('reps', 3));
const BASELINE_FILE = opt('baseline', join(BENCH, 'baseline.json'));
const OUT = opt('out', join(BENCH, '.work', 'guard-results.json'));
const ONLY = opt('only', 'http,validators,analyzer,dev-loop').split(',');
/** A ratio more than this far below its baseline in every repetition is flagged. */
const TOLERANCE = 0.1;
/** The small generated apps of the analyzer and dev-loop runs (the full benches use 500 handlers). */
const SMALL_HANDLERS = 24;
const ANALYZER_APP = join(BENCH, '.work', 'guard-analyzer-app');
/**
 * The dev loop's samples per repetition: a reload's CPU time swings ±30 % from edit to edit (likely a
 * collection landing in one window and not the next) and tsc's ±15 % from run to run on a busy machine.
 */
const EDITS_PER_REP = 6;
const TSC_PER_REP = 2;
/**
 * Edits made first and not counted: the second edit of a run costs ~40 % more CPU than its neighbours in every
 * run. The reloads keep getting cheaper after them (the last 6 of 21 edits ~15 % below the first 6 counted).
 */
const WARMUP_EDITS = 3;
const DEV_APP = join(BENCH, '.work', 'guard-dev-app');
const PAYMENTS = join(REPO_ROOT, 'fixtures', 'payments');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CPU_AT_EXIT = join(BENCH, 'cpu-at-exit.cjs');

const HAVE_TASKSET = !flag('no-pin') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** The command line of `args` (node first) pinned to one core when taskset is there. */
const pinned = (core, args) => (HAVE_TASKSET ? ['taskset', '-c', String(core), ...args] : args);

/** Runs a command and returns the JSON after `prefix` on its last line starting with it (prefix '': a line of JSON alone). */
function runJson(cmd, prefix, timeoutMs) {
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, GATI_BENCH_PINNED: HAVE_TASKSET ? '' : '1' } });
  const line = r.stdout?.split('\n').reverse().find((l) => (prefix ? l.startsWith(prefix) : l.startsWith('{')));
  if (r.status !== 0 || !line) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${cmd.slice(HAVE_TASKSET ? 3 : 1).join(' ')}: ${why}\n${(r.stdout + r.stderr).split('\n').slice(-15).join('\n')}`);
  }
  return JSON.parse(line.slice(prefix.length).trim());
}

/** `gati build dir`, asynchronous: the setups of the benches build their apps side by side. */
async function gatiBuild(dir) {
  try {
    await execFileAsync(process.execPath, [join(REPO_ROOT, 'bin', 'gati.mjs'), 'build', dir], { cwd: REPO_ROOT, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    throw new Error(`gati build ${dir} failed (${e.code}):\n${e.stdout}\n${e.stderr}`);
  }
}

/** One `tsc --noEmit -p dir` on core 0: its wall time and the CPU time it used (ms). */
function tscRun(dir) {
  const cmd = pinned(0, [process.execPath, '-r', CPU_AT_EXIT, TSC, '--noEmit', '-p', dir]);
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 16 << 20 });
  const wallMs = performance.now() - t0;
  const cpu = /CPU_AT_EXIT_US (\d+)/.exec(r.stderr ?? '');
  if (r.error || r.signal || !cpu) throw new Error(`tsc --noEmit failed: ${r.error?.message ?? r.signal ?? r.stderr}`);
  return { wallMs, cpuMs: Number(cpu[1]) / 1000 };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const node = (script, ...args) => [process.execPath, join(BENCH, script), ...args];

/** The two copies of the small app, generated once per guard run (the analyzer restores what it edits; so does the dev loop). */
let appsMade = false;
function smallApps() {
  if (appsMade) return;
  generateApp(ANALYZER_APP, { handlers: SMALL_HANDLERS });
  generateApp(DEV_APP, { handlers: SMALL_HANDLERS });
  appsMade = true;
}

// ---------------------------------------------------------------------------------------------
// The benches: setup() once, run() once per repetition, returning { ratioKey: value }.

const BENCHES = {
  http: {
    ratios: {
      'http.get': 'GET: raw node:http CPU µs/req ÷ Gati (in-process, best of 3 rounds)',
      'http.post': 'validated POST: raw node:http CPU µs/req ÷ Gati (in-process, best of 3 rounds)',
    },
    setup() {
      generateHttpApp(DEFAULT_HTTP_APP_DIR);
      return gatiBuild(DEFAULT_HTTP_APP_DIR);
    },
    run() {
      const out = {};
      for (const scenario of ['get', 'post']) {
        const r = runJson(pinned(1, node('http/inproc.mjs', '--scenario', scenario, '--servers', 'gati,raw', '--requests', '8000', '--rounds', '3')), 'BENCH_INPROC_JSON', 120_000);
        // The least disturbed round of each (a busy machine only ever adds CPU time per request).
        out[`http.${scenario}`] = r.minCpuUsPerReq.raw / r.minCpuUsPerReq.gati;
      }
      return out;
    },
  },
  validators: {
    ratios: {
      'validators.valid-vs-zod': 'valid body: Zod ÷ Gati (fastest sample)',
      'validators.invalid-vs-zod': 'invalid body: Zod ÷ Gati (fastest sample)',
      'validators.valid-vs-hand': 'valid body: hand-written ÷ Gati (fastest sample)',
    },
    setup() {
      return gatiBuild(PAYMENTS);
    },
    run() {
      const file = join(BENCH, '.work', 'guard-validators.json');
      runJson(pinned(1, node('validators.mjs', '--skip-build', '--min-cpu-ms', '150', '--out', file)), 'BENCH_VALIDATORS_JSON', 120_000);
      // The fastest sample of each case, from the bench's results file: p50 swings several-fold on a busy machine.
      const { results } = JSON.parse(readFileSync(file, 'utf8'));
      const min = (c) => results[c].min;
      return {
        'validators.valid-vs-zod': min('zod:valid') / min('gati:valid'),
        'validators.invalid-vs-zod': min('zod:invalid') / min('gati:invalid'),
        'validators.valid-vs-hand': min('hand:valid') / min('gati:valid'),
      };
    },
  },
  analyzer: {
    ratios: {
      'analyzer.cold-vs-edit': `cold analysis ÷ incremental update after a one-handler edit (p50), ${SMALL_HANDLERS} handlers`,
    },
    setup: smallApps,
    run() {
      const r = runJson(pinned(1, node('analyzer.mjs', '--child', 'warm', '--use-repo-lib', '--app', ANALYZER_APP, '--handler-edits', '7', '--shared-edits', '0')), '', 120_000);
      if (r.problems.length) throw new Error(`analyzer: ${r.problems.join('; ')}`);
      return { 'analyzer.cold-vs-edit': r.coldMs / median(r.handler.ms) };
    },
  },
  'dev-loop': {
    ratios: {
      'dev-loop.tsc-vs-reload-cpu': `tsc --noEmit ÷ gati dev save → new value served, CPU time (median of ${TSC_PER_REP} tsc runs, of ${EDITS_PER_REP} edits made when idle), ${SMALL_HANDLERS} handlers`,
    },
    setup: smallApps,
    /** One `gati dev` for all repetitions (its start is most of the cost): EDITS_PER_REP edits per repetition (after WARMUP_EDITS), all made in the first. */
    edits: null,
    async run(rep) {
      if (rep === 1) {
        // No RSS sample at rest between the edits (--rss-every past them): the rest lets gati dev make its
        // full collection once idle, after which its reloads cost a quarter to a third less: a step mid-run.
        const out = join(BENCH, '.work', 'guard-dev-loop.json');
        const r = runJson(node('dev-loop.mjs', '--app', DEV_APP, '--edits', String(WARMUP_EDITS + EDITS_PER_REP * REPS), '--settle-ms', '50', '--until-idle', '--rss-every', '1000', '--port', String(await freePort()), '--out', out, ...(HAVE_TASKSET ? [] : ['--no-pin'])), 'BENCH_DEV_LOOP_JSON', 180_000);
        if (r.summary.failed) throw new Error(`dev-loop: ${r.summary.failed} edits were not served`);
        const { edits, editsCpuMs } = JSON.parse(readFileSync(out, 'utf8'));
        if (!editsCpuMs?.every((ms) => ms > 0)) throw new Error('dev-loop: no CPU time per edit (/proc/PID/task/TID/schedstat unreadable?)');
        this.edits = { wallMs: edits.slice(WARMUP_EDITS), cpuMs: editsCpuMs.slice(WARMUP_EDITS) };
      }
      // The peer, TSC_PER_REP times per repetition: tsc on the analyzer's copy (the same sources, without what
      // `gati dev` adds to its own). No warm-up run: a cold page cache costs tsc wall time, hardly CPU time.
      const tsc = Array.from({ length: TSC_PER_REP }, () => tscRun(ANALYZER_APP));
      // Consecutive edits: a reload's CPU time comes in a cycle of three (every third edit costs ~30 % more,
      // likely a collection), so each repetition takes whole cycles (6 edits) rather than every third edit.
      const mine = (k) => median(this.edits[k].slice(EDITS_PER_REP * (rep - 1), EDITS_PER_REP * rep));
      const peer = (k) => median(tsc.map((t) => t[k]));
      const ms = (x) => Math.round(x);
      return {
        'dev-loop.tsc-vs-reload-cpu': peer('cpuMs') / mine('cpuMs'),
        // The wall times too, for the record: the ratio they make moves with the machine's load.
        note: `CPU: tsc ${ms(peer('cpuMs'))} ms, reload ${ms(mine('cpuMs'))} ms; wall: tsc ${ms(peer('wallMs'))} ms, reload ${ms(mine('wallMs'))} ms (${r3(peer('wallMs') / mine('wallMs'))})`,
      };
    },
  },
};

// ---------------------------------------------------------------------------------------------

const r3 = (x) => (Number.isFinite(x) ? Number(x.toPrecision(3)) : x);
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function commit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim();
  return head.stdout.trim() + (dirty ? '+changes' : '');
}

const MACHINE = `${cpus().length} cpus (${cpus()[0]?.model})`;
const ABOUT = 'bench/guard.mjs: ratios against in-run peers (higher is better), one baseline per machine; record this machine\'s with `node bench/guard.mjs --update-baseline`';

/** Every machine's baseline, by machine (an older file held a single one, at its top level). */
function readBaselines() {
  if (!existsSync(BASELINE_FILE)) return {};
  const file = JSON.parse(readFileSync(BASELINE_FILE, 'utf8'));
  if (file.machines) return file.machines;
  return file.taken ? { [file.taken.machine]: { taken: file.taken, ratios: file.ratios } } : {};
}

/** This machine's baseline, else the latest taken on another (`other` set), else none. */
function pickBaseline(machines) {
  if (machines[MACHINE]) return { ...machines[MACHINE], other: false };
  const latest = Object.values(machines).sort((a, b) => String(b.taken?.date).localeCompare(String(a.taken?.date)))[0];
  return latest ? { ...latest, other: true } : { ratios: {}, other: false };
}

/** ok, WORSE (every repetition more than TOLERANCE below), or how many repetitions were. */
function verdict(base, runs) {
  if (base === undefined) return 'no baseline';
  if (!runs.length) return 'error';
  const worse = runs.filter((x) => x < base * (1 - TOLERANCE)).length;
  if (worse === runs.length && runs.length >= Math.min(REPS, 3)) return 'WORSE';
  return worse ? `ok (${worse} of ${runs.length} runs below −${TOLERANCE * 100} %)` : 'ok';
}

async function main() {
  const t0 = performance.now();
  const loadBefore = loadavg();
  const machines = readBaselines();
  const baseline = pickBaseline(machines);
  const names = Object.keys(BENCHES).filter((n) => ONLY.includes(n));
  console.log(`# bench guard  ${new Date().toISOString()}  commit ${commit()}  node ${process.version}  ${cpus().length} cpus (${cpus()[0]?.model})  load ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`# ${REPS} repetitions of ${names.join(', ')}; baseline ${baseline.taken ? `${baseline.taken.date} (${baseline.taken.commit}, ${baseline.taken.machine})` : 'none'}${HAVE_TASKSET ? '' : '; not pinned (no taskset)'}`);
  if (baseline.other) console.log(`# no baseline for this machine (${MACHINE}): compared with another machine's, where ratios against a peer can differ by the CPU alone; record one here with --update-baseline`);

  const runs = {};
  const errors = {};
  const notes = {};
  const s0 = performance.now();
  await Promise.all(names.map(async (n) => {
    for (const k of Object.keys(BENCHES[n].ratios)) runs[k] = [];
    try {
      await BENCHES[n].setup();
    } catch (e) {
      errors[n] = String(e.message ?? e);
    }
  }));
  console.log(`setup (builds of the HTTP app and fixtures/payments, the small apps): ${Math.round(performance.now() - s0)} ms`);
  // Repetitions interleave the benches, so a burst of load elsewhere hits one repetition of each, not all three of one.
  for (let rep = 1; rep <= REPS; rep++) {
    for (const n of names) {
      if (errors[n]) continue;
      const s = performance.now();
      try {
        // `note`: what the ratio is made of (absolute figures), printed and kept in the results file.
        const { note, ...got } = await BENCHES[n].run(rep);
        for (const [k, v] of Object.entries(got)) runs[k].push(v);
        if (note) (notes[n] ??= []).push(note);
        console.log(`run ${rep} ${n.padEnd(10)} ${Object.entries(got).map(([k, v]) => `${k} ${r3(v)}`).join('  ')}  (${Math.round(performance.now() - s)} ms, load ${loadavg()[0].toFixed(2)})${note ? `\n      ${note}` : ''}`);
      } catch (e) {
        errors[n] = String(e.message ?? e);
      }
    }
  }

  const rows = [];
  console.log('\n| bench | ratio (higher is better) | baseline | now (median) | runs | change | |');
  console.log('|---|---|---:|---:|---|---:|---|');
  for (const n of names) {
    for (const [k, what] of Object.entries(BENCHES[n].ratios)) {
      const base = baseline.ratios[k]?.value;
      const now = runs[k].length ? median(runs[k]) : undefined;
      const v = errors[n] && !runs[k].length ? 'error' : verdict(base, runs[k]);
      rows.push({ key: k, what, baseline: base, now, runs: runs[k], verdict: v });
      console.log(`| ${k} | ${what} | ${base === undefined ? '–' : r3(base)} | ${now === undefined ? '–' : r3(now)} | ${runs[k].map(r3).join(' / ')} | ${base !== undefined && now !== undefined ? pct(now / base - 1) : '–'} | ${v} |`);
    }
  }
  for (const [n, msg] of Object.entries(errors)) console.log(`\n${n} could not run: ${msg}`);
  const flagged = rows.filter((r) => r.verdict === 'WORSE');
  const loadAfter = loadavg();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n${flagged.length ? `FLAGGED (every run more than ${TOLERANCE * 100} % below ${baseline.other ? 'another machine\'s' : 'this machine\'s'} baseline): ${flagged.map((r) => r.key).join(', ')}` : 'no ratio flagged'}; ${Math.round(seconds)} s; load after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);

  const taken = { date: new Date().toISOString(), commit: commit(), machine: MACHINE, node: process.version, load: { before: loadBefore.map(r3), after: loadAfter.map(r3) }, reps: REPS };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ ...taken, seconds: r3(seconds), rows, notes, errors }, null, 2) + '\n');
  if (flag('update-baseline')) {
    const ratios = { ...(machines[MACHINE]?.ratios ?? {}) };
    for (const r of rows) if (r.now !== undefined) ratios[r.key] = { value: r3(r.now), runs: r.runs.map(r3), what: r.what };
    writeFileSync(BASELINE_FILE, JSON.stringify({ about: ABOUT, machines: { ...machines, [MACHINE]: { taken, ratios } } }, null, 2) + '\n');
    console.log(`baseline written: ${BASELINE_FILE}`);
  }
  if (flag('strict') && (flagged.length || Object.keys(errors).length)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exitCode = flag('strict') ? 1 : 0;
});
