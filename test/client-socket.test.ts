// api.socket in the generated client of fixtures/ws-chat: a frontend installs the SDK tarball and
// compiles a consumer with tsc --strict (wrong messages and params are errors), and the tarball's
// compiled index.js talks to real servers on Node 20 with the `ws` package's WebSocket injected:
// the WS runtime (test/helpers/ws-server.ts) and a raw `ws` server that drops connections on cue.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { WebSocket, WebSocketServer } from 'ws';
import { buildApp } from '../driver/build.js';
import { emit as emitClient } from '../emitters/client/index.js';
import { REPO, fixture } from './helpers/paths.js';
import { ENGINES } from './helpers/server.js';
import { startWsServer } from './helpers/ws-client.js';
import { tsc } from './helpers/tsc.js';

const sockets = suite('client sockets');
let dir: string;
let tarball: Uint8Array;
let source: string;

interface Close { code: number; reason: string; reconnecting: boolean }
interface LiveSocket {
  url: string;
  ready: Promise<void>;
  send(message: unknown): void;
  on(event: string, listener: (value: any) => void): () => void;
  close(code?: number, reason?: string): void;
  [Symbol.asyncIterator](): AsyncIterator<any>;
}
type LiveClient = { socket(key: string, input?: object, options?: object): LiveSocket; request(key: string, input?: object): Promise<unknown> };
let createClient: (options: object) => LiveClient;

sockets.before(async () => {
  const model = (await buildApp(fixture('ws-chat'))).model;
  const artifacts = emitClient(model, { packageName: 'ws-chat-client', apiVersion: '1.0.0' });
  source = artifacts[0]!.contents as string;
  tarball = artifacts[1]!.contents as Uint8Array;
  dir = mkdtempSync(join(tmpdir(), 'gati-sockets-'));
  // The compiled client as the package ships it.
  writeFileSync(join(dir, 'client.mjs'), untarFile(tarball, 'package/index.js'));
  ({ createClient } = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as { createClient: typeof createClient });
});
sockets.after(() => rmSync(dir, { recursive: true, force: true }));

/** One file out of a ustar archive. */
function untarFile(gz: Uint8Array, path: string): Buffer {
  const tar = gunzipSync(gz);
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const size = parseInt(tar.subarray(at + 124, at + 136).toString().replace(/\0.*$/s, ''), 8);
    if (tar.subarray(at, at + 100).toString().replace(/\0.*$/s, '') === path) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${path} not in the tarball`);
}

/** Resolves with the first value `socket` emits for `event` (rejects after 10 s). */
function once(socket: LiveSocket, event: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
    const off = socket.on(event, (value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

sockets('client.ts with WS routes type-checks with no platform lib, with lib dom and with @types/node, under the strictest options', () => {
  const project = join(dir, 'strictest');
  mkdirSync(project);
  writeFileSync(join(project, 'client.ts'), source);
  for (const [lib, types] of [[['ES2020'], []], [['ES2022', 'DOM'], []], [['ES2022'], ['node']]] as const) {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib, types, typeRoots: [join(REPO, 'node_modules/@types')], exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, isolatedDeclarations: true, declaration: true },
      files: ['client.ts'],
    }));
    const r = tsc(project);
    assert.is(r.status, 0, `lib ${lib.join('+')}, types [${types.join(', ')}]:\n${r.stdout}`);
  }
});

sockets('a strict tsc consumer of the SDK: socket messages and params are typed, each @ts-expect-error line is an error', () => {
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'ws-chat-1.0.0.tgz'), tarball);
  const npm = spawnSync('npm', ['install', join(dir, 'ws-chat-1.0.0.tgz'), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, encoding: 'utf8' });
  assert.is(npm.status, 0, npm.stderr);
  // The ws package as a Node 20 frontend would install it.
  mkdirSync(join(consumer, 'node_modules/@types'), { recursive: true });
  for (const pkg of ['ws', '@types/ws', '@types/node']) symlinkSync(join(REPO, 'node_modules', pkg), join(consumer, 'node_modules', pkg), 'dir');
  const text = readFileSync(fixture('client-consumer', 'socket-consumer.ts'), 'utf8');
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true }, files: ['consumer.ts'] }));
  writeFileSync(join(consumer, 'consumer.ts'), text);
  const compiled = tsc('.', { cwd: consumer });
  assert.is(compiled.status, 0, `the consumer (with its @ts-expect-error lines) must compile:\n${compiled.stdout}`);

  const marked = text.split('\n').flatMap((line, i) => (line.trim().startsWith('// @ts-expect-error') ? [i + 2] : []));
  writeFileSync(join(consumer, 'consumer.ts'), text.replace(/\/\/ @ts-expect-error.*$/gm, '//'));
  const broken = tsc('.', { cwd: consumer });
  const lines = [...new Set([...broken.stdout.matchAll(/consumer\.ts\((\d+),/g)].map((m) => Number(m[1])))];
  assert.equal(lines, marked, broken.stdout);
  assert.ok(marked.length >= 12);
});

sockets('live on the WS runtime: a Date goes out as ISO and is revived, async iteration, an invalid message closes 1007 for good', async () => {
  const server = await startWsServer(ENGINES[0]!);
  try {
    const api = createClient({ baseUrl: `http://127.0.0.1:${server.ports[0]}`, token: 't0' });
    // The test server serves one route on every path; the client's route and path are ws-chat's.
    const sock = api.socket('WS /rooms/:room', { params: { room: 'a b' }, query: { name: 'asha' } }, { WebSocket, reconnect: true });
    assert.is(sock.url, `ws://127.0.0.1:${server.ports[0]}/rooms/a%20b?name=asha`);
    await sock.ready;
    const seen: unknown[] = [];
    const iterated = (async () => {
      for await (const message of sock) seen.push(message);
    })();
    sock.send({ type: 'echo', text: 'hi', at: new Date(Date.UTC(2026, 0, 2)) });
    assert.equal(await once(sock, 'message'), { type: 'echo', text: 'hi', at: '2026-01-02T00:00:00.000Z', revived: true });
    const closing = once(sock, 'close');
    sock.send({ type: 'echo', text: 42 });
    const close = (await closing) as Close;
    assert.is(close.code, 1007);
    assert.match(close.reason, '/text');
    assert.is(close.reconnecting, false, '1007 does not reconnect');
    await iterated;
    assert.is(seen.length, 1, 'the loop saw the echo and ended with the close');
    assert.throws(() => sock.send({ type: 'echo' }), /closed/);
  } finally {
    await server.stop();
  }
});

sockets('live on a raw ws server: URL, headers, queued sends, reconnect after 1006 and 1012 with backoff, none after 1008, ready rejects', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const upgrades: { url: string; headers: Record<string, unknown> }[] = [];
  wss.on('connection', (ws, req) => {
    upgrades.push({ url: req.url!, headers: req.headers });
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; text?: string };
      if (message.text === 'drop') return ws.terminate();
      if (message.text === 'restart') return ws.close(1012, 'restarting');
      if (message.text === 'policy') return ws.close(1008, 'not allowed');
      ws.send(JSON.stringify({ type: 'said', from: 'server', text: message.text, at: new Date(0).toISOString() }));
    });
  });
  const port = (wss.address() as { port: number }).port;
  try {
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}/`, token: 'tok', headers: { 'x-trace': 't1' } });
    const sock = api.socket('WS /rooms/:room', { params: { room: 'r/1' }, query: { name: 'é' } }, { WebSocket, headers: { 'x-own': 'o' }, reconnect: { retries: 3, minDelayMs: 20, maxDelayMs: 50 } });
    const opens: number[] = [];
    const closes: Close[] = [];
    sock.on('open', () => opens.push(Date.now()));
    sock.on('close', (c: Close) => closes.push(c));
    sock.send({ type: 'say', text: 'queued before open' });
    assert.equal(await once(sock, 'message'), { type: 'said', from: 'server', text: 'queued before open', at: '1970-01-01T00:00:00.000Z' });
    assert.is(upgrades[0]!.url, '/rooms/r%2F1?name=%C3%A9');
    assert.is(upgrades[0]!.headers.authorization, 'Bearer tok');
    assert.is(upgrades[0]!.headers['x-api-version'], '1.0.0');
    assert.is(upgrades[0]!.headers['x-trace'], 't1');
    assert.is(upgrades[0]!.headers['x-own'], 'o');

    // The server drops the connection (1006), then restarts (1012): the socket comes back each time.
    sock.send({ type: 'say', text: 'drop' });
    await once(sock, 'open');
    sock.send({ type: 'say', text: 'restart' });
    await once(sock, 'open');
    assert.equal(closes.map((c) => [c.code, c.reconnecting]), [[1006, true], [1012, true]]);
    sock.send({ type: 'say', text: 'after two reconnects' });
    assert.is((await once(sock, 'message')).text, 'after two reconnects');
    assert.is(upgrades.length, 3);

    // A policy close (1008) is final even with reconnect on.
    const final = once(sock, 'close');
    sock.send({ type: 'say', text: 'policy' });
    assert.equal(await final, { code: 1008, reason: 'not allowed', reconnecting: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.is(upgrades.length, 3, 'no reconnect after 1008');

    // Without reconnect a drop is final; a refused connection rejects ready.
    const plain = api.socket('WS /rooms/:room', { params: { room: 'x' }, query: { name: 'n' } }, { WebSocket });
    await plain.ready;
    const dropped = once(plain, 'close');
    plain.send({ type: 'say', text: 'drop' });
    assert.equal(await dropped, { code: 1006, reason: '', reconnecting: false });
    wss.close();
    const refused = api.socket('WS /rooms/:room', { params: { room: 'x' }, query: { name: 'n' } }, { WebSocket });
    await refused.ready.then(() => assert.unreachable('ready must reject'), (error: Error) => assert.match(error.message, '1006'));
    assert.throws(() => api.socket('POST /rooms/:room/announce', { params: { room: 'x' } }, { WebSocket }), /unknown WebSocket route/);
    assert.throws(() => api.socket('WS /rooms/:room', { params: { room: 'x' } }), /no WebSocket: pass/, 'Node 20 has no global WebSocket');
    await api.request('WS /ticker').then(() => assert.unreachable(), (error: Error) => assert.match(error.message, 'api.socket'));
  } finally {
    wss.close();
  }
});

// The platforms' own WebSocket: the compiled client run by Bun and Deno against a ws server here.
const RUNNER = `
import { createClient } from './client.mjs';
const api = createClient({ baseUrl: 'http://127.0.0.1:' + PORT, token: 'tok' });
const ticker = api.socket('WS /ticker', { headers: { 'x-client': 'c1' } });
ticker.send({ symbols: ['AAPL'], since: new Date(0) });
const seen = [];
for await (const ticks of ticker) {
  seen.push(ticks);
  ticker.close();
}
console.log(JSON.stringify(seen));
`;

sockets('Bun and Deno: the global WebSocket sends the upgrade headers, messages go both ways, close ends the loop', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws, req) => ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { symbols: string[]; since: string };
    ws.send(JSON.stringify(message.symbols.map((symbol, seq) => ({ symbol, price: 1, seq, since: message.since, client: req.headers['x-client'], auth: req.headers.authorization, version: req.headers['x-api-version'] }))));
  }));
  const port = (wss.address() as { port: number }).port;
  try {
    for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
      const file = join(dir, `runner-${engine.name}.mjs`);
      writeFileSync(file, RUNNER.replace('PORT', String(port)));
      const args = engine.name === 'deno' ? ['run', '-A', file] : [file];
      const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(engine.executable, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
      assert.is(run.code, 0, `${engine.name}: ${run.out}`);
      assert.equal(JSON.parse(run.out), [[{ symbol: 'AAPL', price: 1, seq: 0, since: '1970-01-01T00:00:00.000Z', client: 'c1', auth: 'Bearer tok', version: '1.0.0' }]], engine.name);
    }
  } finally {
    wss.close();
  }
});

sockets.run();
