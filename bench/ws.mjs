// WebSocket benchmark: echo round-trips and broadcast fan-out (1 publisher, 100 subscribers), in
// messages/s, for Gati's WS runtime (runtime-shim/ws, `in` validation on) against a raw `ws`
// server on Node and a raw Bun.serve websocket on Bun, all in the same run. Each server is pinned
// to one core (taskset -c 1, when present); the load generator (this process, `ws` clients) runs
// on the other.
// Run after `npm run build` (it uses lib/test/helpers/ws-server.js):
//   node bench/ws.mjs [--seconds 5] [--connections 50] [--subscribers 100] [--messages 2000] [--rounds 3] [--app]
// --app adds a compiled app served by `gati start` (node, and the same bundle on bun): the bench
// route as a typed WsHandler (bench/ws-app/), through the pipeline's upgrade, middleware-free.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { app: { type: 'boolean', default: false }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, subscribers: { type: 'string', default: '100' }, messages: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SUBSCRIBERS = Number(values.subscribers);
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const BUN = join(REPO, 'node_modules/.bin/bun');
const PIN = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '1'] : [];
if (PIN.length) spawnSync('taskset', ['-pc', '0', String(process.pid)]);

const SERVERS = [
  { name: 'raw ws (node)', cmd: [process.execPath, join(REPO, 'bench/ws-raw-server.mjs')] },
  { name: 'gati (node)', cmd: [process.execPath, join(REPO, 'lib/test/helpers/ws-server.js')] },
  { name: 'raw Bun.serve', cmd: [BUN, join(REPO, 'bench/ws-raw-server.mjs')] },
  { name: 'gati (bun)', cmd: [BUN, join(REPO, 'lib/test/helpers/ws-server.js')] },
];
if (values.app) {
  const dir = buildBenchApp();
  SERVERS.push({ name: 'gati start (node)', cmd: [process.execPath, join(dir, 'dist/server.mjs')] }, { name: 'gati start (bun)', cmd: [BUN, join(dir, 'dist/server.mjs')] });
}

/** bench/ws-app copied to a temp folder (with this repo's node_modules) and built with the CLI. */
function buildBenchApp() {
  const dir = mkdtempSync(join(tmpdir(), 'gati-ws-bench-'));
  cpSync(join(REPO, 'bench/ws-app'), dir, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const built = spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), 'build', dir], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the bench app did not build:\n${built.stderr}${built.stdout}`);
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(server) {
  const [exe, ...args] = [...PIN, ...server.cmd];
  const child = spawn(exe, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WS_PING_MS: '30000', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      // The test server prints {"port":N}; `gati start` logs "listening" with its url.
      const m = /\{"port":(\d+)\}|"url":"http:\/\/[^"]*:(\d+)"/.exec(chunk.toString());
      if (m) resolve({ port: Number(m[1] ?? m[2]), stop: () => child.kill('SIGKILL') });
    });
    child.once('exit', (code) => reject(new Error(`${server.name} exited with ${code}`)));
  });
}

const open = (port, query = '') =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bench${query}`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** Closed-loop echo: every connection sends, waits for the reply, sends again. Round trips/s. */
async function echo(port) {
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => open(port)));
  const frame = JSON.stringify({ type: 'echo', text: 'hello, websocket' });
  let count = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on('message', () => {
      count++;
      if (running) ws.send(frame);
    });
  }
  await new Promise((r) => setTimeout(r, 500)); // warm-up excluded below
  for (const ws of sockets) ws.send(frame);
  await new Promise((r) => setTimeout(r, 500));
  const from = count;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const rate = (count - from) / ((performance.now() - started) / 1000);
  running = false;
  for (const ws of sockets) ws.terminate();
  return rate;
}

/** One publisher, SUBSCRIBERS subscribers: deliveries/s until every subscriber has every message. */
async function fanout(port) {
  const topic = `bench-${Date.now()}`;
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => open(port, `?topic=${topic}`)));
  const publisher = await open(port);
  let delivered = 0;
  const expected = SUBSCRIBERS * MESSAGES;
  const done = new Promise((resolve) => {
    for (const ws of subscribers) ws.on('message', () => ++delivered === expected && resolve());
  });
  const frame = JSON.stringify({ type: 'gpub', topic, text: 'hello, subscribers' });
  const started = performance.now();
  // In windows of 100, so no subscriber's unsent data grows past the slow-consumer limit.
  for (let sent = 0; sent < MESSAGES; sent += 100) {
    for (let i = 0; i < 100 && sent + i < MESSAGES; i++) publisher.send(frame);
    while (delivered < (sent + 100) * SUBSCRIBERS * 0.5 && delivered < expected) await new Promise((r) => setImmediate(r));
  }
  await done;
  const rate = expected / ((performance.now() - started) / 1000);
  for (const ws of [...subscribers, publisher]) ws.terminate();
  return rate;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
console.log(`# ${new Date().toISOString()} · ${cpus().length} cores (${cpus()[0].model}) · load ${loadavg().map((l) => l.toFixed(2)).join(' ')} · pinned: ${PIN.length ? 'yes' : 'no'}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const server of SERVERS) {
    const running = await start(server);
    try {
      const r = (results[server.name] ??= { echo: [], fanout: [] });
      r.echo.push(await echo(running.port));
      r.fanout.push(await fanout(running.port));
    } finally {
      running.stop();
    }
  }
}
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { echo: median(v.echo), fanout: median(v.fanout) }]));
console.log('\n| server | echo round trips/s (median) | fan-out deliveries/s (median) |\n|---|---|---|');
for (const [name, v] of Object.entries(m)) console.log(`| ${name} | ${Math.round(v.echo)} [${results[name].echo.map(Math.round).join(', ')}] | ${Math.round(v.fanout)} [${results[name].fanout.map(Math.round).join(', ')}] |`);
const ratio = (a, b) => (a / b).toFixed(2);
console.log(`\ngati/raw on node: echo ${ratio(m['gati (node)'].echo, m['raw ws (node)'].echo)}x, fan-out ${ratio(m['gati (node)'].fanout, m['raw ws (node)'].fanout)}x (target ≥ 0.9x)`);
console.log(`gati/raw on bun:  echo ${ratio(m['gati (bun)'].echo, m['raw Bun.serve'].echo)}x, fan-out ${ratio(m['gati (bun)'].fanout, m['raw Bun.serve'].fanout)}x (target ≥ 0.9x)`);
console.log(`gati bun/node fan-out: ${ratio(m['gati (bun)'].fanout, m['gati (node)'].fanout)}x (target ≥ 5x)`);
if (m['gati start (node)']) {
  console.log(`gati start/raw on node: echo ${ratio(m['gati start (node)'].echo, m['raw ws (node)'].echo)}x, fan-out ${ratio(m['gati start (node)'].fanout, m['raw ws (node)'].fanout)}x (target ≥ 0.9x)`);
  console.log(`gati start/raw on bun:  echo ${ratio(m['gati start (bun)'].echo, m['raw Bun.serve'].echo)}x, fan-out ${ratio(m['gati start (bun)'].fanout, m['raw Bun.serve'].fanout)}x (target ≥ 0.9x)`);
  console.log(`gati start bun/node fan-out: ${ratio(m['gati start (bun)'].fanout, m['gati start (node)'].fanout)}x (target ≥ 5x)`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
