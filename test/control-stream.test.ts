// Server-Sent Events through the engines: a control endpoint answering `{ stream }` is served as
// text/event-stream with the panel's headers, events framed per the spec, `Last-Event-ID` handed
// to the endpoint, and the stream stopped when the client goes away (node:http end to end; the
// code Bun.serve and Deno.serve share, on web Requests).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNodeServer } from '../runtime-shim/server/node.js';
import { createFetchHandler } from '../runtime-shim/server/fetch-engine.js';
import { createControlPanel } from '../runtime-shim/control/panel.js';
import type { ControlEndpoint } from '../runtime-shim/control/endpoint.js';
import type { ControlPanelOptions } from '../runtime-shim/control/panel.js';
import { eventStreamBody, formatEvent } from '../runtime-shim/control/sse.js';
import type { Logger } from '../runtime-shim/types.js';
import type { CompiledApp } from '../runtime-shim/server/app.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ENGINES } from './helpers/server.js';

const log = { error() {}, warn() {}, info() {}, debug() {}, child: () => log } as unknown as Logger;

/** An endpoint that sends `hello` with the Last-Event-ID it was given, then a tick every 20 ms, and reports its stop. */
function tickingEndpoint() {
  const seen = { lastEventId: undefined as string | undefined, stopped: 0 };
  let stoppedResolve: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stoppedResolve = resolve));
  const endpoint: ControlEndpoint = {
    method: 'GET',
    path: 'ticks',
    handler: (call) => {
      seen.lastEventId = call.lastEventId;
      return {
        stream: {
          start(send) {
            send({ event: 'hello', data: `after ${call.lastEventId ?? 'none'}\nsecond line`, id: '1' });
            let n = 1;
            const timer = setInterval(() => send({ event: 'tick', data: JSON.stringify({ n: ++n }), id: String(n) }), 20);
            return () => {
              clearInterval(timer);
              seen.stopped++;
              stoppedResolve();
            };
          },
        },
      };
    },
  };
  return { endpoint, seen, stopped };
}

const env: ControlPanelOptions = { app: () => ({ name: 'streams' }) as CompiledApp, mode: 'dev', log };

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(needle)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

test('an event framed per the EventSource spec', () => {
  assert.is(formatEvent({ event: 'log', data: 'a\nb', id: '7' }), 'id: 7\nevent: log\ndata: a\ndata: b\n\n');
  assert.is(formatEvent({ event: 'x\ny', data: '' }), 'event: xy\ndata: \n\n');
});

test('a heartbeat comment keeps the stream; a session that ended ends it', async () => {
  const written: string[] = [];
  let signedIn = true;
  let ended!: () => void;
  const endedNow = new Promise<void>((resolve) => (ended = resolve));
  let stopped = 0;
  const body = eventStreamBody({ start: () => () => void stopped++ }, async () => signedIn, 20);
  const stop = body.start((chunk) => written.push(chunk), () => ended());
  while (!written.includes(': heartbeat\n\n')) await new Promise((r) => setTimeout(r, 10));
  signedIn = false;
  // The heartbeat's timer does not hold the process open (unref): this one does, while waiting.
  const keepAlive = setInterval(() => {}, 1000);
  await endedNow;
  clearInterval(keepAlive);
  stop();
  assert.is(written[0], ': connected\n\n');
  assert.is(stopped, 1);
});

test('node:http: text/event-stream with the panel headers, Last-Event-ID passed, stopped when the client leaves', async () => {
  const { endpoint, seen, stopped } = tickingEndpoint();
  const panel = createControlPanel(env, [endpoint]);
  const server = createNodeServer((req) => panel.answer(req) ?? Promise.resolve({ status: 404, headers: {}, body: undefined }), { requestTimeoutMs: 10_000, log });
  const port = await server.listen(0, '127.0.0.1');
  try {
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/_control/api/ticks`, { headers: { 'last-event-id': '41' }, signal: abort.signal });
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.is(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', "default-src 'self'");
    const reader = res.body!.getReader();
    const text = await readUntil(reader, 'event: tick');
    assert.ok(text.startsWith(': connected\n\n'));
    assert.match(text, 'id: 1\nevent: hello\ndata: after 41\ndata: second line\n\n');
    assert.is(seen.lastEventId, '41');
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await stopped;
    assert.is(seen.stopped, 1);
    // The server is free to shut down at once: the stream holds nothing open.
    assert.is(server.inFlight(), 0);
  } finally {
    await server.close(1000);
  }
});

test('node:http: shutdown ends the streams still open', async () => {
  const { endpoint, seen, stopped } = tickingEndpoint();
  const panel = createControlPanel(env, [endpoint]);
  const server = createNodeServer((req) => panel.answer(req)!, { requestTimeoutMs: 10_000, log });
  const port = await server.listen(0, '127.0.0.1');
  const res = await fetch(`http://127.0.0.1:${port}/_control/api/ticks`);
  const reader = res.body!.getReader();
  await readUntil(reader, 'event: hello');
  await server.close(10_000);
  await stopped;
  assert.is(seen.stopped, 1);
  // The client sees the end of the body.
  for (;;) if ((await reader.read()).done) break;
});

test('fetch engines (Bun, Deno): the stream is the body, cancelled by the client or ended at shutdown', async () => {
  const { endpoint, seen, stopped } = tickingEndpoint();
  const panel = createControlPanel(env, [endpoint]);
  const handler = createFetchHandler((req) => panel.answer(req)!, { log, ipOf: () => '' });
  const res = await handler.fetch(new Request('http://h/_control/api/ticks', { headers: { 'last-event-id': '3' } }), undefined);
  assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  assert.match(await readUntil(reader, 'event: tick'), 'data: after 3');
  await reader.cancel();
  await stopped;
  assert.is(seen.stopped, 1);

  const second = tickingEndpoint();
  const panel2 = createControlPanel(env, [second.endpoint]);
  const handler2 = createFetchHandler((req) => panel2.answer(req)!, { log, ipOf: () => '' });
  const res2 = await handler2.fetch(new Request('http://h/_control/api/ticks'), undefined);
  const reader2 = res2.body!.getReader();
  await readUntil(reader2, 'event: hello');
  handler2.endStreams();
  await second.stopped;
  for (;;) if ((await reader2.read()).done) break;
});

for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
  test(`${engine.name}: the stream served, Last-Event-ID passed, stopped when the client leaves`, async () => {
    const child = spawn(engine.executable, [...engine.args, join(import.meta.dirname, 'helpers/control-stream-server.js'), engine.name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const saw = (needle: string) => new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(needle) ? resolve() : undefined);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        check();
      });
      child.once('exit', () => reject(new Error(`exited before ${needle}: ${out}`)));
      check();
    });
    try {
      await saw('PORT ');
      const port = /PORT (\d+)/.exec(out)![1];
      const res = await fetch(`http://127.0.0.1:${port}/_control/api/ticks`, { headers: { 'last-event-id': '5' } });
      assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.is(res.headers.get('cache-control'), 'no-store');
      const reader = res.body!.getReader();
      assert.match(await readUntil(reader, 'event: tick'), 'id: 1\nevent: hello\ndata: after 5\n\n');
      await reader.cancel();
      await saw('STOPPED');
    } finally {
      child.kill();
    }
  });
}

test.run();
