#!/usr/bin/env node
// Metrics benchmark (issue 18): what Prometheus metrics cost when on (the default) against
// `--admin-port off`, on the same 100-route app in the same run through `gati start`, and how long
// `/metrics` takes to render with 500 routes that each have samples.
//
// Usage (from the repository root, after `npm run build`):
//   node bench/metrics.mjs                                  5 rounds: 2 s warm-up + 8 s measured per server
//   node bench/metrics.mjs --rounds 1 --duration 2          smoke run
// Options: --warmup S (2)  --duration S (8)  --rounds N (5)  --connections N (50)  --skip-build  --no-load  --no-render
//
// What it does:
//   1. writes and builds the HTTP benchmark's app (bench/http/gen-app.mjs -> bench/.work/http-app)
//   2. per round, in alternating order: `gati start` pinned with `taskset -c 0` (LOG_LEVEL=warn: no
//      request log line), metrics on (ADMIN_PORT=<a free port>) or off (ADMIN_PORT=off); wrk pinned to core 1
//      (`-t1 -c50`) on GET /users/42/orders/1337, warm-up discarded; req/s and the server's CPU µs
//      per request (/proc/<pid>/stat). With metrics on, the admin port is scraped once after the run
//      to check the requests were counted.
//   3. render: in this process, the metrics registry with 500 route templates, each with a GET 200
//      and a GET 404 series (20 observations each), rendered by registry.metrics() and fetched over
//      the admin port's HTTP, 50 times each after 5 warm-ups; median and p95.
//   4. prints medians with their ranges, the on/off ratio and PASS/FAIL against the targets
//      (metrics on cost ≤ 5% throughput; /metrics with 500 routes in ≤ 50 ms).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateHttpApp, DEFAULT_HTTP_APP_DIR, REPO_ROOT } from './http/gen-app.mjs';
import { GET_PATH } from './http/routes.mjs';
import { cpuTicks, median, parseWrk, wrk } from './http/harness.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const WARMUP = Number(opt('warmup', 2));
const DURATION = Number(opt('duration', 8));
const ROUNDS = Number(opt('rounds', 5));
const CONNS = Number(opt('connections', 50));
const APP = DEFAULT_HTTP_APP_DIR;
const GATI = join(REPO_ROOT, 'bin', 'gati.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r1 = (x) => Math.round(x * 10) / 10;
const range = (xs) => `${r1(Math.min(...xs))}–${r1(Math.max(...xs))}`;

function get(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** `gati start` on core 0, metrics on (a free admin port) or off (ADMIN_PORT=off); resolves once it answers. */
async function startServer(mode) {
  const port = await freePort();
  const adminPort = mode === 'on' ? await freePort() : 'off';
  // LOG_LEVEL=warn: no request log line, so the comparison is of the metrics alone.
  const child = spawn('taskset', ['-c', '0', process.execPath, GATI, 'start', APP], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ADMIN_PORT: String(adminPort), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`gati start exited with ${child.exitCode}`);
    const ok = await get(`${url}${GET_PATH}`).then((r) => r.status === 200, () => false);
    if (ok) return { child, url, metrics: mode === 'on' ? `http://127.0.0.1:${adminPort}/metrics` : undefined };
    await sleep(10);
  }
  throw new Error('gati start did not answer within 30 s');
}

async function stop(server) {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

async function loadRun(mode) {
  const server = await startServer(mode);
  try {
    const url = `${server.url}${GET_PATH}`;
    const check = await get(url);
    if (check.status !== 200) throw new Error(`${url} answered ${check.status}`);
    await wrk({ connections: CONNS, seconds: WARMUP, url });
    const pid = server.child.pid;
    // taskset execs node in place: the pid is the server's.
    const before = cpuTicks(pid);
    const out = await wrk({ connections: CONNS, seconds: DURATION, url });
    const cpu = cpuTicks(pid) - before;
    const result = parseWrk(out);
    if (result.non2xx || result.socketErrors) throw new Error(`wrk saw errors:\n${out}`);
    let counted;
    if (server.metrics) {
      const page = (await get(server.metrics)).text;
      counted = page.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{') && l.includes('http_route="/users/:userId/orders/:orderId"')).map((l) => Number(l.split(' ').at(-1)))[0];
    }
    return { rps: result.rps, total: result.total, p99: result.p99, cpuUsPerReq: ((cpu * 10_000) / result.total), counted };
  } finally {
    await stop(server);
  }
}

async function renderBench() {
  const { enableMetrics, renderMetrics, startAdminServer } = await import('../lib/runtime-shim/metrics/index.js');
  const log = { debug() {}, info() {}, warn: console.warn, error: console.error, child() { return log; } };
  const metrics = enableMetrics(log);
  for (let r = 0; r < 500; r++) {
    const route = { path: `/resource${r}/:id/items/:itemId` };
    for (const status of [200, 404]) {
      for (let i = 0; i < 20; i++) metrics.http.observe('GET', route.path, status, i * 3);
    }
  }
  const timeIt = async (fn) => {
    for (let i = 0; i < 5; i++) await fn();
    const times = [];
    const cpu = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    // CPU time of this process (the render; over HTTP, the server side too, as it runs here): what a
    // loaded machine inflates least.
    return { median: median(times), p95: times[Math.floor(times.length * 0.95)], cpu: median(cpu) };
  };
  const { text } = await renderMetrics(metrics);
  const render = await timeIt(() => renderMetrics(metrics));
  const admin = await startAdminServer(0, '127.0.0.1', () => renderMetrics(metrics), log);
  const scrape = await timeIt(() => get(admin.url));
  await admin.close();
  return { lines: text.split('\n').length, bytes: Buffer.byteLength(text), render, scrape };
}

console.log(`node ${process.version}, ${cpus().length} cores, load average before: ${loadavg().map(r1).join(' ')}`);
if (!flag('skip-build') && !flag('no-load')) {
  generateHttpApp(APP);
  const built = spawnSync(process.execPath, [GATI, 'build', APP], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
if (!flag('no-load')) {
  const runs = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
      const r = await loadRun(mode);
      runs[mode].push(r);
      console.log(`round ${round + 1} ${mode.padEnd(3)} ${Math.round(r.rps)} req/s  p99 ${r.p99} ms  ${r1(r.cpuUsPerReq)} µs CPU/req${r.counted !== undefined ? `  (scrape counted ${r.counted} of ≥ ${r.total})` : ''}`);
      await sleep(300);
    }
  }
  const rps = (m) => runs[m].map((r) => r.rps);
  const cpu = (m) => runs[m].map((r) => r.cpuUsPerReq);
  const ratio = median(rps('on')) / median(rps('off'));
  // Per round: on / off of the same round, less exposed to the machine's load drifting between rounds.
  const paired = runs.on.map((r, i) => r.rps / runs.off[i].rps);
  console.log(`\nmetrics off: ${Math.round(median(rps('off')))} req/s (${range(rps('off'))}), ${r1(median(cpu('off')))} µs CPU/req (${range(cpu('off'))})`);
  console.log(`metrics on:  ${Math.round(median(rps('on')))} req/s (${range(rps('on'))}), ${r1(median(cpu('on')))} µs CPU/req (${range(cpu('on'))})`);
  console.log(`on/off: ${ratio.toFixed(3)}x of medians; per-round ratios median ${median(paired).toFixed(3)}x (${paired.map((p) => p.toFixed(3)).join(', ')}); CPU ${median(cpu('on')) >= median(cpu('off')) ? '+' : ''}${r1(median(cpu('on')) - median(cpu('off')))} µs/req`);
  console.log(`target metrics on cost ≤ 5% throughput: ${median(paired) >= 0.95 ? 'PASS' : 'FAIL'}`);
}
if (!flag('no-render')) {
  const r = await renderBench();
  console.log(`\n/metrics with 500 routes (2 series each, ${r.lines} lines, ${Math.round(r.bytes / 1024)} KiB): render median ${r1(r.render.median)} ms (p95 ${r1(r.render.p95)}, CPU ${r1(r.render.cpu)} ms), over HTTP median ${r1(r.scrape.median)} ms (p95 ${r1(r.scrape.p95)}, CPU ${r1(r.scrape.cpu)} ms)`);
  console.log(`target /metrics with 500 routes ≤ 50 ms: ${r.scrape.median <= 50 ? 'PASS' : 'FAIL'}`);
}
console.log(`load average after: ${loadavg().map(r1).join(' ')}`);
process.exit(0);
