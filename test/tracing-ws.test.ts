// WebSocket routes traced (issue 18): fixtures/ws-chat, plus an echo route that logs, served by
// `gati start` with tracing on and exporting over real OTLP/HTTP to the collector stand-in. The upgrade
// is a `WS <route>` server span (continuing the client's traceparent), each message the client sends a
// `WS <route> message` span under it, and the handler's log lines carry the trace and message span ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';
import { startCollector, type CollectedSpan } from './helpers/otlp-collector.js';
import { openSocketAt } from './helpers/ws-client.js';

// OTLP's span kinds.
const SERVER = 2;
const CONSUMER = 5;

const ECHO = `import type { WsHandler } from 'gati';

export const handler: WsHandler<{}, { in: { text: string }; out: { text: string; traceId: string } }> = {
  open(_ws, _gctx, lctx) {
    lctx.log.info({}, 'echo open');
  },
  message(ws, msg, _gctx, lctx) {
    lctx.log.info({ text: msg.text }, 'echo heard');
    ws.send({ text: msg.text, traceId: lctx.traceId });
  },
};
`;

const one = (spans: CollectedSpan[], match: (s: CollectedSpan) => boolean, what: string): CollectedSpan => {
  const found = spans.filter(match);
  assert.is(found.length, 1, `one ${what}, got ${found.length}: ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0]!;
};

test('WS routes: the upgrade is a server span, each message a span under it, handler log lines carry the ids', async () => {
  const dir = copyFixture('ws-chat');
  const collector = await startCollector();
  try {
    writeFileSync(join(dir, 'src/handlers/echo.ws.ts'), ECHO);
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    const server = await runServer([GATI_BIN, 'start', dir], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      const base = server.url.replace('http', 'ws');
      // The client's traceparent on the upgrade: the connection continues its trace.
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const echo = await openSocketAt(`${base}/echo`, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      echo.send({ text: 'one' });
      assert.equal(await echo.next(), { text: 'one', traceId }, 'lctx.traceId in the message hook: the connection\'s trace');
      echo.send({ text: 'two' });
      assert.is((await echo.next()).text, 'two');
      // No traceparent: the upgrade starts a trace; a route with a path parameter is named by its template.
      const ann = await openSocketAt(`${base}/rooms/r1?name=ann`);
      ann.send({ type: 'typing' });

      const spans = await collector.waitFor((all) => all.filter((s) => s.name === 'WS /echo message').length >= 2 && all.some((s) => s.name === 'WS /rooms/:room message'));
      const upgrade = one(spans, (s) => s.name === 'WS /echo', 'upgrade span of /echo');
      assert.equal(
        [upgrade.kind, upgrade.traceId, upgrade.parentSpanId, upgrade.attributes['http.route'], upgrade.attributes['http.request.method'], upgrade.attributes['http.response.status_code']],
        [SERVER, traceId, '00f067aa0ba902b7', '/echo', 'GET', 101],
      );
      const messages = spans.filter((s) => s.name === 'WS /echo message');
      assert.is(messages.length, 2);
      for (const m of messages) assert.equal([m.kind, m.traceId, m.parentSpanId, m.attributes['http.route']], [CONSUMER, traceId, upgrade.spanId, '/echo']);

      const room = one(spans, (s) => s.name === 'WS /rooms/:room', 'upgrade span of /rooms/:room');
      assert.equal([room.kind, room.parentSpanId, room.attributes['http.route']], [SERVER, '', '/rooms/:room']);
      const said = one(spans, (s) => s.name === 'WS /rooms/:room message', 'message span of /rooms/:room');
      assert.equal([said.traceId, said.parentSpanId], [room.traceId, room.spanId]);

      await new Promise((r) => setTimeout(r, 100));
      const heard = server.logs.filter((l) => l.msg === 'echo heard');
      assert.is(heard.length, 2, server.output());
      assert.ok(heard.every((l) => l.trace_id === traceId), 'the message hook\'s lines carry the trace id');
      assert.equal(heard.map((l) => l.span_id).sort(), messages.map((m) => m.spanId).sort(), '…and their message span\'s id');
      const opened = server.logs.find((l) => l.msg === 'echo open');
      assert.equal([opened?.trace_id, opened?.span_id], [traceId, upgrade.spanId], 'open runs with the upgrade\'s span');
      echo.ws.close();
      ann.ws.close();
    } finally {
      await server.stop();
    }
  } finally {
    await collector.close();
    removeDir(dir);
  }
});

test.run();
