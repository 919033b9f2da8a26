// WS routes served by `gati start`: fixtures/ws-chat (plus a route behind bearerAuth and a flood
// route) built once with the real CLI and served on node, bun and deno, spoken to with the `ws`
// package's client. Per engine: the upgrade runs the route's middleware and checks (401, 400, no
// 101), a plain GET gets 426; messages are validated (1007 naming the pointer), binary is 1003,
// oversized 1009; `gctx.ws.publish` reaches a room from a socket and from an HTTP route, across
// `--workers` (node and bun; deno serves with one process) and across two processes over the real
// Redis; a slow consumer (direct sends and a topic's fan-out) is closed with 1013; the heartbeat
// (`ws.pingIntervalMs`) drops a client that answers no ping and keeps one that does; the generated
// client runs live on the engine; SIGTERM closes sockets with 1001.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';
import { deafClient, openSocketAt, silent, type TestSocket } from './helpers/ws-client.js';

let dir = '';

test.before(() => {
  dir = copyFixture('ws-chat');
  // A WS route behind bearerAuth (a folder's middleware), and the Redis bridge from the environment
  // (a config script runs at start, so one build serves both ways).
  mkdirSync(join(dir, 'src/handlers/private'), { recursive: true });
  writeFileSync(join(dir, 'src/handlers/private/_middleware.ts'), "import { bearerAuth } from 'gati/middleware';\nexport const middleware = bearerAuth({ tokens: ['s3cret'] });\n");
  writeFileSync(
    join(dir, 'src/handlers/private/feed.ws.ts'),
    // A negative ping answers outside `out`: checked (1011) in gati dev only.
    "import type { WsHandler } from 'gati';\nexport const handler: WsHandler<{}, { in: { ping: number }; out: { pong: number } }> = {\n  message(ws, msg) {\n    ws.send((msg.ping < 0 ? { pong: 'bad' } : { pong: msg.ping }) as never);\n  },\n};\n",
  );
  // Floods its own socket (ws.send) or a topic (gctx.ws.publish) with `n` messages of `size` bytes.
  writeFileSync(
    join(dir, 'src/handlers/flood.ws.ts'),
    "import type { WsHandler } from 'gati';\nexport const handler: WsHandler<{ query: { topic?: string } }, { in: { n: number; size: number; topic?: string }; out: { blob: string } }> = {\n  open(ws) {\n    if (ws.query.topic) ws.subscribe(ws.query.topic);\n  },\n  message(ws, msg, gctx) {\n    const blob = { blob: 'x'.repeat(msg.size) };\n    for (let i = 0; i < msg.n; i++) msg.topic ? gctx.ws.publish(msg.topic, blob) : ws.send(blob);\n  },\n};\n",
  );
  writeFileSync(
    join(dir, 'gati.config.ts'),
    "import { defineConfig } from 'gati';\nexport default defineConfig({ ws: { redis: process.env.WS_TEST_REDIS ?? '', maxMessageBytes: 64 * 1024, maxBufferedBytes: 256 * 1024, pingIntervalMs: 1000 } });\n",
  );
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  // The generated client as the SDK tarball ships it, next to the app (its node_modules has `ws`).
  mkdirSync(join(dir, 'client-live'));
  const sdk = readdirSync(join(dir, 'sdk')).find((f) => f.endsWith('.tgz'))!;
  const untar = spawnSync('tar', ['-xzf', join(dir, 'sdk', sdk), '-C', join(dir, 'client-live')], { encoding: 'utf8' });
  assert.is(untar.status, 0, untar.stderr);
  writeFileSync(join(dir, 'client-live/runner.mjs'), CLIENT_RUNNER);
});

// The generated client live, run by the engine under test: the platform's WebSocket on Bun and
// Deno, the `ws` package's on Node 20 (no global one). Prints what it saw as one JSON line.
const CLIENT_RUNNER = `
import { createClient } from './package/index.js';
const WebSocket = globalThis.WebSocket ?? (await import('ws')).WebSocket;
const api = createClient({ baseUrl: process.env.BASE_URL });
const next = (socket, event) => new Promise((resolve) => { const off = socket.on(event, (value) => { off(); resolve(value); }); });
const room = { params: { room: 'live ' + process.env.ROOM }, query: { name: 'a' } };
const a = api.socket('WS /rooms/:room', room, { WebSocket });
await a.ready;
const b = api.socket('WS /rooms/:room', { ...room, query: { name: 'b' } }, { WebSocket });
const joined = await next(a, 'message');
b.send({ type: 'say', text: 'hi' });
const said = await Promise.all([next(a, 'message'), next(b, 'message')]);
const ticker = api.socket('WS /ticker', { headers: { 'x-client': 'c1' } }, { WebSocket });
ticker.send({ symbols: ['AB'], since: new Date(0) });
const ticks = [];
for await (const message of ticker) {
  ticks.push(message);
  ticker.close();
}
const closed = next(a, 'close');
a.send({ type: 'say', text: 5 });
const close = await closed;
b.close();
console.log(JSON.stringify({ joined, said, ticks, close }));
`;

/** Runs the client runner on `engine` against `app`; resolves with what it printed. */
function runClient(engine: Engine, app: RunningApp): Promise<Record<string, any>> {
  const script = join(dir, 'client-live/runner.mjs');
  const args = engine.name === 'deno' ? ['run', '-A', script] : [script];
  return new Promise((resolve, reject) => {
    const child = spawn(engine.executable, args, { cwd: join(dir, 'client-live'), env: { ...process.env, BASE_URL: app.url, ROOM: engine.name }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch (error) {
        reject(new Error(`the client on ${engine.name} failed (${(error as Error).message}):\n${out}`));
      }
    });
  });
}

/** Pauses reading a socket's TCP stream: the server's sends pile up as unsent data. */
const pause = (s: TestSocket) => (s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
const resume = (s: TestSocket) => (s.ws as unknown as { _socket: { resume(): void } })._socket.resume();

test.after(() => removeDir(dir));

const wsUrl = (app: RunningApp, path: string) => `${app.url.replace('http', 'ws')}${path}`;

/** Opens a socket, or rejects with the HTTP status that refused the upgrade. */
const open = (app: RunningApp, path: string, headers: Record<string, string> = {}) => openSocketAt(wsUrl(app, path), headers);

/** The next message that is not a `joined` (whose order against the others is a race across processes). */
async function nextSaid(s: TestSocket): Promise<Record<string, unknown>> {
  for (;;) {
    const msg = await s.next();
    if (msg.type !== 'joined') return msg;
  }
}

const refusedWith = (app: RunningApp, path: string, headers: Record<string, string> = {}) =>
  open(app, path, headers).then(
    (s) => {
      s.ws.terminate();
      return 101;
    },
    (error: { status?: number }) => error.status,
  );

const start = (engine: Engine, args: string[] = [], env: Record<string, string> = {}) => runServer([GATI_BIN, 'start', '.', '--runtime', engine.name, ...args], dir, env);

for (const engine of ENGINES) {
  test(`${engine.name}: typed room pub/sub, HTTP publish, every refusal and close code, 1001 on SIGTERM`, async () => {
    const app = await start(engine);
    try {
      const ann = await open(app, '/rooms/r1?name=ann');
      const bob = await open(app, '/rooms/r1?name=bob');
      assert.equal(await ann.next(), { type: 'joined', who: 'bob' });
      bob.send({ type: 'say', text: 'hi' });
      // gctx.ws.publish reaches every subscriber, the sender included; `at` is a Date → ISO string.
      for (const s of [ann, bob]) {
        const said = await s.next();
        assert.equal({ ...said, at: undefined }, { type: 'said', from: 'bob', text: 'hi', at: undefined });
        assert.ok(!Number.isNaN(Date.parse(String(said.at))));
      }
      const other = await open(app, '/rooms/r2?name=eve');
      const announced = await fetch(`${app.url}/rooms/r1/announce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'sys' }) });
      assert.is(announced.status, 202);
      assert.is((await ann.next()).text, 'sys');
      assert.is((await bob.next()).text, 'sys');
      assert.ok(await silent(other), 'another room heard nothing');

      ann.send({ type: 'say', text: 5 });
      assert.equal(await ann.closed, { code: 1007, reason: '/text must be a string' });
      bob.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      assert.is((await bob.closed).code, 1003);
      other.send({ type: 'say', text: 'x'.repeat(70 * 1024) });
      assert.is((await other.closed).code, 1009);

      assert.is(await refusedWith(app, '/private/feed'), 401);
      assert.is(await refusedWith(app, '/private/feed', { authorization: 'Bearer wrong' }), 401);
      assert.is(await refusedWith(app, '/rooms/r1'), 400, 'query.name is missing');
      assert.is(await refusedWith(app, '/ticker'), 400, 'the x-client header is missing');
      assert.is(await refusedWith(app, '/nowhere'), 404);
      const plain = await fetch(`${app.url}/rooms/r1?name=x`);
      assert.is(plain.status, 426);
      assert.is(plain.headers.get('upgrade'), 'websocket');
      assert.is((await fetch(`${app.url}/rooms/r1`, { method: 'POST' })).status, 405);

      const ticker = await open(app, '/ticker', { 'x-client': 'test' });
      ticker.send({ symbols: ['AB', 'CD'], since: '2024-01-01T00:00:00Z' });
      assert.equal(await ticker.next(), [{ symbol: 'AB', price: 1, seq: 0 }, { symbol: 'CD', price: 1, seq: 1 }] as never);
      const feed = await open(app, '/private/feed', { authorization: 'Bearer s3cret' });
      feed.send({ ping: 7 });
      assert.equal(await feed.next(), { pong: 7 });
      feed.send({ ping: -1 });
      assert.equal(await feed.next(), { pong: 'bad' }, 'gati start does not check outgoing messages');

      // In parallel: the generated client on this engine, and a client that answers no ping.
      const client = runClient(engine, app);
      const deaf = deafClient(Number(new URL(app.url).port), '/rooms/hb?name=deaf');

      // Slow consumers: unsent data past ws.maxBufferedBytes (256 KiB here) closes with 1013, for a
      // socket's own sends and for a topic's subscriber (Bun fans out natively: its own check).
      const slow = await open(app, '/flood');
      const slowSub = await open(app, `/flood?topic=slow-${engine.name}`);
      const publisher = await open(app, '/flood');
      pause(slow);
      pause(slowSub);
      slow.send({ n: 300, size: 64 * 1024 });
      publisher.send({ n: 600, size: 19_000, topic: `slow-${engine.name}` });
      await new Promise((r) => setTimeout(r, 1000));
      resume(slow);
      resume(slowSub);
      for (const s of [slow, slowSub]) assert.equal(await s.closed, { code: 1013, reason: 'slow consumer: too much unsent data' });
      publisher.send({ n: 1, size: 3 });
      assert.equal(await publisher.next(), { blob: 'xxx' }, 'the publisher is still open');

      // Heartbeat (ws.pingIntervalMs: 1 s here): the deaf client is dropped after two missed pongs;
      // the `ws` clients, which answer pings, are still there.
      const dropped = await deaf;
      assert.ok(dropped.upgraded, 'the deaf client was upgraded');
      assert.ok(dropped.closedAfterMs < 10_000, `dropped after ${dropped.closedAfterMs} ms`);
      feed.send({ ping: 8 });
      assert.equal(await feed.next(), { pong: 8 });

      const live = await client;
      assert.equal(live.joined, { type: 'joined', who: 'b' });
      for (const said of live.said) assert.equal({ ...said, at: typeof said.at }, { type: 'said', from: 'b', text: 'hi', at: 'string' });
      assert.equal(live.ticks, [[{ symbol: 'AB', price: 1, seq: 0 }]]);
      assert.equal(live.close, { code: 1007, reason: '/text must be a string', reconnecting: false });

      const exited = app.stop('SIGTERM');
      assert.is((await feed.closed).code, 1001);
      assert.is((await ticker.closed).code, 1001);
      assert.is(await exited, 0);
    } finally {
      // SIGTERM, not SIGKILL: the node wrapper of `--runtime bun|deno` forwards it to the engine's
      // process, which a SIGKILL of the wrapper would leave running after a failed assertion.
      await app.stop('SIGTERM');
    }
  });
}

for (const engine of ENGINES) {
  test(`${engine.name}: --workers 2: a publish in one worker reaches the sockets of the other`, async () => {
    const app = await start(engine, ['--workers', '2']);
    try {
      if (engine.name === 'deno') {
        // Deno's permissions allow no subprocess (node:cluster forks): one process, and it says so.
        assert.match(app.output(), '--workers 2 is not supported on Deno');
        const one = await open(app, '/rooms/wd?name=a');
        one.send({ type: 'say', text: 'one process' });
        assert.is((await one.next()).text, 'one process');
        return;
      }
      const deadline = Date.now() + 20_000;
      while (app.logs.filter((l) => l.msg === 'listening').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // node:cluster shares the port and hands connections to the workers in turn: four sockets sit
      // on both. Bun's workers (port 0) listen on a port each: a socket on each.
      const urls = [...new Set(app.logs.filter((l) => l.msg === 'listening').map((l) => String(l.url)))];
      const room = `w-${engine.name}`;
      const sockets: TestSocket[] = [];
      if (urls.length === 2) {
        for (const [i, url] of urls.entries()) sockets.push(await openSocketAt(`${url.replace('http', 'ws')}/rooms/${room}?name=${i}`));
        // ws.publish from the second socket's open reached the first, on the other worker.
        assert.equal(await sockets[0]!.next(), { type: 'joined', who: '1' });
      } else {
        for (const name of ['a', 'b', 'c', 'd']) sockets.push(await open(app, `/rooms/${room}?name=${name}`));
        await new Promise((r) => setTimeout(r, 200));
      }
      const announced = await fetch(`${app.url}/rooms/${room}/announce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'everyone' }) });
      assert.is(announced.status, 202);
      for (const s of sockets) assert.is((await nextSaid(s)).text, 'everyone');
      sockets.at(-1)!.send({ type: 'say', text: 'from the last' });
      for (const s of sockets) assert.is((await nextSaid(s)).text, 'from the last');
    } catch (error) {
      console.error(app.output());
      throw error;
    } finally {
      await app.stop('SIGTERM');
    }
  });

  test(`${engine.name}: two server processes over the real Redis: a publish in one reaches the sockets of the other`, async () => {
    const env = { WS_TEST_REDIS: 'redis://127.0.0.1:6379' };
    const [one, two] = await Promise.all([start(engine, [], env), start(engine, [], env)]);
    try {
      const room = `redis-${engine.name}-${process.pid}-${Date.now()}`;
      const onOne = await open(one, `/rooms/${room}?name=a`);
      const onTwo = await open(two, `/rooms/${room}?name=b`);
      // ws.publish (the joined message) goes to the other process too.
      assert.equal(await onOne.next(), { type: 'joined', who: 'b' });
      onOne.send({ type: 'say', text: 'across pods' });
      assert.is((await nextSaid(onTwo)).text, 'across pods');
      assert.is((await nextSaid(onOne)).text, 'across pods');
      const announced = await fetch(`${two.url}/rooms/${room}/announce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'from two' }) });
      assert.is(announced.status, 202);
      assert.is((await nextSaid(onOne)).text, 'from two');
      assert.is((await nextSaid(onTwo)).text, 'from two');
      assert.ok(await silent(onOne), 'delivered once, not again through Redis');
    } finally {
      await Promise.all([one.stop('SIGTERM'), two.stop('SIGTERM')]);
    }
  });
}

test('gati dev serves WS routes and checks outgoing messages against `out` (1011)', async () => {
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    assert.is(await refusedWith(dev, '/private/feed'), 401);
    const feed = await open(dev, '/private/feed', { authorization: 'Bearer s3cret' });
    feed.send({ ping: 2 });
    assert.equal(await feed.next(), { pong: 2 });
    feed.send({ ping: -1 });
    assert.is((await feed.closed).code, 1011);
    const ann = await open(dev, '/rooms/d?name=ann');
    ann.send({ type: 'say', text: 'in dev' });
    assert.is((await ann.next()).text, 'in dev');
    const exited = dev.stop('SIGTERM');
    assert.is((await ann.closed).code, 1001);
    assert.is(await exited, 0);
  } finally {
    await dev.stop('SIGKILL');
  }
});

test.run();
