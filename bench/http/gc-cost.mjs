#!/usr/bin/env node
// What each garbage collection costs a Bun server, by what the process loaded (issue 24): JSC's own GC
// log (BUN_JSC_logGC=1) read over a fixed wrk run, summed per request, beside the server's CPU µs per
// request (/proc); the Eden collections' share apart, since a young, small heap also collects in full
// while it grows (the floor does, in the first seconds). Servers: fetch-floor-server.mjs (FLAGS, default hrst) alone and with each --imports
// file imported at startup and kept (IMPORT=…, unused), and Gati's bench app (dist/server.mjs) plus any
// --apps directories (another build of it, e.g. a hand-trimmed dist/app.mjs). Interleaved (order
// reversed every other round), server on core 0, wrk on core 1. Prints per round, then medians [min–max]
// of CPU µs/req, GC µs/req (main-thread pause, the log's `p=`; all, then Eden only), Eden collections per 10k requests, one
// Eden pause (ms) and the heap after each collection (kB).
//
// Usage (after `node bin/gati.mjs build bench/.work/http-app`):
//   node bench/http/gc-cost.mjs [--scenarios get,post] [--rounds 5] [--duration 3] [--port 3200]
//     [--warmup 1] [--flags hrst] [--imports name=FILE,…] [--apps name=DIR,…] [--no-gati]
import { join, resolve } from 'node:path';
import { DEFAULT_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { median, reexecPinnedToCore1 } from './harness.mjs';
import { interleavedRounds, runOptions, servedRun } from './served-run.mjs';

reexecPinnedToCore1(new URL(import.meta.url).pathname, process.argv.slice(2));
const argv = process.argv.slice(2);
const { opt, scenarios: SCENARIOS, rounds: ROUNDS, duration: DURATION, warmup: WARMUP, port: PORT } = runOptions(argv);
const pairs = (text) => (text ? text.split(',').map((p) => p.split('=')) : []);
const FLAGS = opt('flags', 'hrst');

const BUN = join(REPO_ROOT, 'node_modules', '.bin', 'bun');
const FLOOR = join(REPO_ROOT, 'bench', 'http', 'fetch-floor-server.mjs');
const servers = [
  { name: 'floor', args: [FLOOR], cwd: REPO_ROOT, env: { FLAGS } },
  ...pairs(opt('imports', '')).map(([name, file]) => ({ name: `floor+${name}`, args: [FLOOR], cwd: REPO_ROOT, env: { FLAGS, IMPORT: resolve(file) } })),
  ...(argv.includes('--no-gati') ? [] : [{ name: 'gati', args: ['dist/server.mjs'], cwd: DEFAULT_HTTP_APP_DIR, env: { LOG_LEVEL: 'warn' } }]),
  ...pairs(opt('apps', '')).map(([name, dir]) => ({ name, args: ['dist/server.mjs'], cwd: resolve(dir), env: { LOG_LEVEL: 'warn' } })),
];

/** The collections JSC logged: `[GC<…>: START M 8928kb => EdenCollection, … => 170kb, p=2.03ms (max …), cycle 1.93ms END]`. */
function collections(log) {
  const out = [];
  for (const m of log.matchAll(/=> (Eden|Full)Collection,.*? => (\d+)kb, p=([\d.]+)ms .*?cycle ([\d.]+)ms END/g)) {
    out.push({ kind: m[1], afterKb: Number(m[2]), pauseMs: Number(m[3]), cycleMs: Number(m[4]) });
  }
  return out;
}

async function measure(server, scenario) {
  const withLog = { ...server, env: { BUN_JSC_logGC: '1', ...server.env } };
  // settleMs: the last collection's line
  const { out, ticks, output, mark } = await servedRun({ exe: BUN, server: withLog, scenario, port: PORT, warmup: WARMUP, duration: DURATION, settleMs: 100 });
  const gcs = collections(output.slice(mark));
  const eden = gcs.filter((g) => g.kind === 'Eden');
  return {
    us: (ticks * 10_000) / out.total,
    gcUs: (gcs.reduce((s, g) => s + g.pauseMs, 0) * 1000) / out.total,
    edenUs: (eden.reduce((s, g) => s + g.pauseMs, 0) * 1000) / out.total,
    edenPer10k: (eden.length * 10_000) / out.total,
    full: gcs.length - eden.length,
    edenMs: eden.length ? median(eden.map((g) => g.pauseMs)) : NaN,
    afterKb: gcs.length ? median(gcs.map((g) => g.afterKb)) : NaN,
  };
}

const range = (xs, digits) => `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}]`;
await interleavedRounds({
  label: 'bun', servers, scenarios: SCENARIOS, rounds: ROUNDS, duration: DURATION, measure,
  line: (name, r) => `${name.padEnd(18)} ${r.us.toFixed(2).padStart(6)} CPU µs/req  GC ${r.gcUs.toFixed(2)} µs/req (Eden ${r.edenUs.toFixed(2)})  ${r.edenPer10k.toFixed(1)} Eden/10k req (${r.edenMs.toFixed(2)} ms each), ${r.full} full, heap ${r.afterKb} kB`,
  summary: (name, rs) => {
    const col = (k, d) => range(rs.map((r) => r[k]), d);
    return `${name.padEnd(18)} CPU ${col('us', 2)} µs/req  GC ${col('gcUs', 2)} µs/req  Eden only ${col('edenUs', 2)}  Eden/10k ${col('edenPer10k', 1)}  Eden ${col('edenMs', 2)} ms  heap ${col('afterKb', 0)} kB`;
  },
});
