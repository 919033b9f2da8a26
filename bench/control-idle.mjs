#!/usr/bin/env node
// What the control panel costs while nobody is connected (issue 23: ≤ 3% of request throughput).
// fixtures/payments (bench/payments-app.mjs) built once and served by `gati start`, in the same run:
//   off     the panel off (the default): no buffers, tracing off (no OTLP endpoint)
//   panel   GATI_CONTROL=1: the mount's prefix check, every log line copied into the panel's buffer,
//           tracing on for the panel alone (a few requests a second per path recorded, the rest one
//           sampler check), the metrics history; nobody connected
// Scenarios: GET /health (the cheapest route: the largest relative cost) and GET /payments/:id of a
// missing payment (folder middleware that logs a line, a module call, a 404).
// LOG_LEVEL=info (the default: a request line per request, each copied into the buffer), stdout to
// /dev/null. Servers pinned to core 0 (`taskset -c 0`), wrk (-t1) to core 1. Order rotated per round.
// Printed: per scenario the medians (and ranges) of req/s and of the server's CPU µs per request,
// and panel/off as a ratio of throughput (target ≥ 0.97, i.e. ≤ 3% cost).
//
// Usage (from the repository root, after `npm run build`):
//   node bench/control-idle.mjs [--warmup 2] [--duration 6] [--rounds 6] [--connections 50] [--port 3410]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paymentsApp } from './payments-app.mjs';
import { cpuTicks, median, parseWrk, reexecPinnedToCore1, waitForHealth, wrk } from './http/harness.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const WARMUP = Number(opt('warmup', 2));
const DURATION = Number(opt('duration', 6));
const ROUNDS = Number(opt('rounds', 6));
const CONNS = Number(opt('connections', 50));
const PORT = Number(opt('port', 3410));
const WORK = join(REPO, 'bench', '.work', 'control-idle');
const APP = join(WORK, 'payments');
const SCENARIOS = { health: '/health', missing: '/payments/pay_missing' };

// Re-exec pinned to core 1 (wrk); the servers get core 0.
reexecPinnedToCore1(fileURLToPath(import.meta.url), argv);

const r1 = (x) => Math.round(x * 10) / 10;
const range = (xs) => `${r1(Math.min(...xs))}–${r1(Math.max(...xs))}`;

async function loadRun(name, path) {
  const env = { ...process.env, GATI_BENCH_PINNED: '', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', PORT: String(PORT), HOST: '127.0.0.1', ADMIN_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', GATI_CONTROL: name === 'panel' ? '1' : '0' };
  const child = spawn('taskset', ['-c', '0', process.execPath, join(REPO, 'bin', 'gati.mjs'), 'start', APP], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await waitForHealth(PORT, child, { timeoutMs: 60_000, pollMs: 50 });
    // The panel is mounted (401 without a session) or not (the app's 404).
    const mounted = (await fetch(`http://127.0.0.1:${PORT}/_control/api/ping`)).status === 401;
    if (mounted !== (name === 'panel')) throw new Error(`${name}: the panel is ${mounted ? 'on' : 'off'}`);
    const url = `http://127.0.0.1:${PORT}${path}`;
    await wrk({ connections: CONNS, seconds: WARMUP, url });
    const pid = Number(spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]) || child.pid;
    const c0 = cpuTicks(pid);
    const res = parseWrk(await wrk({ connections: CONNS, seconds: DURATION, url }));
    const c1 = cpuTicks(pid);
    if (res.socketErrors) throw new Error(`${name} ${path}: ${res.socketErrors} socket errors`);
    return { rps: res.rps, cpuUs: ((c1 - c0) / 100) * 1e6 / res.total };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  console.log(`# control panel idle cost  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus  load ${loadavg().map(r1).join(' ')}`);
  console.log(`# fixtures/payments via gati start, LOG_LEVEL=info; wrk -t1 -c${CONNS}, warm-up ${WARMUP} s + measured ${DURATION} s, ${ROUNDS} round(s); server taskset -c 0, wrk -c 1`);
  if (!argv.includes('--skip-build')) {
    paymentsApp(APP);
    const built = spawnSync(process.execPath, [join(REPO, 'bin', 'gati.mjs'), 'build', APP], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`gati build failed:\n${built.stdout}\n${built.stderr}`);
  }
  const servers = ['off', 'panel'];
  const results = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [scenario, path] of Object.entries(SCENARIOS)) {
      const order = round % 2 ? [...servers].reverse() : servers;
      for (const name of order) {
        const r = await loadRun(name, path);
        ((results[scenario] ??= {})[name] ??= []).push(r);
        console.log(`round ${round + 1} ${scenario.padEnd(7)} ${name.padEnd(5)} ${Math.round(r.rps)} req/s  ${r1(r.cpuUs)} µs CPU/req`);
      }
    }
  }
  console.log(`load average after: ${loadavg().map(r1).join(' ')}`);
  console.log('\nscenario  server  req/s (median, range)       CPU µs/req (median, range)');
  for (const scenario of Object.keys(SCENARIOS)) {
    const m = {};
    for (const name of servers) {
      const rs = results[scenario][name];
      m[name] = { rps: median(rs.map((r) => r.rps)), cpu: median(rs.map((r) => r.cpuUs)) };
      console.log(`${scenario.padEnd(9)} ${name.padEnd(7)} ${String(Math.round(m[name].rps)).padStart(7)} (${range(rs.map((r) => r.rps))})   ${String(r1(m[name].cpu)).padStart(6)} (${range(rs.map((r) => r.cpuUs))})`);
    }
    const ratio = m.panel.rps / m.off.rps;
    // Each round ran both servers back to back: the median of the rounds' own ratios is less moved
    // by the machine drifting between rounds than the ratio of the medians.
    const paired = median(results[scenario].panel.map((r, i) => r.rps / results[scenario].off[i].rps));
    const cpuRatio = m.off.cpu / m.panel.cpu;
    console.log(`${scenario}: panel on, nobody connected: ${r1(ratio * 100)}% of off's req/s (median of the rounds' own ratios ${r1(paired * 100)}%; by CPU per request ${r1(cpuRatio * 100)}%, ${r1(m.panel.cpu - m.off.cpu)} µs more) — target ≥ 97%: ${ratio >= 0.97 ? 'PASS' : 'FAIL'}`);
  }
}

await main();
