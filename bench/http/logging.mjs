#!/usr/bin/env node
// What the per-request log line costs on the HTTP path (issue 13, item 8): `gati start` with default
// settings on fixtures/payments (directory middleware that logs a line of its own, a module, effects on
// SQLite with the workers in the server process) with the default log level vs LOG_LEVEL=warn (no
// info lines), GET and POST in the same run; the HTTP benchmark's 100-route app (bench/http/gen-app.mjs:
// no middleware, one line per request) the same way ('gati-100', 'gati-100-warn'); for context,
// Fastify (bench/http/fastify-server.mjs, the same 100 routes) without and with its logger
// (`logger: true`: pino, two lines per request).
//
// Usage (from the repository root, after `npm run build`):
//   node bench/http/logging.mjs [--warmup 3] [--duration 10] [--rounds 3] [--connections 50] [--port 3300]
//        [--baseline DIR]   DIR: an older Gati checkout, built (npm ci && npm run build there); it serves
//                           its own build of the same app as 'before' and 'before-warn'
//        [--servers gati,gati-warn,gati-100,gati-100-warn,fastify,fastify-log]
// Servers run pinned to core 0 (`taskset -c 0`), wrk (-t1) to core 1; this process reads the servers'
// stdout (a pipe, as under Docker) and counts the request lines that arrive. Order rotated per round.
// Printed: medians of req/s and of server CPU µs per request, and the ratios logging on / off.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GET_PATH, POST_PATH } from './routes.mjs';
import { generateHttpApp } from './gen-app.mjs';
import { cpuTicks, median, parseWrk, wrk } from './harness.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const WARMUP = Number(opt('warmup', 3));
const DURATION = Number(opt('duration', 10));
const ROUNDS = Number(opt('rounds', 3));
const CONNS = Number(opt('connections', 50));
const PORT = Number(opt('port', 3300));
const BASELINE = opt('baseline', undefined);
const SERVERS = opt('servers', `gati,gati-warn,${BASELINE ? 'before,before-warn,' : ''}gati-100,gati-100-warn,fastify,fastify-log`).split(',');
const WORK = join(REPO, 'bench', '.work', 'logging');

// Re-exec pinned to core 1, with wrk: the servers get core 0.
if (!process.env.GATI_BENCH_PINNED) {
  const r = spawnSync('taskset', ['-c', '1', process.execPath, fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit', env: { ...process.env, GATI_BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}

const NEW_PAYMENT = JSON.stringify({ amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com', method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }] });
const FASTIFY_BODY = readFileSync(join(HERE, 'body.json'), 'utf8').trim();

const gatiStart = (checkout, app, env) => ({ args: [join(checkout, 'bin', 'gati.mjs'), 'start', app], env, kind: 'gati' });
// Fastify serves the same 100 routes as the 'app100' Gati app.
const fastify = (env) => ({ args: [join(HERE, 'fastify-server.mjs')], env, kind: 'app100' });
const SERVER = {
  gati: gatiStart(REPO, join(WORK, 'app'), {}),
  'gati-warn': gatiStart(REPO, join(WORK, 'app'), { LOG_LEVEL: 'warn' }),
  ...(BASELINE ? { before: gatiStart(BASELINE, join(WORK, 'app-before'), {}), 'before-warn': gatiStart(BASELINE, join(WORK, 'app-before'), { LOG_LEVEL: 'warn' }) } : {}),
  'gati-100': { ...gatiStart(REPO, join(WORK, 'http-app'), {}), kind: 'app100' },
  'gati-100-warn': { ...gatiStart(REPO, join(WORK, 'http-app'), { LOG_LEVEL: 'warn' }), kind: 'app100' },
  fastify: fastify({}),
  'fastify-log': fastify({ FASTIFY_LOGGER: '1' }),
};
const SCENARIOS = {
  get: { gati: { method: 'GET', path: '/payments/pay_1', status: 200 }, app100: { method: 'GET', path: GET_PATH, status: 200 } },
  post: { gati: { method: 'POST', path: '/payments', body: NEW_PAYMENT, status: 201 }, app100: { method: 'POST', path: POST_PATH, body: FASTIFY_BODY, status: 201 } },
};
/** Pairs printed as ratios: [logging on, logging off]. */
const PAIRS = [['gati', 'gati-warn'], ['before', 'before-warn'], ['gati-100', 'gati-100-warn'], ['fastify-log', 'fastify'], ['gati-warn', 'before-warn'], ['gati', 'before']];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r0 = Math.round;
const r2 = (x) => Math.round(x * 100) / 100;

/** A copy of fixtures/payments built by `checkout`'s gati. */
function buildApp(checkout, dir) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(REPO, 'fixtures', 'payments'), dir, { recursive: true, filter: (src) => !/[/\\](dist|node_modules)([/\\]|$)|\.gati[/\\]cache/.test(src) });
  symlinkSync(join(checkout, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const r = spawnSync(process.execPath, [join(checkout, 'bin', 'gati.mjs'), 'build', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gati build (${checkout}) failed:\n${r.stdout}\n${r.stderr}`);
}

function send(method, path, body) {
  return fetch(`http://127.0.0.1:${PORT}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} }).then(async (r) => ({ status: r.status, text: await r.text() }), () => ({ status: 0, text: '' }));
}

function startServer(name) {
  const c = SERVER[name];
  const env = { ...process.env, GATI_BENCH_PINNED: '', ...c.env, PORT: String(PORT), HOST: '127.0.0.1' };
  if (!('LOG_LEVEL' in c.env)) delete env.LOG_LEVEL; // the default level, as users run it
  const child = spawn('taskset', ['-c', '0', process.execPath, ...c.args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = { name, child, tail: '', requestLines: 0, exited: false };
  // Drained like a log collector would; the request lines are counted (split across chunks: keep a short tail).
  let carry = '';
  child.stdout.on('data', (d) => {
    const text = carry + d;
    for (let k = text.indexOf('"msg":"request'); k !== -1; k = text.indexOf('"msg":"request', k + 1)) srv.requestLines++;
    carry = text.slice(-16);
    srv.tail = text.slice(-2000);
  });
  child.stderr.on('data', (d) => (srv.tail = (srv.tail + d).slice(-2000)));
  srv.done = new Promise((r) => child.on('exit', () => r((srv.exited = true))));
  return srv;
}

async function stopServer(srv) {
  if (srv.exited) return;
  srv.child.kill('SIGTERM');
  const t = setTimeout(() => srv.child.kill('SIGKILL'), 10_000);
  await srv.done;
  clearTimeout(t);
}

async function waitReady(srv, path) {
  const t0 = Date.now();
  while ((await send('GET', path)).status !== 200) {
    if (srv.exited || Date.now() - t0 > 30_000) throw new Error(`${srv.name} did not start:\n${srv.tail}`);
    await sleep(20);
  }
}

async function loadRun(name, scenarioName) {
  const kind = SERVER[name].kind;
  const sc = SCENARIOS[scenarioName][kind];
  const srv = startServer(name);
  try {
    await waitReady(srv, '/health');
    if (kind === 'gati') {
      const created = await send('POST', '/payments', NEW_PAYMENT); // pay_1, which the GET scenario reads
      if (created.status !== 201) throw new Error(`${name}: POST /payments answered ${created.status} ${created.text}`);
    }
    const check = await send(sc.method, sc.path, sc.body);
    if (check.status !== sc.status) throw new Error(`${name} ${scenarioName}: expected ${sc.status}, got ${check.status} ${check.text}`);
    const lua = sc.body ? join(WORK, `${kind}-post.lua`) : undefined;
    const url = `http://127.0.0.1:${PORT}${sc.path}`;
    if (WARMUP > 0) await wrk({ connections: CONNS, seconds: WARMUP, url, luaScript: lua });
    const lines0 = srv.requestLines;
    const c0 = cpuTicks(srv.child.pid);
    const t0 = performance.now();
    const res = parseWrk(await wrk({ connections: CONNS, seconds: DURATION, url, luaScript: lua }));
    const wall = (performance.now() - t0) / 1000;
    const c1 = cpuTicks(srv.child.pid);
    await sleep(100); // the last lines of the run are flushed within 10 ms
    res.requestLines = srv.requestLines - lines0;
    res.serverCpu = (c1 - c0) / 100 / wall;
    res.cpuUsPerReq = res.total > 0 ? (((c1 - c0) / 100) * 1e6) / res.total : NaN;
    if (!(res.rps > 0)) throw new Error(`${name}: could not parse wrk's output`);
    return res;
  } finally {
    await stopServer(srv);
  }
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  const luaFor = (body) => `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`;
  writeFileSync(join(WORK, 'gati-post.lua'), luaFor(NEW_PAYMENT));
  writeFileSync(join(WORK, 'app100-post.lua'), luaFor(FASTIFY_BODY));
  console.log(`# request-log benchmark  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus (${cpus()[0]?.model})  load ${loadavg().map(r2).join(' ')}`);
  console.log(`# wrk -t1 -c${CONNS}, warm-up ${WARMUP} s + measured ${DURATION} s, ${ROUNDS} round(s); servers taskset -c 0, wrk taskset -c 1`);
  console.log('# gati, before: `gati start` on fixtures/payments (GET /payments/pay_1, POST /payments); gati-100 and fastify: the 100-route app (GET /users/42/orders/1337, POST /users/7/orders)');
  buildApp(REPO, join(WORK, 'app'));
  generateHttpApp(join(WORK, 'http-app'));
  const built = spawnSync(process.execPath, [join(REPO, 'bin', 'gati.mjs'), 'build', join(WORK, 'http-app')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`gati build of the 100-route app failed:\n${built.stdout}\n${built.stderr}`);
  if (BASELINE) buildApp(resolve(BASELINE), join(WORK, 'app-before'));

  const runs = { get: {}, post: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const sc of Object.keys(SCENARIOS)) {
      const order = [...SERVERS.slice(round % SERVERS.length), ...SERVERS.slice(0, round % SERVERS.length)];
      for (const name of order) {
        const r = await loadRun(name, sc);
        (runs[sc][name] ??= []).push(r);
        console.log(`round ${round + 1} ${sc.padEnd(4)} ${name.padEnd(12)} ${String(r0(r.rps)).padStart(6)} req/s  p99 ${r.p99} ms  server cpu ${r0(r.serverCpu * 100)}% (${r2(r.cpuUsPerReq)} µs/req)  request lines ${r.requestLines}  non-2xx ${r.non2xx}  socket errors ${r.socketErrors}  load ${r2(loadavg()[0])}`);
      }
    }
  }
  const summary = [];
  for (const sc of Object.keys(SCENARIOS)) {
    console.log(`\n## ${sc.toUpperCase()}\n\n| server | req/s median | runs | server CPU µs/req | server CPU | request lines / requests |\n|---|---:|---|---:|---:|---:|`);
    const med = {};
    for (const name of SERVERS) {
      const rs = runs[sc][name];
      med[name] = { rps: median(rs.map((r) => r.rps)), cpu: median(rs.map((r) => r.cpuUsPerReq)) };
      const lines = rs.reduce((a, r) => a + r.requestLines, 0) / rs.reduce((a, r) => a + r.total, 0);
      console.log(`| ${name} | ${r0(med[name].rps)} | ${rs.map((r) => r0(r.rps)).join(' / ')} | ${r2(med[name].cpu)} | ${r0(median(rs.map((r) => r.serverCpu)) * 100)}% | ${name.startsWith('fastify') ? '–' : r2(lines)} |`);
    }
    for (const [a, b] of PAIRS) {
      if (med[a] && med[b]) summary.push(`${sc.toUpperCase()} ${a}/${b}: ${r2(med[a].rps / med[b].rps)}× req/s, ${r2(med[a].cpu / med[b].cpu)}× server CPU per request`);
    }
  }
  console.log('\n## Ratios\n');
  for (const line of summary) console.log(`- ${line}`);
  console.log(`\nload after: ${loadavg().map(r2).join(' ')}`);
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
