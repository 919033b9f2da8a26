// The control panel's live data: the buffers (log lines, traces) and their bounds, the idle sampler,
// the metrics windows, the SSE stream's events and resume, and the endpoints over HTTP under
// `gati dev` on the payments fixture (a request made here shows in logs and traces within 2 s).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { send } from './helpers/send.js';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';
import { LogBuffer } from '../runtime-shim/control/telemetry/log-buffer.js';
import { TraceBuffer } from '../runtime-shim/control/telemetry/trace-buffer.js';
import { IdleSampler } from '../runtime-shim/control/telemetry/idle-sampler.js';
import { quantileMs, mergeWindows, summarizeWindow, type WindowCounts } from '../runtime-shim/control/telemetry/metrics-window.js';
import { Telemetry } from '../runtime-shim/control/telemetry/telemetry.js';
import { telemetryStream } from '../runtime-shim/control/telemetry/stream.js';
import type { StoredSpan } from '../runtime-shim/control/telemetry/views.js';
import type { LogLine, MetricsSummary, Overview, Trace, TraceSummary } from '../runtime-shim/control/api-types.js';
import { until as pollUntil } from './helpers/until.js';
/** Polls `fn` until it is truthy: every 50 ms, for 15 000 ms unless told. */
const until = <T>(fn: () => T | Promise<T>, timeoutMs = 15_000) => pollUntil(fn, timeoutMs, 50);


const NEW_PAYMENT = { amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com', method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }] };

const line = (i: number, extra = '') => `{"level":"info","time":${1_700_000_000_000 + i},"msg":"line ${i}"${extra}}\n`;

test('the log buffer keeps the newest lines within its count and bytes, filters them, and resumes after a seq', () => {
  const logs = new LogBuffer(100, 1_000_000);
  for (let i = 1; i <= 250; i++) logs.pushLines(Buffer.from(line(i, i % 10 === 0 ? ',"level2":"x","trace_id":"t1"' : '')));
  assert.ok(logs.size.lines <= 100);
  const all = logs.query({ limit: 1000 });
  assert.is(all.at(-1)!.msg, 'line 250');
  assert.is(all.at(-1)!.seq, 250, 'seq counts every line ever pushed');
  assert.ok(all[0]!.seq > 150);
  assert.equal(logs.query({ after: 247, limit: 10 }).map((l) => l.seq), [248, 249, 250]);
  assert.equal(logs.query({ traceId: 't1', limit: 2 }).map((l) => l.msg), ['line 240', 'line 250']);
  assert.equal(logs.query({ q: 'LINE 24', limit: 3 }).map((l) => l.seq), [247, 248, 249]);
  logs.pushLines(Buffer.from('{"level":"error","time":1,"msg":"boom"}\n'));
  assert.equal(logs.query({ level: 'warn', limit: 10 }).map((l) => l.msg), ['boom']);

  const small = new LogBuffer(1_000_000, 2_000);
  for (let i = 0; i < 500; i++) small.pushLines(Buffer.from(line(i)));
  assert.ok(small.size.bytes <= 2_000, `bytes bounded: ${small.size.bytes}`);

  // Round and round the byte ring, with multi-byte characters: every line kept comes back whole.
  const ring = new LogBuffer(1000, 4_096);
  for (let i = 0; i < 2_000; i++) ring.pushLines(Buffer.from(`{"level":"info","time":${i},"msg":"${'é€'.repeat(i % 37)}","i":${i}}\n`));
  const kept = ring.query({ limit: 1000 });
  assert.ok(kept.length > 10);
  assert.equal(kept.map((l) => l.fields.i), kept.map((_, k) => 2_000 - kept.length + k), 'the newest lines, none torn');
  assert.ok(kept.every((l) => l.msg === 'é€'.repeat((l.fields.i as number) % 37)));
});

test('the log buffer takes the log writer\'s batches: every line kept comes back whole, in order, round the ring', () => {
  const ring = new LogBuffer(1000, 4_096);
  let i = 0;
  for (let batch = 0; batch < 400; batch++) {
    let text = '';
    // 1 to 30 lines a batch, of varying length and multi-byte characters; now and then a batch as big as the ring.
    const count = batch % 97 === 0 ? 120 : 1 + (batch * 7) % 30;
    for (let k = 0; k < count; k++, i++) text += `{"level":"info","time":${i},"msg":"${'é€'.repeat(i % 41)}","i":${i}}\n`;
    ring.pushLines(Buffer.from(text));
    const kept = ring.query({ limit: 1000 });
    assert.ok(kept.length > 0 && kept.at(-1)!.fields.i === i - 1, `batch ${batch}: the newest line is kept`);
    assert.equal(kept.map((l) => l.fields.i), kept.map((_, k) => i - kept.length + k), `batch ${batch}: the newest lines, none torn or skipped`);
    assert.ok(kept.every((l) => l.msg === 'é€'.repeat((l.fields.i as number) % 41)));
    assert.is(kept.at(-1)!.seq, i, 'seq counts every line');
  }
  // A trailing part without a newline is not a line.
  ring.pushLines(Buffer.from('{"level":"info","time":1,"msg":"whole"}\n{"level":"info","msg":"cut'));
  assert.is(ring.query({ limit: 1 })[0]!.msg, 'whole');
});

const span = (traceId: string, spanId: string, parent: string, name: string, start: number, ms: number, attributes: Record<string, unknown> = {}, kind = 0): StoredSpan => ({
  spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
  parentSpanId: parent, name, kind, start, end_: start + ms, attributes, attributeCount: Object.keys(attributes).length, added: undefined, statusCode: 0, statusMessage: undefined, events: undefined,
});

test('the trace buffer groups spans by trace, summarises by the root, filters, and stays within its bounds', () => {
  const traces = new TraceBuffer(3, 1_000_000);
  const id = (n: number) => n.toString(16).padStart(32, '0');
  for (let n = 1; n <= 5; n++) {
    traces.push(span(id(n), 'b'.repeat(16), 'a'.repeat(16), 'handler', 1000 * n + 1, 5));
    traces.push(span(id(n), 'a'.repeat(16), '', `GET /items`, 1000 * n, 10 * n, { 'http.route': '/items', 'http.request.method': 'GET', 'http.response.status_code': n === 4 ? 500 : 200 }, 1));
  }
  assert.is(traces.size.traces, 3);
  const listed = traces.query({ limit: 10 });
  assert.equal(listed.map((t) => t.traceId), [id(5), id(4), id(3)]);
  assert.is(listed[0]!.spanCount, 2);
  assert.is(listed[0]!.route, '/items');
  assert.is(listed[0]!.durationMs, 50);
  assert.equal(traces.query({ status: '5xx', limit: 10 }).map((t) => t.traceId), [id(4)]);
  assert.ok(traces.query({ status: 'error', limit: 10 })[0]!.error);
  assert.equal(traces.query({ minMs: 45, limit: 10 }).map((t) => t.traceId), [id(5)]);
  assert.equal(traces.query({ route: 'GET /items', maxMs: 35, limit: 10 }).map((t) => t.traceId), [id(3)]);
  assert.is(traces.get(id(1)), undefined, 'the oldest traces went first');

  const bytes = new TraceBuffer(1_000_000, 20_000);
  for (let n = 1; n <= 500; n++) bytes.push(span(id(n), 'a'.repeat(16), '', 'GET /x', n, 1, { 'http.route': '/x' }, 1));
  assert.ok(bytes.size.bytes <= 20_000 && bytes.size.traces < 500, `bytes bounded: ${JSON.stringify(bytes.size)}`);

  const missed = new TraceBuffer(10, 1_000_000);
  missed.pushMissed({ method: 'POST', path: '/pay', route: '/pay', status: 503, start: 5, durationMs: 12 }, id(9), 'c'.repeat(16));
  const [only] = missed.query({ limit: 1 });
  assert.equal({ name: only!.name, status: only!.status, error: only!.error, spanCount: only!.spanCount }, { name: 'POST /pay', status: 503, error: true, spanCount: 1 });
});

test('the idle sampler admits a few requests a second per path, every request while watched', () => {
  const sampler = new IdleSampler(2, 5);
  const admitted = (path: string, n: number) => Array.from({ length: n }, () => sampler.admit(path)).filter(Boolean).length;
  // Within one second (the reset is the timer's: not started here).
  assert.is(admitted('/a', 50), 2, 'per path');
  assert.is(admitted('/b', 50), 2);
  assert.is(admitted('/c', 50), 1, 'in all');
  assert.is(admitted('/d', 50), 0);
  sampler.reset();
  assert.is(admitted('/d', 50), 2, 'a new second');
  sampler.watching = true;
  assert.is(admitted('/a', 100), 100);
});

test('percentiles from histogram buckets, and windows summed across processes', () => {
  const bounds = [0.005, 0.01, 0.025];
  assert.is(quantileMs(0.5, [10, 0, 0, 0], bounds), 2.5);
  assert.is(quantileMs(0.5, [0, 10, 0, 0], bounds), 7.5);
  assert.is(quantileMs(0.99, [0, 0, 0, 10], bounds), 25, 'past the last bound: the last bound');
  const part = (status: number, counts: number[]): WindowCounts => ({ seconds: 10, bounds, requests: [{ method: 'GET', route: '/a', status, counts }], effects: [{ effect: 'mail', completed: 5, failed: 1, dead: 0 }], ws: [], activeRequests: 1, depths: { mail: { queued: 3 } } });
  const summary = summarizeWindow(mergeWindows([part(200, [10, 0, 0, 0]), part(500, [0, 10, 0, 0])]), 10);
  assert.is(summary.routes.length, 1);
  const route = summary.routes[0]!;
  assert.equal({ rate: route.rate, errorRate: route.errorRate, count: route.count, p50Ms: route.p50Ms }, { rate: 2, errorRate: 0.5, count: 20, p50Ms: 5 });
  assert.is(summary.activeRequests, 2);
  assert.equal(summary.effects, [{ effect: 'mail', queued: 3, running: 0, dead: 0, completedPerS: 1, failedPerS: 0.2 }]);
});

test('the stream sends log, trace and metrics events, resumes after Last-Event-ID, and watches while open', async () => {
  const telemetry = new Telemetry({ traces: 100, traceBytes: 1_000_000, logLines: 1000, logBytes: 1_000_000 });
  for (let i = 1; i <= 5; i++) telemetry.tee(Buffer.from(line(i)));
  const events: { event: string; data: string; id?: string }[] = [];
  const metrics: MetricsSummary = { source: 'local', at: 1, windowS: 60, activeRequests: 0, routes: [], effects: [], ws: [] };
  const stream = telemetryStream(new Set(['logs', 'traces', 'metrics']), {
    onLogs: (l) => telemetry.onLogs(l),
    onTraces: (l) => telemetry.onTraces(l),
    logsAfter: async (after) => telemetry.logs.query({ after, limit: 1000 }),
    metrics: async () => metrics,
  }, 3);
  const stop = stream.start((e) => events.push(e));
  assert.ok(telemetry.sampler.watching, 'a client on the traces topic: every request is recorded');
  telemetry.tee(Buffer.from(line(6)));
  telemetry.traces.push(span('f'.repeat(32), 'a'.repeat(16), '', 'GET /x', Date.now(), 3, { 'http.route': '/x', 'http.response.status_code': 200 }, 1));
  await until(() => events.filter((e) => e.event === 'log').length >= 3 && events.some((e) => e.event === 'trace'));
  const logs = events.filter((e) => e.event === 'log');
  assert.equal(logs.map((e) => e.id), ['4', '5', '6'], 'the backlog after Last-Event-ID, then the new line, each once');
  assert.is((JSON.parse(logs[2]!.data) as LogLine).msg, 'line 6');
  assert.is((JSON.parse(events.find((e) => e.event === 'trace')!.data) as TraceSummary).route, '/x');
  assert.ok(events.some((e) => e.event === 'metrics'));
  stop();
  assert.not.ok(telemetry.sampler.watching, 'closed: back to the idle sampler');
  const count = events.length;
  telemetry.tee(Buffer.from(line(7)));
  await new Promise((r) => setTimeout(r, 300));
  assert.is(events.length, count, 'nothing after stop');
});

test('gati dev: a request shows in logs, traces and metrics within 2 s; the overview; 404 for a trace that is gone', async () => {
  const dir = copyFixture('payments');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'info' });
  try {
    const created = await send(`${dev.url}/payments`, 'POST', NEW_PAYMENT);
    assert.is(created.status, 201, created.text);
    const reqId = created.headers['x-request-id'] as string;
    const traceparent = created.headers.traceparent as string | undefined;
    assert.ok(traceparent, 'the first request of a path is recorded, and its answer names its trace');
    const traceId = traceparent!.split('-')[1]!;
    const started = Date.now();
    const logs = await until(async () => {
      const body = await getJson<{ items: LogLine[] }>(`${dev.url}/_control/api/logs?q=${reqId}`);
      return body.items.length ? body.items : undefined;
    });
    const traces = await until(async () => {
      const body = await getJson<{ items: TraceSummary[] }>(`${dev.url}/_control/api/traces?route=/payments`);
      return body.items.find((t) => t.traceId === traceId) ? body.items : undefined;
    });
    assert.ok(Date.now() - started < 2_000, `in the panel within 2 s (took ${Date.now() - started} ms)`);
    assert.is(logs.at(-1)!.reqId, reqId);
    assert.is(logs.at(-1)!.fields.status, 201);
    const summary = traces.find((t) => t.traceId === traceId)!;
    assert.equal({ name: summary.name, method: summary.method, status: summary.status, error: summary.error }, { name: 'POST /payments', method: 'POST', status: 201, error: false });

    const trace = await getJson<Trace>(`${dev.url}/_control/api/traces/${traceId}`);
    const names = trace.spans.map((s) => s.name);
    assert.ok(names.includes('POST /payments') && names.includes('handler POST /payments') && names.includes('ledger.createPayment'), names.join(', '));
    const root = trace.spans.find((s) => s.name === 'POST /payments')!;
    assert.is(root.kind, 'server');
    assert.is(root.parentSpanId, undefined);
    assert.ok(trace.spans.filter((s) => s !== root).every((s) => s.parentSpanId), 'every other span hangs from one');

    const gone = await fetch(`${dev.url}/_control/api/traces/${'0'.repeat(31)}1`);
    assert.is(gone.status, 404);
    assert.is(((await gone.json()) as { status: number }).status, 404);

    assert.is((await send(`${dev.url}/payments/pay_nothere`)).status, 404);
    const notFound = await until(async () => (await getJson<{ items: TraceSummary[] }>(`${dev.url}/_control/api/traces?status=404`)).items[0]);
    assert.is(notFound.route, '/payments/:id');
    // Recorded whole after the first request's end paused the context storage (lean tracing resumes it).
    const again = await getJson<Trace>(`${dev.url}/_control/api/traces/${notFound.traceId}`);
    assert.ok(again.spans.some((s) => s.name === 'handler GET /payments/:id' && s.parentSpanId), again.spans.map((s) => s.name).join(', '));
    assert.is((await getJson<{ items: TraceSummary[] }>(`${dev.url}/_control/api/traces?minMs=100000`)).items.length, 0);
    const warnings = await getJson<{ items: LogLine[] }>(`${dev.url}/_control/api/logs?level=error&limit=5`);
    assert.ok(warnings.items.every((l) => l.level === 'error'));

    // The window ends now (the counters are read when asked) and, the process being younger than it,
    // starts when the metrics did: the POST is in it however late the first snapshot came.
    const metrics = await getJson<MetricsSummary>(`${dev.url}/_control/api/metrics?windowS=60`);
    assert.is(metrics.source, 'local');
    const post = metrics.routes.find((r) => r.method === 'POST' && r.route === '/payments');
    assert.ok(post && post.count >= 1 && post.p50Ms > 0 && post.errorRate === 0, JSON.stringify(metrics.routes));

    const overview = await getJson<Overview>(`${dev.url}/_control/api/overview`);
    assert.is(overview.app, 'payments');
    assert.is(overview.mode, 'dev');
    assert.is(overview.engine, 'node');
    assert.is(overview.instances.length, 1);
    assert.ok(overview.ready && overview.instances[0]!.rssBytes > 0);
    assert.ok(overview.counts.routes >= 8 && overview.counts.effects >= 1 && overview.counts.modules >= 1, JSON.stringify(overview.counts));
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test('gati dev: the live stream over SSE: a request made now arrives as a log event and a trace event; Last-Event-ID resumes', async () => {
  const dir = copyFixture('payments');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'info' });
  const abort = new AbortController();
  try {
    const res = await fetch(`${dev.url}/_control/api/stream?topics=logs,traces`, { signal: abort.signal });
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', 'text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // Every request is recorded while the stream is open: five to the same path, each a trace.
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await send(`${dev.url}/health`));
    const reqIds = sent.map((s) => s.headers['x-request-id'] as string);
    const traceIds = sent.map((s) => (s.headers.traceparent as string | undefined)?.split('-')[1]);
    assert.ok(traceIds.every(Boolean), 'every request traced while a client watches');
    const events = () => text.split('\n\n').filter((block) => block.includes('data: ')).map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      id: /^id: (.*)$/m.exec(block)?.[1],
      data: JSON.parse(block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as Record<string, unknown>,
    }));
    const done = () => reqIds.every((id) => events().some((e) => e.event === 'log' && e.data.reqId === id)) && traceIds.every((id) => events().some((e) => e.event === 'trace' && e.data.traceId === id));
    while (!done()) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.ok(done(), text);
    const logEvents = events().filter((e) => e.event === 'log');
    const last = logEvents.at(-1)!;
    assert.is(Number(last.id), last.data.seq);
    abort.abort();

    // A reconnect after the third line gets the lines after it first.
    const third = logEvents[2]!;
    const resumed = new AbortController();
    const again = await fetch(`${dev.url}/_control/api/stream?topics=logs`, { headers: { 'last-event-id': third.id! }, signal: resumed.signal });
    const r2 = again.body!.getReader();
    let text2 = '';
    while (!text2.includes(`id: ${last.id}\n`)) {
      const { done: ended, value } = await r2.read();
      if (ended) break;
      text2 += decoder.decode(value, { stream: true });
    }
    const firstId = /^id: (.*)$/m.exec(text2)?.[1];
    assert.is(Number(firstId), Number(third.id) + 1);
    resumed.abort();
  } finally {
    abort.abort();
    await dev.stop();
    removeDir(dir);
  }
});


async function getJson<T>(url: string): Promise<T> {
  const res = await send(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as T;
}

test.run();
