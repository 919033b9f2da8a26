#!/usr/bin/env node
// Dev-loop benchmark (issue 3): save-to-served latency of `gati dev` on the 500-handler synthetic app.
//
// Usage (from the repository root, after `npm run build`):
//   node bench/dev-loop.mjs                   10 measured edits
//   node bench/dev-loop.mjs --edits 5 --port 3400 --no-pin
//   node bench/dev-loop.mjs --reloads 100     100 measured edits; RSS (dev process and its children) every 10
// Options: --edits N (10), --port P (3400), --timeout-ms T (per edit, 15000), --settle-ms S (pause after
//   each edit is observed, 300), --regen (regenerate the app), --no-pin (don't taskset), --out FILE
//   (default bench/.work/dev-loop-results.json), --app DIR (another app made by bench/gen-app.mjs),
//   --reloads N (as --edits, for the memory run), --rss-every K (sample the RSS of the dev process
//   and its children every K edits, 10, at rest: after 2 s, and once the dev process has used no CPU for
//   1.5 s, so that the first sample does not catch the cold start's type check or garbage; first/last/max printed).
//   --start KIND: what the start finds, prepared before gati dev is spawned: `first` (no .gati/ nor dist/:
//   the first start ever on the app), `cache` (the emit cache .gati/cache/emit but no last run's state
//   .gati/dev/state.json), `build` (`gati build` run first, untimed; no emit cache, no state), `changed`
//   (as the previous run left it, but one handler file's time changed since: a build before the first
//   answer), `last` (as the previous run left it: a start from its build when it saved one). Default: as found.
//   --edits 0: the start alone (spawn → first answer, and gati's own line for the first build); gati dev
//   is stopped once at rest, so that it saves its state and caches for a following `--start last`/`cache`.
//   --gati DIR: the Gati checkout whose bin/gati.mjs runs (another build of Gati, for a before/after).
//   --until-idle: after each edit's pause, wait until gati dev has used at most 2 ms of CPU in 100 ms (its
//   type check of the edit done), so that each edit's window holds its own reload alone (bench/guard.mjs).
//
// What it does: (re)generates bench/.work/app with bench/gen-app.mjs when missing or stale (the same app
// as bench/analyzer.mjs: don't run both at once), starts `node bin/gati.mjs dev bench/.work/app` (pinned
// to core 0 with `taskset -c 0`; this script re-execs itself on core 1), waits until it serves
// GET /g0/h1 (handler 1: a GET list handler whose output is Page<User>; it starts by throwing
// HttpError 404). One unmeasured edit makes it `return { items: [], total: 0 };`, then each measured
// edit rewrites the number (total: 1, 2, …): the clock starts when writeFileSync returns and stops when
// a GET (a new connection every 5 ms) answers with the new total; the CPU time gati dev and its children
// (esbuild's service) used meanwhile, and the time their threads waited for a core, are kept per edit
// (editsCpuMs, editsRunQueueMs in the results file). Reports mean/p50/p95/max against
// the target p95 ≤ 300 ms, gati's own "reloaded in N ms" lines (from the watcher's batch to the new
// build serving) with their breakdown (analysis, emit, write, bundle, load), and the dev process's RSS
// before and after the edits. The handler file is restored at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_APP_DIR, GENERATOR_VERSION, MANIFEST, REPO_ROOT, generateApp, handlerInfo } from './gen-app.mjs';
import { reexecPinnedToCore1 } from './http/harness.mjs';

const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(`--${n}`);
const opt = (n, d) => {
  const i = argv.indexOf(`--${n}`);
  return i === -1 ? d : argv[i + 1];
};
const PIN = !flag('no-pin');
if (PIN) reexecPinnedToCore1(SELF, argv);
const EDITS = Number(opt('reloads', opt('edits', 10)));
const RSS_EVERY = Number(opt('rss-every', 10));
const REST_MS = 2000;
const PORT = Number(opt('port', 3400));
const TIMEOUT_MS = Number(opt('timeout-ms', 15000));
const SETTLE_MS = Number(opt('settle-ms', 300));
// --until-idle: after each edit's pause, also wait until gati dev has gone quiet (its type check of the edit,
// which runs once the new build serves, is done), so that no edit's window holds the previous one's work.
const UNTIL_IDLE = flag('until-idle');
const OUT = opt('out', join(REPO_ROOT, 'bench', '.work', 'dev-loop-results.json'));
const TARGET_P95 = 300;
// --app DIR: another app made by bench/gen-app.mjs (bench/guard.mjs passes a small one).
const APP = opt('app', undefined) ? resolve(opt('app')) : DEFAULT_APP_DIR;
const HANDLER = 1;
const START = opt('start', undefined);
const GATI = resolve(opt('gati', REPO_ROOT));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const r1 = (x) => Math.round(x * 10) / 10;

function get(path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, agent: false, timeout: 2000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', (e) => resolve({ status: 0, body: e.code }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch { return NaN; }
}

/** The RSS of `pid` and of its children, transitively (MB). */
function treeRssMb(pid) {
  let children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {}
  return rssMb(pid) + children.reduce((sum, child) => sum + treeRssMb(child), 0);
}

/**
 * On-CPU and run-queue-wait time (ms) of `pid`'s threads and of its children's, transitively, from the
 * scheduler's per-thread counters (/proc/PID/task/TID/schedstat, in ns: far finer than the 10 ms ticks of
 * /proc/PID/stat). A thread that ends between two reads takes its time with it: the reload path of a
 * handler edit starts none (esbuild's service and the dev process live across edits).
 */
function treeSchedMs(pid) {
  let cpu = 0;
  let wait = 0;
  let children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [run, queued] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ').map(Number);
        cpu += run / 1e6;
        wait += queued / 1e6;
        children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
      } catch {}
    }
  } catch {}
  for (const child of children) {
    const c = treeSchedMs(child);
    cpu += c.cpu;
    wait += c.wait;
  }
  return { cpu, wait };
}

/** Until `pid`'s tree has used at most 2 ms of CPU in 100 ms (at most 10 s). */
async function untilIdle(pid) {
  const t0 = performance.now();
  for (let last = treeSchedMs(pid).cpu; performance.now() - t0 < 10000; ) {
    await sleep(100);
    const now = treeSchedMs(pid).cpu;
    if (now - last <= 2) return;
    last = now;
  }
}

/** CPU time the process has used (clock ticks, user + system). */
function cpuTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch { return NaN; }
}

/** At least REST_MS, then until `pid` has used at most one tick of CPU in each of 3 half-seconds (at most 120 s). */
async function atRest(pid) {
  await sleep(REST_MS);
  const t0 = performance.now();
  for (let quiet = 0, last = cpuTicks(pid); quiet < 3 && performance.now() - t0 < 120000; ) {
    await sleep(500);
    const now = cpuTicks(pid);
    quiet = now - last <= 1 ? quiet + 1 : 0;
    last = now;
  }
}

async function waitFor(path, pred, timeoutMs, pollMs = 5) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const r = await get(path);
    if (pred(r)) return performance.now() - t0;
    await sleep(pollMs);
  }
  return null;
}

/** Leaves the app as a start of this kind finds it (see --start). */
function prepareStart(kind) {
  const rm = (rel) => rmSync(join(APP, rel), { recursive: true, force: true });
  if (kind === 'first') { rm('.gati'); rm('dist'); }
  else if (kind === 'cache') rm('.gati/dev/state.json');
  else if (kind === 'build') {
    rm('.gati'); rm('dist');
    const t0 = performance.now();
    const built = spawnSync(process.execPath, [join(GATI, 'bin', 'gati.mjs'), 'build', APP], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`gati build failed:\n${built.stdout}${built.stderr}`);
    console.log(`gati build (untimed preparation) took ${Math.round(performance.now() - t0)} ms`);
  } else if (kind === 'changed') {
    // One handler's time changed since the last run (as an edit while gati dev was stopped; same bytes).
    const file = join(APP, handlerInfo(HANDLER).file);
    const now = new Date();
    utimesSync(file, now, now);
  } else if (kind !== 'last') throw new Error(`--start ${kind}: first, cache, build, changed or last`);
}

async function main() {
  let manifest = null;
  try { manifest = JSON.parse(readFileSync(join(APP, MANIFEST), 'utf8')); } catch {}
  if (flag('regen') || !manifest || manifest.generatorVersion !== GENERATOR_VERSION) {
    generateApp(APP);
    console.log(`generated ${APP}`);
  }
  const info = handlerInfo(HANDLER);
  const file = join(APP, info.file);
  const path = info.route.split(' ')[1];
  const original = readFileSync(file, 'utf8');
  const THROW = `  throw new HttpError(404, { error: 'NotFound' });`;
  if (!original.includes(THROW)) throw new Error(`${info.file} does not contain the expected line:\n${THROW}`);
  const withTotal = (n) => original.replace(THROW, `  return { items: [], total: ${n} };`);

  console.log(`# dev loop  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus (${cpus()[0]?.model})  gati dev ${PIN ? 'on core 0, poller on core 1' : 'unpinned'}`);
  console.log(`# app ${APP} (${manifest?.handlers ?? 500} handlers); edited ${info.file} (${info.route})`);
  if (START) prepareStart(START);
  const cmd = [process.execPath, join(GATI, 'bin', 'gati.mjs'), 'dev', APP];
  const t0 = performance.now();
  const dev = spawn(PIN ? 'taskset' : cmd[0], PIN ? ['-c', '0', ...cmd] : cmd.slice(1), {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATI_BENCH_PINNED: '', PORT: String(PORT), LOG_LEVEL: 'warn' },
  });
  let out = '';
  const reloads = [];
  const loads = []; // gati's "load N" (importing the new bundle and initialising its modules)
  // gati's own "N/M files analyzed, W written, bundled in B ms; T ms in all (analysis A, emit E, write W)" lines
  // ("bundled beside the analysis (B ms)" when the bundle made during the analysis was kept).
  const rebuilds = [];
  const onData = (d) => {
    const s = d.toString();
    out = (out + s).slice(-20000);
    for (const m of s.matchAll(/reloaded in (\d+) ms/g)) reloads.push(Number(m[1]));
    for (const m of s.matchAll(/(\d+)\/(\d+) files analyzed, (\d+) written, bundled (?:in (\d+) ms(?: \(\d+ modules\))?|beside the analysis \((\d+) ms\)); (\d+) ms in all(?: \(analysis (\d+), emit (\d+), write (\d+)\))?/g)) {
      rebuilds.push({
        analyzed: Number(m[1]), files: Number(m[2]), written: Number(m[3]), bundleMs: Number(m[4] ?? m[5]), early: m[5] !== undefined,
        totalMs: Number(m[6]), analysisMs: Number(m[7]), emitMs: Number(m[8]), writeMs: Number(m[9]),
      });
    }
    for (const m of s.matchAll(/reloaded in \d+ ms \(rebuild \d+, load (\d+)\)/g)) loads.push(Number(m[1]));
  };
  dev.stdout.on('data', onData);
  dev.stderr.on('data', onData);
  let exited = false;
  const exitP = new Promise((r) => dev.on('exit', () => { exited = true; r(); }));

  const result = { date: new Date().toISOString(), node: process.version, handler: info, edits: [], reloadsReportedMs: reloads };
  try {
    const firstMs = await waitFor(path, (r) => r.status === 404 || exited, 180000, 50);
    if (exited || firstMs === null) throw new Error(`gati dev did not serve ${path}:\n${out}`);
    result.startupMs = performance.now() - t0;
    result.fromCache = /from the last run's build/.test(out);
    console.log(`gati dev serving ${path} after ${Math.round(result.startupMs)} ms (${result.fromCache ? "from the last run's build; the app is built again behind it" : 'initial build of the app included'})`);
    // gati's own line for the first build (its stages: analysis, emit, write, the modules' compile).
    const built = /^gati built: .*$/m.exec(out)?.[0];
    if (built) console.log(`  ${built}`);
    if (EDITS === 0) {
      // The start alone: stopped once at rest (the deferred emit, the type check and, after a start from the
      // last run's build, the build behind it are done), so that it saves what the next start reads.
      await atRest(dev.pid);
      const rest = /^ +the rest emitted.*$/m.exec(out)?.[0];
      if (rest) console.log(rest);
      result.start = START ?? 'as found';
      console.log('BENCH_DEV_START_JSON ' + JSON.stringify({ start: result.start, gati: GATI, startupMs: Math.round(result.startupMs), fromCache: result.fromCache, built }));
      return;
    }
    await sleep(SETTLE_MS);
    // Unmeasured first edit: throw -> return { items: [], total: 0 }.
    writeFileSync(file, withTotal(0));
    // Unmeasured, and longer: after a start from the last run's build it waits for the build behind it.
    const prep = await waitFor(path, (r) => r.status === 200 && r.body.includes('"total":0'), 120000);
    if (prep === null) throw new Error(`the first edit never showed up:\n${out}`);
    console.log(`unmeasured first edit served after ${Math.round(prep)} ms`);
    await sleep(SETTLE_MS);
    result.rssBeforeMb = rssMb(dev.pid);
    await atRest(dev.pid);
    result.rssSamplesMb = [Math.round(treeRssMb(dev.pid))];
    // The dev process alone (its children: esbuild's service, whose Go heap follows its own collector).
    result.ownRssSamplesMb = [Math.round(rssMb(dev.pid))];
    const reloadsBefore = reloads.length;
    for (let n = 1; n <= EDITS; n++) {
      const text = withTotal(n);
      const sched0 = treeSchedMs(dev.pid);
      writeFileSync(file, text);
      const tStart = performance.now();
      const ms = await waitFor(path, (r) => r.status === 200 && r.body.includes(`"total":${n}`), TIMEOUT_MS);
      const dt = ms === null ? null : performance.now() - tStart;
      const sched1 = treeSchedMs(dev.pid);
      result.edits.push(dt);
      // What gati dev (and esbuild's service) spent on the CPU meanwhile, and waited for it behind other processes.
      (result.editsCpuMs ??= []).push(dt === null ? null : sched1.cpu - sched0.cpu);
      (result.editsRunQueueMs ??= []).push(dt === null ? null : sched1.wait - sched0.wait);
      (result.rssMb ??= []).push(Math.round(rssMb(dev.pid)));
      // At rest: gati dev gives the old builds' garbage back once idle for 1 s (a full GC), so the sample waits for it.
      if (n % RSS_EVERY === 0) {
        await atRest(dev.pid);
        result.rssSamplesMb.push(Math.round(treeRssMb(dev.pid)));
        result.ownRssSamplesMb.push(Math.round(rssMb(dev.pid)));
      }
      const rb = rebuilds.slice(-1)[0];
      console.log(`edit ${n}: ${dt === null ? `not served within ${TIMEOUT_MS} ms` : `${r1(dt)} ms (CPU ${r1(result.editsCpuMs.at(-1))} ms, run queue ${r1(result.editsRunQueueMs.at(-1))} ms)`}  (gati: reloaded in ${reloads.slice(-1)[0] ?? '?'} ms${rb ? `; ${rb.analyzed}/${rb.files} files analyzed, ${rb.written} written; analysis ${rb.analysisMs}, emit ${rb.emitMs}, write ${rb.writeMs}, bundle ${rb.bundleMs}${rb.early ? ' (beside the analysis)' : ''}, load ${loads.slice(-1)[0] ?? '?'} ms` : ''}; RSS ${result.rssMb.at(-1)} MB)`);
      await sleep(SETTLE_MS);
      if (UNTIL_IDLE) await untilIdle(dev.pid);
    }
    result.rssAfterMb = rssMb(dev.pid);
    const ok = result.edits.filter((x) => x !== null);
    const s = { n: ok.length, failed: result.edits.length - ok.length, mean: mean(ok), p50: pct(ok, 50), p95: pct(ok, 95), max: Math.max(...ok), min: Math.min(...ok) };
    result.summary = s;
    const rel = reloads.slice(reloadsBefore);
    console.log('\n| measurement | result | target | |');
    console.log('|---|---|---|---|');
    console.log(`| save → new value served (${s.n} edits, 5 ms polling): mean / p50 / p95 / max | ${r1(s.mean)} / ${r1(s.p50)} / ${r1(s.p95)} / ${r1(s.max)} ms | p95 ≤ ${TARGET_P95} ms | ${s.failed === 0 && s.p95 <= TARGET_P95 ? 'PASS' : 'FAIL'} |`);
    const rbs = rebuilds.slice(-EDITS);
    if (rbs.length) {
      const m = (k) => r1(mean(rbs.map((r) => r[k])));
      console.log(`| gati per rebuild (mean): files analyzed / written | ${m('analyzed')} / ${m('written')} | | |`);
      console.log(`| gati per rebuild (mean): analysis / emit / write / bundle ms (bundle made beside the analysis in ${rbs.filter((r) => r.early).length} of ${rbs.length}) | ${m('analysisMs')} / ${m('emitMs')} / ${m('writeMs')} / ${m('bundleMs')} ms | | |`);
    }
    const lds = loads.slice(-EDITS);
    if (lds.length) console.log(`| gati: load of the new build (import + init), mean / max | ${r1(mean(lds))} / ${Math.max(...lds)} ms | | |`);
    result.rebuilds = rebuilds;
    result.loadsMs = loads;
    if (rel.length) console.log(`| gati's "reloaded in" (save seen → new build serving, without the watcher's 25 ms debounce): mean / p50 / max | ${r1(mean(rel))} / ${pct(rel, 50)} / ${Math.max(...rel)} ms | | |`);
    console.log(`| gati dev startup (spawn → first answer, ${result.fromCache ? "from the last run's build" : 'incl. cold build'}) | ${Math.round(result.startupMs)} ms | | |`);
    console.log(`| gati dev RSS before → after ${EDITS} edits | ${Math.round(result.rssBeforeMb)} → ${Math.round(result.rssAfterMb)} MB | | |`);
    const rs = result.rssSamplesMb;
    const drift = ((rs.at(-1) - rs[0]) / rs[0]) * 100;
    // Flat: no growth past 5 % from the first sample, nor, once settled (from the second sample: the first can
    // still hold a start's background rebuild, which a start from the last run's build does behind its first
    // answer), past 5 % above the settled one. A fall (a child such as esbuild's service exiting) is not a leak.
    const settled = rs.length > 2 ? rs.slice(1) : rs;
    const growth = (Math.max(...settled) / settled[0] - 1) * 100;
    const flat = drift <= 5 && growth <= 5;
    console.log(`| RSS of the dev process and its children every ${RSS_EVERY} edits: first / last / max (samples: ${rs.join(' ')}) | ${rs[0]} / ${rs.at(-1)} / ${Math.max(...rs)} MB (${drift >= 0 ? '+' : ''}${r1(drift)} %; settled from the 2nd sample, at most +${r1(growth)} % above it) | no growth past 5 % | ${flat ? 'PASS' : 'FAIL'} |`);
    const own = result.ownRssSamplesMb;
    const ownDrift = ((own.at(-1) - own[0]) / own[0]) * 100;
    console.log(`| RSS of the dev process alone, the same samples: first / last / max (${own.join(' ')}) | ${own[0]} / ${own.at(-1)} / ${Math.max(...own)} MB (${ownDrift >= 0 ? '+' : ''}${r1(ownDrift)} %) | | |`);
    console.log('BENCH_DEV_LOOP_JSON ' + JSON.stringify({ summary: s, reloads: rel, startupMs: Math.round(result.startupMs), fromCache: result.fromCache, rssMb: [Math.round(result.rssBeforeMb), Math.round(result.rssAfterMb)], rssSamplesMb: result.rssSamplesMb, ownRssSamplesMb: own }));
  } finally {
    // Not rewritten when untouched (--edits 0): the watcher would start a rebuild as gati dev stops.
    if (readFileSync(file, 'utf8') !== original) writeFileSync(file, original);
    if (!exited) {
      // Let the restore be served, so the process exits cleanly (and gati dev records a build the next run can start from).
      await waitFor(path, (r) => r.status === 404, TIMEOUT_MS);
      await sleep(500);
      dev.kill('SIGTERM');
      const t = setTimeout(() => dev.kill('SIGKILL'), 15000);
      await exitP;
      clearTimeout(t);
    }
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
