#!/usr/bin/env node
// Gati on Bun/Deno against the engine's raw server and the floor under it (issue 24): the raw server
// (raw-bun-server.mjs / raw-deno-server.mjs), fetch-floor-server.mjs with the FLAGS given (the raw
// router plus only the header reads, response headers and body read Gati's answer needs), Gati's
// bench app (`dist/server.mjs`, LOG_LEVEL=warn) and, with --baseline-app, the same app built by
// another checkout. Servers interleaved (order reversed every other round), each pinned to core 0,
// wrk on core 1; the figure is the server's CPU µs per request (/proc), which holds on a busy machine
// better than req/s. Prints per round, then medians [min–max] and raw's figure over each (×, by CPU).
//
// Usage (after `node bench/http/run.mjs` once, or `node bin/gati.mjs build bench/.work/http-app`):
//   node bench/http/floor.mjs --engine bun|deno [--scenarios get,post] [--floors h,hr,hrst] [--rounds 5]
//     [--duration 3] [--warmup 1] [--port 3200] [--baseline-app DIR]
import { join } from 'node:path';
import { DEFAULT_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { DENO_RUN_ARGS } from '../../lib/model/engines.js';
import { median, reexecPinnedToCore1 } from './harness.mjs';
import { interleavedRounds, runOptions, servedRun } from './served-run.mjs';

reexecPinnedToCore1(new URL(import.meta.url).pathname, process.argv.slice(2));
const { opt, scenarios: SCENARIOS, rounds: ROUNDS, duration: DURATION, warmup: WARMUP, port: PORT } = runOptions(process.argv.slice(2));
const ENGINE = opt('engine', 'bun');
const FLOORS = opt('floors', 'h,hr,hrst').split(',').filter(Boolean);
const BASELINE_APP = opt('baseline-app', undefined);

const exe = join(REPO_ROOT, 'node_modules', '.bin', ENGINE);
const script = (file) => (ENGINE === 'deno' ? ['run', '-A', file] : [file]);
const appArgs = ENGINE === 'deno' ? [...DENO_RUN_ARGS, 'dist/server.mjs'] : ['dist/server.mjs'];
const servers = [
  { name: `raw-${ENGINE}`, args: script(join(REPO_ROOT, 'bench', 'http', `raw-${ENGINE}-server.mjs`)), cwd: REPO_ROOT, env: {} },
  ...FLOORS.map((flags) => ({ name: `floor-${flags}`, args: script(join(REPO_ROOT, 'bench', 'http', 'fetch-floor-server.mjs')), cwd: REPO_ROOT, env: { FLAGS: flags } })),
  { name: `gati-${ENGINE}`, args: appArgs, cwd: DEFAULT_HTTP_APP_DIR, env: { LOG_LEVEL: 'warn' } },
  ...(BASELINE_APP ? [{ name: `gati-base-${ENGINE}`, args: appArgs, cwd: BASELINE_APP, env: { LOG_LEVEL: 'warn' } }] : []),
];

async function measure(server, scenario) {
  const { out, ticks } = await servedRun({ exe, server, scenario, port: PORT, warmup: WARMUP, duration: DURATION });
  return { rps: out.rps, us: (ticks * 10_000) / out.total, share: ticks / 100 / DURATION };
}

await interleavedRounds({
  label: ENGINE, servers, scenarios: SCENARIOS, rounds: ROUNDS, duration: DURATION, measure,
  line: (name, r) => `${name.padEnd(16)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.us.toFixed(1).padStart(5)} µs/req  server CPU ${(r.share * 100).toFixed(0)}%`,
  summary: (name, rs, all) => {
    const raw = median(all[`raw-${ENGINE}`].map((r) => r.us));
    const us = rs.map((r) => r.us);
    const m = median(us);
    return `${name.padEnd(16)} ${m.toFixed(1).padStart(5)} µs/req [${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)}]  raw/this ${(raw / m).toFixed(2)}×  server CPU ${(median(rs.map((r) => r.share)) * 100).toFixed(0)}%`;
  },
});
