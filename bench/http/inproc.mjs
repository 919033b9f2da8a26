#!/usr/bin/env node
// In-process HTTP pipeline benchmark (issue 3): the node:http server of Gati's runtime (this
// checkout's lib/, not the app bundle's copy) and the raw node:http handler of raw-server.mjs, fed
// over in-memory sockets (no TCP, no kernel), so the JavaScript cost per request is measured with
// little noise from a busy machine. Reports process CPU µs per request (client included: the same
// for both, so the difference is what the pipeline costs over a hand-written router).
//
// Usage (after `npm run build` and one `node bench/http/run.mjs` or `node bin/gati.mjs build bench/.work/http-app`):
//   node bench/http/inproc.mjs [--requests 200000] [--rounds 5] [--connections 50] [--scenario get|post] [--servers gati,raw,raw-async,fastify]
//   --baseline DIR: also 'gati-base', the runtime compiled in DIR/lib (another checkout, for before/after)
//   --tcp: over real loopback connections instead (client in this process: kernel and node's socket path included)
//   --prof: one long run of gati (or --servers raw), for `node --cpu-prof`
//   BENCH_MIDDLEWARE=1 in the environment: the middleware variant (the app of `run.mjs --middleware`, in
//   bench/.work/http-app-mw; Fastify's onRequest hook and raw's inline twin)
//   'gati-log' (and 'gati-base-log'): the same with the default log level, one request line per request on
//   stdout (send it to a file: a pipe read by a slower process makes the writer copy what the pipe refuses);
//   the others run at LOG_LEVEL=warn. '-nometrics' in a gati name (gati-nometrics, gati-nometrics-log): without
//   the HTTP metrics (`--admin-port off`), which the others record as `gati start` does by default
import { createServer } from 'node:http';
import { Duplex } from 'node:stream';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_MIDDLEWARE, DEFAULT_HTTP_APP_DIR, MIDDLEWARE_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { GET_PATH, POST_PATH } from './routes.mjs';
import { handle as rawHandle, handleAsync as rawAsyncHandle } from './raw-server.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const PROF = argv.includes('--prof');
const REQUESTS = Number(opt('requests', PROF ? 1_000_000 : 200_000));
const ROUNDS = Number(opt('rounds', PROF ? 1 : 5));
const CONNS = Number(opt('connections', 50));
const SCENARIO = opt('scenario', 'get');
const SERVERS = opt('servers', PROF ? 'gati' : 'gati,raw').split(',');
const TCP = argv.includes('--tcp');
const BASELINE = opt('baseline', undefined);
if (BASELINE && !SERVERS.includes('gati-base')) SERVERS.push('gati-base');

const BODY = readFileSync(join(REPO_ROOT, 'bench', 'http', 'body.json'), 'utf8').trim();
const REQUEST = SCENARIO === 'post'
  ? Buffer.from(`POST ${POST_PATH} HTTP/1.1\r\nHost: 127.0.0.1:3200\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`)
  : Buffer.from(`GET ${GET_PATH} HTTP/1.1\r\nHost: 127.0.0.1:3200\r\n\r\n`);
const STATUS = SCENARIO === 'post' ? 'HTTP/1.1 201' : 'HTTP/1.1 200';

/** A socket the server reads requests from and writes responses to, all in memory. */
class MemorySocket extends Duplex {
  constructor(onResponse) {
    super();
    this.remoteAddress = '127.0.0.1';
    this.remotePort = 50000;
    this.encrypted = false;
    this.onResponse = onResponse;
  }
  _read() {}
  _write(chunk, _enc, cb) {
    this.onResponse(chunk);
    cb();
  }
  _writev(chunks, cb) {
    for (const { chunk } of chunks) this.onResponse(chunk);
    cb();
  }
  setTimeout() { return this; }
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  ref() { return this; }
  unref() { return this; }
  destroySoon() { this.destroy(); }
}

async function makeServer(name) {
  if (name === 'raw') return createServer(rawHandle);
  if (name === 'fastify') {
    // The Fastify twin of run.mjs (AJV, response schemas), its node:http server fed the same way.
    const app = (await import('./fastify-server.mjs')).buildApp();
    await app.ready();
    return app.server;
  }
  if (name === 'raw-async') return createServer(rawAsyncHandle);
  const root = name.startsWith('gati-base') ? BASELINE : REPO_ROOT;
  const lib = (f) => import(pathToFileURL(join(root, 'lib', 'runtime-shim', 'server', f)).href);
  const [{ prepareApp }, { createNodeServer }, { createLogger }] = await Promise.all([lib('start.js'), lib('node.js'), lib('log.js')]);
  const { app } = await import(pathToFileURL(join(BENCH_MIDDLEWARE ? MIDDLEWARE_HTTP_APP_DIR : DEFAULT_HTTP_APP_DIR, 'dist', 'app.mjs')).href);
  const log = createLogger(name.endsWith('-log') ? 'info' : 'warn', { app: app.name });
  const { handle } = await prepareApp(app, { dev: false, log, metrics: !name.includes('-nometrics') });
  return createNodeServer(handle, { requestTimeoutMs: 30_000, log }).server;
}

/** Sends `total` requests over `conns` keep-alive connections, one in flight on each; resolves with CPU µs per request. */
function drive(server, total, conns) {
  if (TCP) return driveTcp(server, total, conns);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const pending = [];
    const flush = () => {
      for (const sock of pending.splice(0)) sock.push(REQUEST);
    };
    const start = process.cpuUsage();
    const t0 = performance.now();
    for (let c = 0; c < conns; c++) {
      let sock;
      sock = new MemorySocket((chunk) => {
        // Every response fits one chunk here (writeHead + end of a short body): count status lines.
        const text = chunk.toString('latin1');
        let i = text.indexOf('HTTP/1.1 ');
        if (i === -1) return;
        if (!text.startsWith(STATUS, i)) return reject(new Error(`unexpected response: ${text.slice(0, 300)}`));
        received++;
        if (received === total) {
          const cpu = process.cpuUsage(start);
          const wall = performance.now() - t0;
          resolve({ cpuUs: (cpu.user + cpu.system) / total, wallUs: (wall * 1000) / total });
          return;
        }
        if (sent < total) {
          sent++;
          // The next request arrives later, as from the network: never inside the server's write.
          if (pending.push(sock) === 1) setImmediate(flush);
        }
      });
      server.emit('connection', sock);
      sent++;
      sock.push(REQUEST);
    }
  });
}

/** The same over real loopback TCP connections (client in this process too): node's socket path, kernel included. */
function driveTcp(server, total, conns) {
  return new Promise((resolve, reject) => {
    const { port } = server.address();
    let sent = 0;
    let received = 0;
    const sockets = [];
    let start;
    let t0;
    let open = 0;
    for (let c = 0; c < conns; c++) {
      const sock = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
        if (++open < conns) return;
        start = process.cpuUsage();
        t0 = performance.now();
        for (const s of sockets) {
          sent++;
          s.write(REQUEST);
        }
      });
      sockets.push(sock);
      sock.on('error', reject);
      sock.on('data', (chunk) => {
        const text = chunk.toString('latin1');
        let i = text.indexOf('HTTP/1.1 ');
        while (i !== -1) {
          if (!text.startsWith(STATUS, i)) return reject(new Error(`unexpected response: ${text.slice(0, 300)}`));
          received++;
          if (received === total) {
            const cpu = process.cpuUsage(start);
            const wall = performance.now() - t0;
            for (const s of sockets) s.destroy();
            resolve({ cpuUs: (cpu.user + cpu.system) / total, wallUs: (wall * 1000) / total });
            return;
          }
          if (sent < total) {
            sent++;
            sock.write(REQUEST);
          }
          i = text.indexOf('HTTP/1.1 ', i + 9);
        }
      });
    }
  });
}

const servers = {};
for (const name of SERVERS) servers[name] = await makeServer(name);
if (TCP) for (const name of SERVERS) await new Promise((r) => servers[name].listen(0, '127.0.0.1', r));
// Warm-up: let the JIT settle.
for (const name of SERVERS) await drive(servers[name], Math.min(REQUESTS, 50_000), CONNS);
const results = Object.fromEntries(SERVERS.map((s) => [s, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 ? [...SERVERS].reverse() : SERVERS) {
    const r = await drive(servers[name], REQUESTS, CONNS);
    results[name].push(r.cpuUs);
    console.log(`round ${round + 1} ${SCENARIO} ${name.padEnd(9)} ${r.cpuUs.toFixed(2)} CPU µs/req  ${r.wallUs.toFixed(2)} wall µs/req`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const line = SERVERS.map((s) => `${s} ${median(results[s]).toFixed(2)} (min ${Math.min(...results[s]).toFixed(2)})`).join('  ');
const overFastify = results.fastify ? SERVERS.filter((s) => s.startsWith('gati')).map((s) => `fastify/${s} ${(median(results.fastify) / median(results[s])).toFixed(2)}×`).join('  ') : '';
if (overFastify) console.log(`${SCENARIO} CPU per request, Fastify over Gati (above 1: Gati cheaper): ${overFastify}`);
const overRaw = results.raw ? SERVERS.filter((s) => s !== 'raw').map((s) => `${s}−raw ${(median(results[s]) - median(results.raw)).toFixed(2)} µs`).join('  ') : '';
console.log(`${SCENARIO}${TCP ? ' tcp' : ''} median CPU µs/req: ${line}${overRaw ? `  |  ${overRaw}` : ''}`);
// One machine-readable line (bench/guard.mjs reads it).
console.log('BENCH_INPROC_JSON ' + JSON.stringify({ scenario: SCENARIO, tcp: TCP, cpuUsPerReq: Object.fromEntries(SERVERS.map((s) => [s, median(results[s])])), minCpuUsPerReq: Object.fromEntries(SERVERS.map((s) => [s, Math.min(...results[s])])) }));
process.exit(0);
