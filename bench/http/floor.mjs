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
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { GET_PATH, POST_PATH } from './routes.mjs';
import { DENO_RUN_ARGS } from '../../lib/model/engines.js';
import { cpuTicks, median, parseWrk, reexecPinnedToCore1, wrk } from './harness.mjs';

reexecPinnedToCore1(new URL(import.meta.url).pathname, process.argv.slice(2));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const ENGINE = opt('engine', 'bun');
const SCENARIOS = opt('scenarios', 'get,post').split(',');
const FLOORS = opt('floors', 'h,hr,hrst').split(',').filter(Boolean);
const ROUNDS = Number(opt('rounds', 5));
const DURATION = Number(opt('duration', 3));
const WARMUP = Number(opt('warmup', 1));
const PORT = Number(opt('port', 3200));
const BASELINE_APP = opt('baseline-app', undefined);
const BODY = readFileSync(join(REPO_ROOT, 'bench', 'http', 'body.json'), 'utf8').trim();
const WORK = join(REPO_ROOT, 'bench', '.work', 'http');
mkdirSync(WORK, { recursive: true });
const POST_LUA = join(WORK, 'post.lua');
writeFileSync(POST_LUA, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(BODY)}\n`);

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
  const path = scenario === 'post' ? POST_PATH : GET_PATH;
  const child = spawn('taskset', ['-c', '0', exe, ...server.args], { cwd: server.cwd, env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ...server.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const init = scenario === 'post' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY } : {};
    for (let tries = 0; ; tries++) {
      try {
        const res = await fetch(`http://127.0.0.1:${PORT}${path}`, init);
        await res.text();
        if (res.status < 300) break;
        throw new Error(`${server.name} answered ${res.status}`);
      } catch (error) {
        if (tries > 300 || child.exitCode !== null) throw new Error(`${server.name} did not start: ${error}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const url = `http://127.0.0.1:${PORT}${path}`;
    const luaScript = scenario === 'post' ? POST_LUA : undefined;
    await wrk({ connections: 50, seconds: WARMUP, url, luaScript });
    const before = cpuTicks(child.pid);
    const out = parseWrk(await wrk({ connections: 50, seconds: DURATION, url, luaScript }));
    const ticks = cpuTicks(child.pid) - before;
    if (out.non2xx || out.socketErrors) throw new Error(`${server.name}: ${out.non2xx} non-2xx, ${out.socketErrors} socket errors`);
    return { rps: out.rps, us: (ticks * 10_000) / out.total, share: ticks / 100 / DURATION };
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

const loads = [readFileSync('/proc/loadavg', 'utf8').split(' ')[0]];
console.log(`${new Date().toISOString()} ${ENGINE}: ${servers.map((s) => s.name).join(', ')}; ${ROUNDS} rounds of ${DURATION} s`);
for (const scenario of SCENARIOS) {
  const results = Object.fromEntries(servers.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of round % 2 ? [...servers].reverse() : servers) {
      const r = await measure(server, scenario);
      results[server.name].push(r);
      console.log(`round ${round + 1} ${scenario} ${server.name.padEnd(16)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.us.toFixed(1).padStart(5)} µs/req  server CPU ${(r.share * 100).toFixed(0)}%`);
    }
    loads.push(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  }
  const raw = median(results[`raw-${ENGINE}`].map((r) => r.us));
  for (const server of servers) {
    const us = results[server.name].map((r) => r.us);
    const m = median(us);
    console.log(`${scenario.toUpperCase()} ${server.name.padEnd(16)} ${m.toFixed(1).padStart(5)} µs/req [${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)}]  raw/this ${(raw / m).toFixed(2)}×  server CPU ${(median(results[server.name].map((r) => r.share)) * 100).toFixed(0)}%`);
  }
}
console.log(`${new Date().toISOString()} load averages over the run: ${loads.join(' ')}`);
