// The PRD's "logs/metrics coverage 100%" for traces, on the payments fixture served by `gati start`:
// every route of the compiled app (its route list, so a new route without a request here fails)
// produces a server span named by its route template and a request log line with its trace id, and
// every effect enqueued runs in a span of the request's trace; and every route has a sample of the
// request histogram on the admin port, every effect run one of the job histogram.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';
import { startCollector } from './helpers/otlp-collector.js';
import { parseMetricsPage } from './helpers/prometheus-text.js';

const NEW_PAYMENT = {
  amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com',
  method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }],
};

type Call = [method: string, path: string, body?: unknown];

/** One request per route key (`id`: a payment made first). Any answer counts: a 404 is still that route's. */
const CALLS: Record<string, (id: string) => Call> = {
  'GET /accounts/:accountId/balance': () => ['GET', '/accounts/acc_demo/balance'],
  'GET /health': () => ['GET', '/health'],
  'POST /notes': () => ['POST', '/notes', { text: 'a body read after the headers' }],
  'GET /payments': () => ['GET', '/payments?status=pending'],
  'POST /payments': () => ['POST', '/payments', NEW_PAYMENT],
  'GET /payments/:id': (id) => ['GET', `/payments/${id}`],
  'PATCH /payments/:id': (id) => ['PATCH', `/payments/${id}`, { description: 'tea for two' }],
  'POST /payments/:id/capture': (id) => ['POST', `/payments/${id}/capture`, { amount: 2500, currency: 'USD' }],
  'POST /payments/:id/refunds': (id) => ['POST', `/payments/${id}/refunds`, { amount: 100, reason: 'requested_by_customer' }],
  'GET /receipts/*': (id) => ['GET', `/receipts/acc_demo/2026/${id}`],
  'DELETE /payments/:id': (id) => ['DELETE', `/payments/${id}`],
};

test('payments: every route a server span with its template, a request line with its trace id and a histogram sample; every effect run in its request\'s trace', async () => {
  const dir = copyFixture('payments');
  // A route with a body and no middleware (every body route of the fixture has payments/_middleware.ts):
  // its answer comes after the body read, outside the request's async context.
  mkdirSync(join(dir, 'src/handlers/notes'), { recursive: true });
  writeFileSync(join(dir, 'src/handlers/notes/index.post.ts'), `import type { Handler } from 'gati';
export const handler: Handler<{ body: { text: string } }, { 201: { text: string } }> = async (req, res) => {
  res.status = 201;
  return { text: req.body.text };
};
`);
  const collector = await startCollector();
  try {
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    const model = JSON.parse(readFileSync(join(dir, '.gati/model.json'), 'utf8')) as { routes: { key: string; method: string; path: string }[]; effects: { name: string }[] };
    assert.equal(model.routes.map((r) => r.key).sort(), Object.keys(CALLS).sort(), 'a request for every route of the app');
    const app = await runServer([GATI_BIN, 'start', dir], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    const traces = new Map<string, string>();
    try {
      const created = await fetch(`${app.url}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(NEW_PAYMENT) });
      const { id } = (await created.json()) as { id: string };
      // In the order above (the delete last), not the route table's.
      const ordered = Object.keys(CALLS).map((key) => model.routes.find((r) => r.key === key)!);
      for (const route of ordered) {
        const [method, path, body] = CALLS[route.key]!(id);
        const res = await fetch(app.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        await res.arrayBuffer();
        assert.ok(res.status < 500, `${route.key} answered ${res.status}`);
        const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceparent') ?? '')?.[1];
        assert.ok(traceId, `${route.key}: the answer names its trace`);
        traces.set(route.key, traceId!);
      }
      const spans = await collector.waitFor((all) => model.routes.every((r) => all.some((s) => s.traceId === traces.get(r.key) && s.kind === 2))
        && all.filter((s) => s.name.startsWith('enqueue ')).every((e) => all.some((s) => s.parentSpanId === e.spanId && s.name.startsWith('effect '))));
      for (const route of model.routes) {
        const traceId = traces.get(route.key)!;
        const server = spans.find((s) => s.traceId === traceId && s.kind === 2);
        assert.ok(server, `${route.key}: a server span`);
        assert.is(server!.name, `${route.method} ${route.path}`);
        assert.is(server!.attributes['http.route'], route.path);
        assert.ok(app.logs.some((l) => l.msg === 'request' && l.trace_id === traceId && l.span_id === server!.spanId), `${route.key}: a request line with the trace id`);
      }
      const enqueues = spans.filter((s) => s.name.startsWith('enqueue '));
      assert.ok(model.effects.every((e) => enqueues.some((s) => s.name === `enqueue ${e.name}`)), 'every effect of the app was enqueued');
      for (const enqueue of enqueues) {
        const run = spans.find((s) => s.parentSpanId === enqueue.spanId && s.name === `effect ${enqueue.name.slice('enqueue '.length)}`);
        assert.ok(run, `${enqueue.name}: its run is a span`);
        assert.is(run!.traceId, enqueue.traceId, 'in the trace of the request that enqueued it');
        assert.ok([...traces.values()].includes(run!.traceId));
      }
      const admin = String(app.logs.find((l) => l.msg === 'listening')?.metrics);
      const page = parseMetricsPage(await (await fetch(admin)).text());
      for (const route of model.routes) {
        const count = page.find('http_server_request_duration_seconds_count', { http_request_method: route.method, http_route: route.path }).reduce((n, s) => n + s.value, 0);
        assert.ok(count >= 1, `${route.key}: a sample of http_server_request_duration_seconds`);
      }
      for (const effect of model.effects) {
        assert.ok((page.value('gati_effect_job_duration_seconds_count', { effect: effect.name }) ?? 0) >= 1, `${effect.name}: a sample of gati_effect_job_duration_seconds`);
      }
    } finally {
      await app.stop();
    }
  } finally {
    await collector.close();
    removeDir(dir);
  }
});

test.run();
