// Gati's span recorder (runtime-shim/tracing/recorder.ts and what surrounds it) in process, against
// the collector stand-in over real OTLP/HTTP: a span the app makes itself through the global
// @opentelemetry/api joins the trace of Gati's spans, in both encodings, with every attribute type and
// a body large enough for multi-byte lengths; the samplers' decisions; the queue's bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '@opentelemetry/api';
import type { Logger } from '../runtime-shim/types.js';
import type { JobView } from '../runtime-shim/effects/types.js';
import { loadTracing } from '../runtime-shim/tracing/sdk.js';
import { tracingSettings } from '../runtime-shim/tracing/settings.js';
import { samplerFor } from '../runtime-shim/tracing/sampler.js';
import { SpanBatch } from '../runtime-shim/tracing/batch.js';
import { RecorderProvider } from '../runtime-shim/tracing/recorder.js';
import { JsonBatch } from '../runtime-shim/tracing/otlp.js';
import { startCollector } from './helpers/otlp-collector.js';

const lines: string[] = [];
const log: Logger = {
  debug: () => {},
  info: () => {},
  warn: (_o, msg) => void lines.push(String(msg)),
  error: (_o, msg) => void lines.push(String(msg)),
  child: () => log,
};

const LONG = 'x'.repeat(300);

for (const protocol of ['http/protobuf', 'http/json']) {
  test(`${protocol}: the app's own span (global API) is a child of the module call's span, in the effect's trace; attributes and status exported`, async () => {
    const collector = await startCollector();
    const settings = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_SERVICE_NAME: `svc ${protocol}` }, 'app')!;
    const loaded = loadTracing(settings, log, { OTEL_BSP_SCHEDULE_DELAY: '10' });
    try {
      const ledger = loaded.tracer.wrapModule('ledger', {
        reserve: async () => {
          await new Promise((r) => setTimeout(r, 1));
          api.trace.getTracer('my-app', '1.2.3').startActiveSpan('own work', { attributes: { long: LONG } }, (span) => {
            span.setAttributes({ n: 42, neg: -5, d: 1.5, b: true, s: 'é' });
            span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'declined' });
            span.end();
          });
        },
      }) as { reserve(): Promise<void> };
      const job = { id: 'job_1', name: 'capture', attempt: 1 } as JobView;
      await loaded.tracer.runEffect(job, () => ledger.reserve());
    } finally {
      await loaded.shutdown();
    }
    try {
      const spans = await collector.waitFor((all) => all.length >= 3);
      assert.equal(spans.map((s) => s.name).sort(), ['effect capture', 'ledger.reserve', 'own work']);
      const [effect, module, own] = ['effect capture', 'ledger.reserve', 'own work'].map((name) => spans.find((s) => s.name === name)!);
      assert.equal([effect!.kind, effect!.parentSpanId, effect!.attributes['messaging.message.id']], [5, '', 'job_1']);
      assert.is(module!.parentSpanId, effect!.spanId);
      assert.is(own!.parentSpanId, module!.spanId);
      assert.ok(spans.every((s) => s.traceId === effect!.traceId && /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId)));
      assert.equal(own!.attributes, { long: LONG, n: 42, neg: -5, d: 1.5, b: true, s: 'é' });
      assert.equal([own!.kind, own!.statusCode, own!.service], [1, 2, `svc ${protocol}`]);
      assert.ok(collector.contentTypes.every((t) => t === (protocol === 'http/json' ? 'application/json' : 'application/x-protobuf')));
    } finally {
      await collector.close();
    }
  });
}

test('samplers: ratio by trace id (the SDK\'s rule), parent-based ones follow the parent\'s flag', () => {
  const parent = (traceFlags: number) => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags });
  const half = samplerFor('traceidratio', 0.5);
  assert.is(half(undefined, 'ffffffff000000000000000000000000'), false);
  assert.is(half(undefined, '00000001000000000000000000000000'), true);
  assert.is(half(parent(1), 'ffffffff000000000000000000000000'), false, 'not parent-based: the ratio decides');
  assert.is(samplerFor('parentbased_traceidratio', 0.5)(parent(1), 'ffffffff000000000000000000000000'), true);
  assert.is(samplerFor('parentbased_always_on', 1)(parent(0), 'ffffffff000000000000000000000000'), false);
  assert.is(samplerFor('parentbased_always_on', 1)(undefined, 'ffffffff000000000000000000000000'), true);
  assert.is(samplerFor('parentbased_always_off', 1)(undefined, '00000001000000000000000000000000'), false);
  assert.is(samplerFor('parentbased_always_off', 1)(parent(1), '00000001000000000000000000000000'), true);
  assert.is(samplerFor('always_off', 1)(parent(1), '00000001000000000000000000000000'), false);
});

test('the queue is bounded: spans beyond OTEL_BSP_MAX_QUEUE_SIZE are dropped and counted; batches of the batch size', async () => {
  const sent: number[] = [];
  const pending = new JsonBatch({ 'service.name': 'q' });
  const batch = new SpanBatch({ scheduleDelayMs: 60_000, maxQueueSize: 5, maxBatchSize: 2 }, pending, async (body, spans) => {
    assert.is(JSON.parse(String(body)).resourceSpans[0].scopeSpans[0].spans.length, spans);
    sent.push(spans);
  });
  // Synchronous pushes: the first full batch leaves on setImmediate, so the queue fills to 5 first.
  const provider = new RecorderProvider({ trace: api.trace, context: api.context }, () => true, batch);
  for (let i = 0; i < 8; i++) provider.getTracer('q').startSpan(`s${i}`).end();
  assert.is(batch.takeDropped(), 3);
  await batch.shutdown();
  assert.equal(sent, [2, 2, 1]);
});

test.run();
