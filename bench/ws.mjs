// WebSocket benchmark: echo round-trips and broadcast fan-out (1 publisher, 100 subscribers), in
// messages/s, for Gati's WS runtime (runtime-shim/ws, `in` validation on) against a raw `ws`
// server on Node and a raw Bun.serve websocket on Bun, all in the same run. Each server is pinned
// to one core (taskset -c 1, when present); the load generator (this process) runs on the other.
// Echo clients are the `ws` package's; the fan-out's subscribers are raw TCP sockets that count
// the text frames in the stream (no per-message parsing, no event per message), because at Bun's
// millions of deliveries/s a `ws` client in one process saturates its core first and the ratio
// then measures the client. Each phase prints the CPU the client and the server used (% of one
// core): a server near 100 % with a client below it is a measurement of the server.
// Run after `npm run build` (it uses lib/test/helpers/ws-server.js):
//   node bench/ws.mjs [--seconds 5] [--connections 50] [--subscribers 100] [--rounds 3] [--app] [--ws-clients]
// --ws-clients: the fan-out's subscribers are `ws` clients (one event per message), as before, to
// compare the client's cost per delivery.
// --app adds a compiled app served by `gati start` (node, and the same bundle on bun): the bench
// route as a typed WsHandler (bench/ws-app/), through the pipeline's upgrade, middleware-free.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { app: { type: 'boolean', default: false }, 'ws-clients': { type: 'boolean', default: false }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, subscribers: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SUBSCRIBERS = Number(values.subscribers);
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
      if (m) resolve({ port: Number(m[1] ?? m[2]), pid: child.pid, stop: () => child.kill('SIGKILL') });
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

/** CPU seconds a process has used (user + system), from /proc; 0 where there is none. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** From now: `stop()` gives the CPU this process (the client) and `pid` (the server) used, in % of one core. */
function cpuMeter(pid) {
  const client = process.cpuUsage();
  const server = cpuSeconds(pid);
  const started = performance.now();
  return () => {
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(client);
    return { client: ((used.user + used.system) / 1e6 / wall) * 100, server: ((cpuSeconds(pid) - server) / wall) * 100 };
  };
}

/**
 * A fan-out subscriber: a raw TCP socket that completes the upgrade and counts the text frames the
 * server sends (a frame header walk per chunk, nothing per message beyond it). Pings and other
 * control frames are skipped, not answered (a run is far shorter than two ping intervals).
 */
function openCounter(port, query, onFrames) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET /bench${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    );
    socket.setNoDelay(true);
    let head = '';
    let upgraded = false;
    let carry; // an incomplete frame header from the previous chunk
    let skip = 0; // payload bytes of the current frame still to come
    const frames = (chunk) => {
      let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      let at = Math.min(skip, buf.length);
      skip -= at;
      let count = 0;
      while (at < buf.length) {
        const left = buf.length - at;
        let length = buf[at + 1] & 0x7f;
        let header = 2;
        if (left < 2 || (length === 126 && left < 4) || (length === 127 && left < 10)) {
          carry = buf.subarray(at);
          break;
        }
        if (length === 126) (length = buf.readUInt16BE(at + 2)), (header = 4);
        else if (length === 127) (length = Number(buf.readBigUInt64BE(at + 2))), (header = 10);
        if ((buf[at] & 0x0f) === 1) count++;
        const end = at + header + length;
        if (end > buf.length) {
          skip = end - buf.length;
          break;
        }
        at = end;
      }
      if (count) onFrames(count);
    };
    socket.on('data', (chunk) => {
      if (upgraded) return frames(chunk);
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      upgraded = true;
      resolve(socket);
      if (end + 4 < chunk.length) frames(Buffer.from(head.slice(end + 4), 'latin1'));
    });
    socket.once('error', reject);
  });
}

/** A `ws` client subscriber (--ws-clients), counting its message events. */
const openWsCounter = (port, query, onFrames) => open(port, query).then((ws) => ws.on('message', () => onFrames(1)));
const subscribe = values['ws-clients'] ? openWsCounter : openCounter;

/** Closed-loop echo: every connection sends, waits for the reply, sends again. Round trips/s. */
async function echo(port, pid) {
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
  const meter = cpuMeter(pid);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const rate = (count - from) / ((performance.now() - started) / 1000);
  const cpu = meter();
  running = false;
  for (const ws of sockets) ws.terminate();
  return { rate, cpu };
}

/**
 * One publisher, SUBSCRIBERS subscribers, for SECONDS after a warm-up: deliveries/s. The publisher
 * sends in windows of 100 messages, the next window once the subscribers have half of what was sent
 * (so no subscriber's unsent data nears the slow-consumer limit), driven by the deliveries
 * themselves: the client does no polling that would count as its own CPU.
 */
async function fanout(port, pid) {
  const topic = `bench-${Date.now()}`;
  const frame = JSON.stringify({ type: 'gpub', topic, text: 'hello, subscribers' });
  const WINDOW = 100;
  let delivered = 0;
  let published = 0;
  let running = true;
  let publisher;
  const publish = () => {
    for (let i = 0; i < WINDOW; i++) publisher.send(frame);
    published += WINDOW;
  };
  const subscribers = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () =>
      subscribe(port, `?topic=${topic}`, (n) => {
        delivered += n;
        if (running && delivered >= (published - WINDOW / 2) * SUBSCRIBERS) publish();
      }),
    ),
  );
  publisher = await open(port);
  await new Promise((r) => setTimeout(r, 100)); // every subscription made (open runs after the 101)
  publish();
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  const from = delivered;
  const started = performance.now();
  const meter = cpuMeter(pid);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const rate = (delivered - from) / ((performance.now() - started) / 1000);
  const cpu = meter();
  running = false;
  for (const socket of subscribers) ('terminate' in socket ? socket.terminate() : socket.destroy());
  publisher.terminate();
  return { rate, cpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
console.log(`# ${new Date().toISOString()} · ${cpus().length} cores (${cpus()[0].model}) · load ${loadavg().map((l) => l.toFixed(2)).join(' ')} · pinned: ${PIN.length ? 'yes' : 'no'}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const server of SERVERS) {
    const running = await start(server);
    try {
      const r = (results[server.name] ??= { echo: [], fanout: [], cpu: [] });
      const e = await echo(running.port, running.pid);
      const f = await fanout(running.port, running.pid);
      r.echo.push(e.rate);
      r.fanout.push(f.rate);
      r.cpu.push({ echo: [e.cpu.client, e.cpu.server], fanout: [f.cpu.client, f.cpu.server] });
    } finally {
      running.stop();
    }
  }
}
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { echo: median(v.echo), fanout: median(v.fanout) }]));
console.log('\n| server | echo round trips/s (median) | fan-out deliveries/s (median) |\n|---|---|---|');
for (const [name, v] of Object.entries(m)) console.log(`| ${name} | ${Math.round(v.echo)} [${results[name].echo.map(Math.round).join(', ')}] | ${Math.round(v.fanout)} [${results[name].fanout.map(Math.round).join(', ')}] |`);
const pct = (xs) => `${Math.round(median(xs))} %`;
// The client's CPU per delivery does not depend on the load: 1 s divided by it is the fan-out rate
// at which the client would fill its core, which must stay well above the servers' rates.
console.log('\n| server | echo: client CPU / server CPU (median) | fan-out: client CPU / server CPU (median) | fan-out: client µs per delivery (its ceiling) |\n|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  const perDelivery = median(r.cpu.map((c, i) => (c.fanout[0] / 100 / r.fanout[i]) * 1e6));
  console.log(`| ${name} | ${pct(r.cpu.map((c) => c.echo[0]))} / ${pct(r.cpu.map((c) => c.echo[1]))} | ${pct(r.cpu.map((c) => c.fanout[0]))} / ${pct(r.cpu.map((c) => c.fanout[1]))} | ${perDelivery.toFixed(3)} µs (${(1 / perDelivery).toFixed(1)} M/s per core) |`);
}
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
