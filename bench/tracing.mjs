#!/usr/bin/env node
// What tracing costs on the HTTP path (issue 18): the HTTP benchmark's 100-route app
// (bench/http/gen-app.mjs, the same app and scenarios as bench/http/run.mjs) served by `gati start`,
// in the same run:
//   off      no OTEL_EXPORTER_OTLP_ENDPOINT: tracing off (nothing of OpenTelemetry loaded)
//   on       OTEL_EXPORTER_OTLP_ENDPOINT set, OTEL_TRACES_SAMPLER=always_on (100% sampled), exporting
//            http/protobuf to a local sink (a node:http server in this process that drains the bodies)
//   als      (with --als) tracing off, but an AsyncLocalStorage enabled in the server (a --require
//            preload that enters a store): what the context propagation alone costs, which tracing
//            needs so that module calls, log lines and the app's own spans find the active span
//   ctl      (with --control US) tracing off, slowed by a US µs busy loop per request (a --require
//            preload): a server as slow as the traced one that does no tracing, to see what running
//            slower costs per request by itself (see --pace)
//   base     (with --baseline DIR) the same app built and served by another checkout (the previous
//            main): `node DIR/bin/gati.mjs start`, to show that `off` costs nothing against it
//   baseon   (with --baseline DIR) that checkout's server with tracing on as `on`: what tracing
//            cost before, in the same run
// Each request makes 2 spans here (server + handler: the app has no middleware or module calls).
//
// --pace MS: each of wrk's connections waits MS ms before each request (wrk's Lua `delay`), so every
// server answers about the same request rate (connections / MS per ms), below what the slowest can
// do. Without it each server runs flat out, and a slower one (tracing on) pays more per request for
// things tracing does not do: at a lower rate the kernel wakes the idle client for more of the answers
// (more system time in `writev`) and each event-loop turn serves fewer requests. A control shows it:
// the untraced server slowed by a 12 µs busy loop per request grew ~2 µs of system time per request,
// as tracing did (bench/RESULTS.md, 2026-12-07 08:xx). The paced figure is the cost of tracing itself.
//
// Usage (from the repository root, after `npm run build`):
//   node bench/tracing.mjs [--warmup 2] [--duration 8] [--rounds 3] [--connections 50] [--port 3400]
//                          [--baseline DIR] [--als] [--scenarios get,post] [--skip-build] [--pace MS] [--control US]
// Servers pinned to core 0 (`taskset -c 0`), wrk (-t1) and the sink to core 1; LOG_LEVEL=warn (no
// request line, so the figure is tracing's alone). Order rotated per round. Printed: per scenario the
// medians (and ranges) of req/s and of the server's CPU µs per request (utime+stime from /proc/<pid>/stat
// over the measured period, divided by the requests wrk completed in it; user and system apart), the
// on − off CPU difference per request, and the targets: on − off ≤ 10 µs; off vs base within noise.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GET_PATH, POST_PATH } from './http/routes.mjs';
import { generateHttpApp } from './http/gen-app.mjs';
import { median, parseWrk, reexecPinnedToCore1, waitForHealth, wrk } from './http/harness.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const WARMUP = Number(opt('warmup', 2));
const DURATION = Number(opt('duration', 8));
const ROUNDS = Number(opt('rounds', 3));
const CONNS = Number(opt('connections', 50));
const PORT = Number(opt('port', 3400));
const BASELINE = opt('baseline', undefined);
const SCENARIOS = opt('scenarios', 'get,post').split(',');
const ALS = argv.includes('--als');
const PACE = opt('pace', undefined);
const CONTROL = opt('control', undefined);
const WORK = join(REPO, 'bench', '.work', 'tracing');
const APP = join(WORK, 'app');
const BASE_APP = join(WORK, 'base-app');
const BODY = readFileSync(join(HERE, 'http', 'body.json'), 'utf8').trim();

// Re-exec pinned to core 1 (wrk and the sink); the servers get core 0.
reexecPinnedToCore1(fileURLToPath(import.meta.url), argv);

const r1 = (x) => Math.round(x * 10) / 10;
const range = (xs) => `${r1(Math.min(...xs))}–${r1(Math.max(...xs))}`;

/** [user, system] CPU ticks of a process (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]), Number(f[12])];
}

/** The OTLP sink: drains each export and answers 200 (as a collector would), counting bytes. */
async function startSink() {
  let bytes = 0;
  let exports = 0;
  const server = createServer((req, res) => {
    req.on('data', (c) => (bytes += c.length));
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, stats: () => ({ bytes, exports }), close: () => new Promise((r) => server.close(r)) };
}

function build(bin, dir) {
  const r = spawnSync(process.execPath, [bin, 'build', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gati build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

function serverCommand(name, sink) {
  const env = { LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  if (name === 'base') return { args: [join(BASELINE, 'bin', 'gati.mjs'), 'start', BASE_APP], env };
  if (name === 'baseon') return { args: [join(BASELINE, 'bin', 'gati.mjs'), 'start', BASE_APP], env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on' } };
  if (name === 'als') return { args: [join(REPO, 'bin', 'gati.mjs'), 'start', APP], env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(WORK, 'als.cjs')}` } };
  if (name === 'ctl') return { args: [join(REPO, 'bin', 'gati.mjs'), 'start', APP], env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(WORK, 'busy.cjs')}`, BUSY_US: String(Number(CONTROL)) } };
  if (name === 'on') return { args: [join(REPO, 'bin', 'gati.mjs'), 'start', APP], env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on' } };
  return { args: [join(REPO, 'bin', 'gati.mjs'), 'start', APP], env };
}

async function loadRun(name, scenario, sink, luaFiles) {
  const cmd = serverCommand(name, sink);
  const child = spawn('taskset', ['-c', '0', process.execPath, ...cmd.args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATI_BENCH_PINNED: '', ...cmd.env, PORT: String(PORT), HOST: '127.0.0.1' } });
  let out = '';
  child.stdout.on('data', (d) => (out = (out + d).slice(-4000)));
  child.stderr.on('data', (d) => (out = (out + d).slice(-4000)));
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await waitForHealth(PORT, child, { output: () => out });
    const url = `http://127.0.0.1:${PORT}${scenario === 'get' ? GET_PATH : POST_PATH}`;
    const check = await fetch(url, scenario === 'get' ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    await check.arrayBuffer();
    if (check.status >= 300) throw new Error(`${name} ${scenario}: ${check.status}`);
    if ((name === 'on' || name === 'baseon') !== Boolean(check.headers.get('traceparent'))) throw new Error(`${name}: tracing is ${name === 'on' ? 'off' : 'on'}:\n${out}`);
    const luaScript = luaFiles[scenario];
    await wrk({ connections: CONNS, seconds: WARMUP, url, luaScript });
    const pid = Number(spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]) || child.pid;
    const c0 = cpuTicks(pid);
    const t0 = performance.now();
    const res = parseWrk(await wrk({ connections: CONNS, seconds: DURATION, url, luaScript }));
    const wall = (performance.now() - t0) / 1000;
    const c1 = cpuTicks(pid);
    if (res.non2xx || res.socketErrors) throw new Error(`${name} ${scenario}: ${res.non2xx} non-2xx, ${res.socketErrors} socket errors`);
    const perRequest = (ticks) => (ticks / 100) * 1e6 / res.total;
    const user = perRequest(c1[0] - c0[0]);
    const sys = perRequest(c1[1] - c0[1]);
    return { rps: res.rps, cpuUs: user + sys, userUs: user, sysUs: sys, cpuShare: (c1[0] + c1[1] - c0[0] - c0[1]) / 100 / wall };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'als.cjs'), `new (require('node:async_hooks').AsyncLocalStorage)().enterWith({});\n`);
  writeFileSync(join(WORK, 'busy.cjs'), `const http = require('node:http');\nconst emit = http.Server.prototype.emit;\nconst ms = Number(process.env.BUSY_US) / 1000;\nhttp.Server.prototype.emit = function (event, ...args) {\n  if (event === 'request') { const until = performance.now() + ms; while (performance.now() < until); }\n  return emit.call(this, event, ...args);\n};\n`);
  const pace = PACE === undefined ? '' : `function delay()\n  return ${Number(PACE)}\nend\n`;
  const luaFiles = { get: pace ? join(WORK, 'get-paced.lua') : undefined, post: join(WORK, pace ? 'post-paced.lua' : 'post.lua') };
  if (luaFiles.get) writeFileSync(luaFiles.get, pace);
  writeFileSync(luaFiles.post, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(BODY)}\n${pace}`);
  console.log(`# tracing benchmark  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus  load ${loadavg().map(r1).join(' ')}`);
  console.log(`# wrk -t1 -c${CONNS}, warm-up ${WARMUP} s + measured ${DURATION} s, ${ROUNDS} round(s); servers taskset -c 0 (gati start, LOG_LEVEL=warn), wrk and sink taskset -c 1${PACE === undefined ? '; flat out' : `; paced: ${PACE} ms before each request of a connection`}`);
  if (!argv.includes('--skip-build')) {
    rmSync(APP, { recursive: true, force: true });
    generateHttpApp(APP);
    build(join(REPO, 'bin', 'gati.mjs'), APP);
    if (BASELINE) {
      rmSync(BASE_APP, { recursive: true, force: true });
      cpSync(APP, BASE_APP, { recursive: true, filter: (src) => !/[/\\](dist|\.gati|sdk|infra)([/\\]|$)/.test(src.slice(APP.length)) });
      build(join(BASELINE, 'bin', 'gati.mjs'), BASE_APP);
    }
  }
  if (BASELINE && !existsSync(join(BASE_APP, 'dist', 'server.mjs'))) throw new Error(`no baseline build in ${BASE_APP}`);
  const sink = await startSink();
  const servers = ['off', 'on', ...(ALS ? ['als'] : []), ...(CONTROL ? ['ctl'] : []), ...(BASELINE ? ['base', 'baseon'] : [])];
  const results = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]);
      for (const name of order) {
        const r = await loadRun(name, scenario, sink, luaFiles);
        ((results[scenario] ??= {})[name] ??= []).push(r);
        console.log(`round ${round + 1} ${scenario} ${name.padEnd(4)} ${Math.round(r.rps)} req/s  ${r1(r.cpuUs)} µs CPU/req (user ${r1(r.userUs)}, sys ${r1(r.sysUs)})  server CPU ${Math.round(r.cpuShare * 100)}%`);
      }
    }
  }
  const { bytes, exports } = sink.stats();
  await sink.close();
  console.log(`\nsink: ${exports} exports, ${Math.round(bytes / 1024)} KiB`);
  console.log(`load average after: ${loadavg().map(r1).join(' ')}`);
  console.log('\nscenario  server  req/s (median, range)        CPU µs/req (median, range)   user, sys µs/req (medians)');
  for (const scenario of SCENARIOS) {
    const m = {};
    for (const name of servers) {
      const rs = results[scenario][name];
      m[name] = { rps: median(rs.map((r) => r.rps)), cpu: median(rs.map((r) => r.cpuUs)), user: median(rs.map((r) => r.userUs)), sys: median(rs.map((r) => r.sysUs)) };
      console.log(`${scenario.padEnd(9)} ${name.padEnd(7)} ${String(Math.round(m[name].rps)).padStart(7)} (${rs.map((r) => Math.round(r.rps)).sort((a, b) => a - b).join('–').replace(/–.*–/, '–')})   ${String(r1(m[name].cpu)).padStart(6)} (${range(rs.map((r) => r.cpuUs))})   ${r1(m[name].user)}, ${r1(m[name].sys)}`);
    }
    const extra = m.on.cpu - m.off.cpu;
    console.log(`${scenario}: tracing on (100%) costs ${r1(extra)} µs CPU per request more than off (user ${r1(m.on.user - m.off.user)}, sys ${r1(m.on.sys - m.off.sys)}), req/s ${r1((m.on.rps / m.off.rps) * 100)}% of off — target ≤ 10 µs: ${extra <= 10 ? 'PASS' : 'FAIL'}`);
    if (m.ctl) console.log(`${scenario}: off slowed by a ${CONTROL} µs busy loop per request costs ${r1(m.ctl.cpu - m.off.cpu)} µs CPU per request more than off (user ${r1(m.ctl.user - m.off.user)}, sys ${r1(m.ctl.sys - m.off.sys)}), req/s ${r1((m.ctl.rps / m.off.rps) * 100)}% of off`);
    if (m.als) console.log(`${scenario}: an AsyncLocalStorage enabled (tracing off) costs ${r1(m.als.cpu - m.off.cpu)} µs CPU per request more than off`);
    if (m.baseon) console.log(`${scenario}: before (the baseline), tracing on cost ${r1(m.baseon.cpu - m.base.cpu)} µs CPU per request more than its off (user ${r1(m.baseon.user - m.base.user)}, sys ${r1(m.baseon.sys - m.base.sys)})`);
    if (m.base) console.log(`${scenario}: off vs base: ${r1(m.off.cpu - m.base.cpu)} µs CPU per request, req/s ${r1((m.off.rps / m.base.rps) * 100)}% of base`);
  }
}

await main();
