// Tracing end to end on the payments fixture served by `gati start`: its spans exported over real
// OTLP/HTTP (protobuf and JSON) to a collector stand-in (helpers/otlp-collector.ts), checked as a
// tree; an incoming traceparent continued; the effect's run in the trace of the request that
// enqueued it; the trace ids on the log lines; the collector down; and, with no endpoint, no
// OpenTelemetry module loaded at all.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { startCollector, type CollectedSpan, type Collector } from './helpers/otlp-collector.js';

const tracing = suite('tracing');
let dir: string;
let collector: Collector;

// Loaded into the server process (NODE_OPTIONS=--require): at exit, one line saying how many
// OpenTelemetry modules other than the API the process loaded (the runtime loads its dependencies with
// require(); Gati records spans itself, so none, tracing on or off) and whether a tracer provider was
// registered with the API when the server was asked to stop (tracing on: Gati's recorder).
// The API package alone does not count: prom-client (metrics, on by default) requires it for its
// exemplars, and it does nothing without a provider behind it.
const PROBE = join(tmpdir(), `gati-otel-probe-${process.pid}.cjs`);
writeFileSync(PROBE, `const provider = () => Boolean(globalThis[Symbol.for('opentelemetry.js.api.1')]?.trace);
let atStop;
process.once('SIGTERM', () => (atStop = provider()));
process.on('exit', () => {
  const n = Object.keys(require.cache).filter((f) => f.includes('@opentelemetry') && !/@opentelemetry[\\/\\\\]api[\\/\\\\]/.test(f)).length;
  require('node:fs').writeSync(2, JSON.stringify({ msg: 'otel-probe', loaded: n, provider: atStop ?? provider() }) + '\\n');
});
`);

const NEW_PAYMENT = {
  amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com',
  method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }],
};

// OTLP's span kinds.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

tracing.before(async () => {
  dir = copyFixture('payments');
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  collector = await startCollector();
});

tracing.after(async () => {
  await collector.close();
  removeDir(dir);
});

/** `gati start` on the payments app, exporting to `endpoint` (the collector unless given), batches every 50 ms. */
function start(env: Record<string, string> = {}): Promise<RunningApp> {
  return runServer([GATI_BIN, 'start', dir], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50', NODE_OPTIONS: `--require ${PROBE}`, ...env });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function createAndCapture(app: RunningApp, headers: Record<string, string> = {}): Promise<{ created: Response; captured: Response }> {
  const created = await post(`${app.url}/payments`, NEW_PAYMENT);
  const { id } = (await created.json()) as { id: string };
  const captured = await post(`${app.url}/payments/${id}/capture`, { amount: 2500, currency: 'USD' }, headers);
  await captured.text();
  return { created, captured };
}

const one = (spans: CollectedSpan[], match: (s: CollectedSpan) => boolean, what: string): CollectedSpan => {
  const found = spans.filter(match);
  assert.is(found.length, 1, `one ${what}, got ${found.length}`);
  return found[0]!;
};

/** The probe's lines (one per process started with it: `gati start` and the server it runs), as [SDK modules loaded, a provider registered]. */
const probesOf = (app: RunningApp) => app.logs.filter((l) => l.msg === 'otel-probe').map((l) => [l.loaded, l.provider] as [number, boolean]);

tracing('a request is a server span with middleware, handler, module and enqueue children; the effect run joins its trace; log lines carry the ids', async () => {
  const app = await start();
  try {
    const { captured } = await createAndCapture(app);
    assert.is(captured.status, 202);
    const out = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(captured.headers.get('traceparent') ?? '');
    assert.ok(out, `the answer carries a traceparent: ${captured.headers.get('traceparent')}`);
    const [, traceId, serverSpanId] = out!;
    const spans = await collector.waitFor((all) => all.some((s) => s.traceId === traceId && s.name === 'ledger.settle'));
    const trace = spans.filter((s) => s.traceId === traceId);
    const server = one(trace, (s) => s.kind === SERVER, 'server span');
    assert.is(server.spanId, serverSpanId, 'the traceparent answered names the server span');
    assert.is(server.name, 'POST /payments/:id/capture');
    assert.is(server.parentSpanId, '', 'a new trace: the server span is its root');
    assert.is(server.service, 'payments', 'service.name defaults to the app name');
    assert.equal(
      { method: server.attributes['http.request.method'], route: server.attributes['http.route'], status: server.attributes['http.response.status_code'], path: String(server.attributes['url.path']).replace(/pay_\d+/, 'pay_N') },
      { method: 'POST', route: '/payments/:id/capture', status: 202, path: '/payments/pay_N/capture' },
    );
    const middleware = one(trace, (s) => s.name === 'middleware audit', 'middleware span');
    assert.is(middleware.parentSpanId, server.spanId);
    const handler = one(trace, (s) => s.name === 'handler POST /payments/:id/capture', 'handler span');
    assert.is(handler.parentSpanId, middleware.spanId, 'the handler runs inside the middleware');
    const reserve = one(trace, (s) => s.name === 'ledger.reserve', 'module call span');
    assert.is(reserve.parentSpanId, handler.spanId, 'gctx.modules.ledger.reserve is the handler\'s child');
    const enqueue = one(trace, (s) => s.name === 'enqueue capturePayment', 'enqueue span');
    assert.equal([enqueue.kind, enqueue.parentSpanId], [PRODUCER, handler.spanId]);
    const run = one(trace, (s) => s.name === 'effect capturePayment', 'effect run span');
    assert.equal([run.kind, run.parentSpanId], [CONSUMER, enqueue.spanId], 'the run is a child of the enqueue, in the same trace');
    const settle = one(trace, (s) => s.name === 'ledger.settle', 'module call in the effect');
    assert.is(settle.parentSpanId, run.spanId);
    assert.ok(collector.contentTypes.every((t) => t === 'application/x-protobuf'), `http/protobuf is the default: ${collector.contentTypes}`);

    await new Promise((r) => setTimeout(r, 100));
    const logged = (msg: string) => app.logs.filter((l) => l.msg === msg && l.trace_id === traceId);
    assert.is(logged('request').length, 1, 'the request line carries the trace id');
    assert.is(logged('request')[0]!.span_id, server.spanId);
    assert.is(logged('payment route done')[0]?.span_id, middleware.spanId, 'an lctx.log line inside the middleware carries its span');
    assert.is(logged('capture settled').length, 1, 'the effect\'s log line carries the request\'s trace id');
    assert.is(logged('capture settled')[0]!.span_id, run.spanId);
  } finally {
    await app.stop();
  }
  const probes = probesOf(app);
  assert.ok(probes.length > 0 && probes.some(([, provider]) => provider), `tracing on: a tracer provider (Gati's recorder) registered: ${JSON.stringify(probes)}`);
  assert.ok(probes.every(([loaded]) => loaded === 0), `tracing on: no OpenTelemetry SDK module loaded (Gati records spans itself): ${JSON.stringify(probes)}`);
});

tracing('an incoming traceparent is continued: same trace id, the given span as parent; tracestate kept', async () => {
  const app = await start();
  try {
    const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await fetch(`${app.url}/health`, { headers: { traceparent: given, tracestate: 'vendor=abc' } });
    assert.is(res.status, 200);
    assert.match(res.headers.get('traceparent') ?? '', /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    const spans = await collector.waitFor((all) => all.some((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736'));
    const server = one(spans, (s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736' && s.kind === SERVER, 'server span');
    assert.is(server.parentSpanId, '00f067aa0ba902b7');
    assert.is(server.name, 'GET /health');
    // A malformed one starts a new trace.
    const fresh = await fetch(`${app.url}/health`, { headers: { traceparent: '00-xyz-00f067aa0ba902b7-01' } });
    assert.not.match(fresh.headers.get('traceparent') ?? '', /4bf92f3577b34da6a3ce929d0e0e4736/);
    assert.match(fresh.headers.get('traceparent') ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  } finally {
    await app.stop();
  }
});

tracing('OTEL_EXPORTER_OTLP_PROTOCOL=http/json exports JSON; OTEL_SERVICE_NAME names the service; a 5xx is an error span', async () => {
  const app = await start({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'payments-json' });
  try {
    const res = await fetch(`${app.url}/payments/pay_nothere`);
    assert.is(res.status, 404);
    const traceId = res.headers.get('traceparent')!.split('-')[1]!;
    const spans = await collector.waitFor((all) => all.some((s) => s.traceId === traceId && s.kind === SERVER));
    const server = one(spans, (s) => s.traceId === traceId && s.kind === SERVER, 'server span');
    assert.is(server.service, 'payments-json');
    assert.is(server.name, 'GET /payments/:id');
    assert.is(server.attributes['http.response.status_code'], 404);
    assert.is(server.statusCode, 0, 'a 4xx leaves the server span unset');
    assert.ok(collector.contentTypes.includes('application/json'), `${collector.contentTypes}`);
  } finally {
    await app.stop();
  }
});

tracing('OTEL_TRACES_SAMPLER=always_off: nothing exported, yet the ids propagate and log', async () => {
  const app = await start({ OTEL_TRACES_SAMPLER: 'always_off' });
  try {
    const res = await fetch(`${app.url}/health`);
    const tp = res.headers.get('traceparent') ?? '';
    assert.match(tp, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, 'unsampled: flags 00');
    await new Promise((r) => setTimeout(r, 300));
    assert.not.ok(collector.spans.some((s) => s.traceId === tp.split('-')[1]), 'no span of an unsampled trace is exported');
  } finally {
    await app.stop();
  }
});

tracing('the collector down: requests still answer, one warning names the failure', async () => {
  const down = await startCollector();
  const url = down.url;
  await down.close();
  const app = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer very-secret-token' });
  try {
    for (let i = 0; i < 20; i++) assert.is((await fetch(`${app.url}/health`)).status, 200);
    const { created, captured } = await createAndCapture(app);
    assert.equal([created.status, captured.status], [201, 202]);
    const until = Date.now() + 10_000;
    while (!app.logs.some((l) => l.msg?.toString().startsWith('tracing: exporting spans failed')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const warnings = app.logs.filter((l) => String(l.msg).startsWith('tracing: exporting spans failed'));
    assert.is(warnings.length, 1, 'one warning (rate-limited)');
    assert.is(warnings[0]!.level, 'warn');
    assert.not.ok(app.output().includes('very-secret-token'), 'the exporter headers are never logged');
  } finally {
    await app.stop();
  }
});

tracing('no endpoint: no OpenTelemetry module is loaded, no traceparent answered, lines carry no trace ids', async () => {
  const app = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
  try {
    const { captured } = await createAndCapture(app);
    assert.is(captured.status, 202);
    assert.is(captured.headers.get('traceparent'), null);
  } finally {
    await app.stop();
  }
  const probes = probesOf(app);
  assert.ok(probes.length > 0 && probes.every(([loaded, provider]) => loaded === 0 && !provider), `no tracer provider, no OpenTelemetry SDK module: ${JSON.stringify(probes)}`);
  assert.not.ok(app.logs.some((l) => 'trace_id' in l));
});

tracing('the generated client sends the traceparent it is given (per call, or asked of a function per call)', async () => {
  const tarball = readdirSync(join(dir, 'sdk')).find((f) => f.endsWith('.tgz'))!;
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', join(dir, 'sdk', tarball), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, stdio: 'ignore' });
  writeFileSync(join(consumer, 'run.mjs'), `
import { createClient } from 'payments-client';
const perCall = createClient({ baseUrl: process.env.BASE_URL });
const a = await perCall.request('GET /health', {}, { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' });
const fromFunction = createClient({ baseUrl: process.env.BASE_URL, traceparent: () => '00-33333333333333333333333333333333-4444444444444444-01' });
const b = await fromFunction.request('GET /health');
console.log(JSON.stringify([a.headers.get('traceparent'), b.headers.get('traceparent')]));
`);
  const app = await start();
  try {
    const answered = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: consumer, env: { ...process.env, BASE_URL: app.url }, encoding: 'utf8' })) as string[];
    assert.match(answered[0]!, /^00-11111111111111111111111111111111-/);
    assert.match(answered[1]!, /^00-33333333333333333333333333333333-/);
    const spans = await collector.waitFor((all) => all.some((s) => s.traceId === '33333333333333333333333333333333'));
    assert.is(one(spans, (s) => s.traceId === '11111111111111111111111111111111' && s.kind === SERVER, 'server span').parentSpanId, '2222222222222222');
    assert.is(one(spans, (s) => s.traceId === '33333333333333333333333333333333' && s.kind === SERVER, 'server span').parentSpanId, '4444444444444444');
  } finally {
    await app.stop();
  }
});

for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
  tracing(`[${engine.name}] the SDK loads and exports the request's spans`, async () => {
    const app = await runServer([...engine.args, 'dist/server.mjs'], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' }, engine.executable);
    try {
      const { captured } = await createAndCapture(app);
      const traceId = captured.headers.get('traceparent')!.split('-')[1]!;
      const spans = await collector.waitFor((all) => all.some((s) => s.traceId === traceId && s.name === 'ledger.settle'));
      const trace = spans.filter((s) => s.traceId === traceId);
      const enqueue = one(trace, (s) => s.name === 'enqueue capturePayment', 'enqueue span');
      assert.is(one(trace, (s) => s.name === 'effect capturePayment', 'effect span').parentSpanId, enqueue.spanId);
      assert.is(one(trace, (s) => s.name === 'ledger.reserve', 'module span').parentSpanId, one(trace, (s) => s.name.startsWith('handler '), 'handler span').spanId);
    } finally {
      await app.stop();
    }
  });
}

// Last: `gati dev` rebuilds dist/ in its own form.
tracing('gati dev: the last requests\' spans are exported when it stops (SIGINT and SIGTERM)', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // A schedule far beyond the test: only the flush at exit can send these spans.
    const app = await runServer([GATI_BIN, 'dev', dir], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '600000' });
    let traceId = '';
    try {
      const res = await fetch(`${app.url}/health`);
      assert.is(res.status, 200);
      traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceparent') ?? '')?.[1] ?? '';
      assert.ok(traceId, `gati dev traces: ${res.headers.get('traceparent')}`);
    } finally {
      assert.is(await app.stop(signal), 0, app.output());
    }
    const spans = await collector.waitFor((all) => all.some((s) => s.traceId === traceId));
    assert.is(one(spans, (s) => s.traceId === traceId && s.kind === SERVER, `server span (${signal})`).name, 'GET /health');
  }
});

tracing.run();
