// WS routes served by `gati start`: fixtures/ws-chat (plus a route behind bearerAuth) built with the
// real CLI and served on node, bun and deno, spoken to with the `ws` package's client. The upgrade
// runs the route's middleware and checks (401, 400, no 101), a plain GET gets 426; messages are
// validated (1007 naming the pointer), binary is 1003, oversized 1009; `gctx.ws.publish` reaches a
// room from a socket and from an HTTP route, across `--workers` and across two processes over the
// real Redis; SIGTERM closes sockets with 1001.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';
import { openSocketAt, silent, type TestSocket } from './helpers/ws-client.js';

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
  writeFileSync(join(dir, 'gati.config.ts'), "import { defineConfig } from 'gati';\nexport default defineConfig({ ws: { redis: process.env.WS_TEST_REDIS ?? '', maxMessageBytes: 64 * 1024 } });\n");
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
});

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

      const exited = app.stop('SIGTERM');
      assert.is((await feed.closed).code, 1001);
      assert.is((await ticker.closed).code, 1001);
      assert.is(await exited, 0);
    } finally {
      await app.stop('SIGKILL');
    }
  });
}

test('--workers 2: a publish in one worker reaches the sockets of the other', async () => {
  const app = await start(ENGINES[0]!, ['--workers', '2']);
  try {
    const deadline = Date.now() + 20_000;
    while (app.logs.filter((l) => l.msg === 'listening').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // node:cluster hands connections to the workers in turn: four sockets sit on both workers.
    const sockets: TestSocket[] = [];
    for (const name of ['a', 'b', 'c', 'd']) sockets.push(await open(app, `/rooms/w?name=${name}`));
    await new Promise((r) => setTimeout(r, 200));
    const announced = await fetch(`${app.url}/rooms/w/announce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'everyone' }) });
    assert.is(announced.status, 202);
    for (const s of sockets) assert.is((await nextSaid(s)).text, 'everyone');
  } finally {
    await app.stop('SIGTERM');
  }
});

test('two server processes over the real Redis: a publish in one reaches the sockets of the other', async () => {
  const env = { WS_TEST_REDIS: 'redis://127.0.0.1:6379' };
  const [one, two] = await Promise.all([start(ENGINES[0]!, [], env), start(ENGINES[0]!, [], env)]);
  try {
    const room = `redis-${process.pid}-${Date.now()}`;
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
  } finally {
    await Promise.all([one.stop('SIGTERM'), two.stop('SIGTERM')]);
  }
});

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
