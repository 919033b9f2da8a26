// The WebSocket runtime (runtime-shim/ws) on real sockets, on node (the `ws` package), Bun
// (Bun.serve's websocket) and Deno (Deno.upgradeWebSocket): a small server per engine
// (test/helpers/ws-server.ts) and real clients. Every close code of the contract, pub/sub within a
// process, between two cluster workers (through the primary) and between two processes over the
// real Redis, the heartbeat, and graceful shutdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { ENGINES } from './helpers/server.js';
import { deafClient, openSocket, silent, startWsServer, type WsTestServer } from './helpers/ws-client.js';
import { closeReason } from '../runtime-shim/ws/close-reason.js';

const LIMITS = { WS_MAX_MSG: '4096', WS_MAX_BUF: String(256 * 1024), WS_PING_MS: '1000' };

test('close reasons are cut to 123 bytes on a UTF-8 boundary', () => {
  assert.is(closeReason('short'), 'short');
  const cut = closeReason('é'.repeat(100));
  assert.ok(Buffer.byteLength(cut) <= 123);
  assert.ok(cut.endsWith('...'));
  assert.not.match(cut, '\uFFFD');
  const emoji = closeReason('😀'.repeat(40));
  assert.ok(Buffer.byteLength(emoji) <= 123);
  assert.is(Buffer.from(emoji).toString(), emoji, 'no split surrogate pair');
});

for (const engine of ENGINES) {
  test(`${engine.name}: every close code of the contract, pub/sub, heartbeat and shutdown on real sockets`, async () => {
    const server: WsTestServer = await startWsServer(engine, LIMITS);
    const port = server.ports[0]!;
    try {
      // Typed echo; the route's reviver turns the ISO string into a Date, which goes out as ISO again.
      const a = await openSocket(port);
      a.send({ type: 'echo', text: 'hello', at: '2026-01-02T03:04:05.000Z' });
      assert.equal(await a.next(), { type: 'echo', text: 'hello', at: '2026-01-02T03:04:05.000Z', revived: true });

      // An invalid message: 1007 naming the JSON pointer.
      const invalid = await openSocket(port);
      invalid.send({ type: 'echo', text: 42 });
      const c1007 = await invalid.closed;
      assert.is(c1007.code, 1007);
      assert.match(c1007.reason, '/text');
      const unknownKey = await openSocket(port);
      unknownKey.send({ type: 'echo', extra: 1 });
      assert.equal(await unknownKey.closed, { code: 1007, reason: (await unknownKey.closed).reason });
      assert.match((await unknownKey.closed).reason, '/extra');
      const notJson = await openSocket(port);
      notJson.send('{not json');
      assert.is((await notJson.closed).code, 1007);
      const poisoned = await openSocket(port);
      poisoned.send('{"type":"echo","__proto__":{"x":1}}');
      assert.is((await poisoned.closed).code, 1007);

      // Binary → 1003; over maxMessageBytes → 1009.
      const binary = await openSocket(port);
      binary.ws.send(Buffer.from([1, 2, 3]));
      assert.is((await binary.closed).code, 1003);
      const big = await openSocket(port);
      big.send({ type: 'echo', text: 'x'.repeat(10_000) });
      assert.is((await big.closed).code, 1009);

      // A handler that throws → 1011, no stack to the client.
      const thrower = await openSocket(port);
      thrower.send({ type: 'throw' });
      assert.equal(await thrower.closed, { code: 1011, reason: 'internal error' });

      // Pub/sub: ws.publish reaches the OTHER subscribers; the hub's publish reaches all of them.
      const topic = `t-${randomUUID()}`;
      const [s1, s2, outsider] = await Promise.all([openSocket(port), openSocket(port), openSocket(port)]);
      for (const s of [s1, s2]) {
        s.send({ type: 'sub', topic });
        assert.equal(await s.next(), { type: 'subscribed', topic });
      }
      s1.send({ type: 'pub', topic, text: 'from s1' });
      assert.equal(await s2.next(), { type: 'published', text: 'from s1' });
      assert.ok(await silent(s1), 'the publisher does not get its own ws.publish');
      s1.send({ type: 'gpub', topic, text: 'to all' });
      assert.equal(await s1.next(), { type: 'published', text: 'to all' });
      assert.equal(await s2.next(), { type: 'published', text: 'to all' });
      assert.ok(await silent(outsider), 'a connection not subscribed gets nothing');
      s2.ws.close();
      await s2.closed;
      s1.send({ type: 'pub', topic, text: 'after s2 left' });
      s1.send({ type: 'echo', text: 'still here' });
      assert.equal((await s1.next()).text, 'still here');

      // A slow consumer: the client stops reading while the server floods it → 1013.
      const slow = await openSocket(port);
      (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      slow.send({ type: 'flood', n: 300, size: 64 * 1024 });
      await new Promise((r) => setTimeout(r, 1000));
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      assert.is((await slow.closed).code, 1013);

      // A slow subscriber of a topic (Bun fans out natively, so this is its own check there) → 1013.
      const slowTopic = `slow-${randomUUID()}`;
      const slowSub = await openSocket(port, `/test?topic=${slowTopic}`);
      const publisher = await openSocket(port);
      (slowSub.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      publisher.send({ type: 'gflood', topic: slowTopic, n: 600, size: 19_000 });
      await new Promise((r) => setTimeout(r, 1000));
      (slowSub.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      assert.equal(await slowSub.closed, { code: 1013, reason: 'slow consumer: too much unsent data' });
      publisher.send({ type: 'echo', text: 'publisher unaffected' });
      assert.is((await publisher.next()).text, 'publisher unaffected');

      // Heartbeat: a client that never answers pings is dropped; one that does (the `ws` client) stays.
      const deaf = await deafClient(port);
      assert.ok(deaf.upgraded, 'the deaf client was upgraded');
      assert.ok(deaf.closedAfterMs < 8000, `dropped after ${deaf.closedAfterMs} ms`);
      a.send({ type: 'echo', text: 'alive' });
      assert.is((await a.next()).text, 'alive');

      // SIGTERM: every open socket closes with 1001, and the server exits 0.
      const last = await openSocket(port);
      const exited = server.stop('SIGTERM');
      assert.is((await a.closed).code, 1001);
      assert.is((await last.closed).code, 1001);
      assert.is(await exited, 0);
    } catch (error) {
      console.error(server.output());
      throw error;
    } finally {
      await server.stop('SIGKILL');
    }
  });
}

test('node --workers: a publish in one worker reaches a subscriber of the other, through the primary', async () => {
  const server = await startWsServer(ENGINES[0]!, { WS_WORKERS: '2' }, 2);
  try {
    const [p1, p2] = server.ports;
    assert.is.not(p1, p2);
    const topic = `t-${randomUUID()}`;
    const [a, b, c] = await Promise.all([openSocket(p1!), openSocket(p2!), openSocket(p2!)]);
    for (const s of [a, b, c]) {
      s.send({ type: 'sub', topic });
      await s.next();
    }
    a.send({ type: 'pub', topic, text: 'across workers' });
    assert.equal(await b.next(), { type: 'published', text: 'across workers' });
    assert.equal(await c.next(), { type: 'published', text: 'across workers' });
    assert.ok(await silent(a), 'not echoed back to the publisher');
    b.send({ type: 'gpub', topic, text: 'everyone' });
    for (const s of [a, b, c]) assert.equal(await s.next(), { type: 'published', text: 'everyone' });
  } finally {
    await server.stop('SIGTERM');
  }
});

for (const engine of ENGINES) {
  test(`${engine.name}: two server processes share topics over the real Redis`, async () => {
    const env = { WS_REDIS_PREFIX: `gati-test-${randomUUID()}:` };
    const [one, two] = await Promise.all([startWsServer(engine, env), startWsServer(ENGINES[0]!, env)]);
    try {
      const topic = `t-${randomUUID()}`;
      const [a, b] = await Promise.all([openSocket(one.ports[0]!), openSocket(two.ports[0]!)]);
      for (const s of [a, b]) {
        s.send({ type: 'sub', topic });
        await s.next();
      }
      a.send({ type: 'pub', topic, text: `from ${engine.name}` });
      assert.equal(await b.next(), { type: 'published', text: `from ${engine.name}` });
      assert.ok(await silent(a), 'not echoed back through Redis to the publisher');
      b.send({ type: 'gpub', topic, text: 'from node' });
      assert.equal(await a.next(), { type: 'published', text: 'from node' });
      assert.equal(await b.next(), { type: 'published', text: 'from node' });
      assert.ok(await silent(b), 'delivered once, not again through Redis');
    } catch (error) {
      console.error(one.output(), two.output());
      throw error;
    } finally {
      await Promise.all([one.stop('SIGKILL'), two.stop('SIGKILL')]);
    }
  });
}

test.run();
