// Prometheus metrics on a real server: the payments fixture built and served by `gati start`, real
// requests (a matched route, a 404 on a route and off every route, a POST that enqueues the
// capturePayment effect), then a scrape of the admin port parsed by a Prometheus text parser.
// Also: `--workers 2` (the primary serves the workers' sum), `gati dev` (/_metrics on the app
// port), the admin port turned off, and Debian's Prometheus scraping the admin port when installed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { send } from './helpers/send.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { waitFor } from './helpers/effects.js';
import { freePort, startEmulator, stopEmulator, type EmulatorProcess } from './helpers/emulator-process.js';
import { parseMetricsPage, type MetricsPage } from './helpers/prometheus-text.js';
import { openSocketAt } from './helpers/ws-client.js';

const metrics = suite('metrics');
let dir: string;

metrics.before(() => {
  dir = copyFixture('payments');
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
});
metrics.after(() => removeDir(dir));


async function scrape(url: string): Promise<MetricsPage> {
  const res = await fetch(url);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetricsPage(await res.text());
}

const metricsUrlOf = (server: RunningApp) => String(server.logs.find((l) => l.msg === 'listening')?.metrics);

const NEW_PAYMENT = { amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com', method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }] };

const duration = 'http_server_request_duration_seconds';

metrics('gati start: every contract metric on the admin port, by route template, never on the public port', async () => {
  const server = await runServer([GATI_BIN, 'start', dir], dir);
  try {
    const admin = metricsUrlOf(server);
    assert.match(admin, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'the listening line names the admin port');
    assert.is.not(new URL(admin).port, new URL(server.url).port);
    for (let i = 0; i < 3; i++) assert.is((await send(`${server.url}/health`)).status, 200);
    assert.is((await send(`${server.url}/payments/pay_nothere`)).status, 404);
    assert.is((await send(`${server.url}/no/such/route/4711`)).status, 404);
    assert.is((await send(`${server.url}/no/such/route/4712`, 'DELETE')).status, 404);
    const created = await send(`${server.url}/payments`, 'POST', NEW_PAYMENT);
    assert.is(created.status, 201, created.text);
    const { id } = JSON.parse(created.text) as { id: string };
    assert.is((await send(`${server.url}/payments/${id}/capture`, 'POST', { amount: 2500, currency: 'USD' })).status, 202);
    assert.is((await send(`${server.url}/metrics`)).status, 404, 'the public port does not serve /metrics');

    // The effect runs in the server's own workers; its counter moves once the job has run.
    const page = await waitFor(async () => {
      const p = await scrape(admin);
      return p.value('gati_effect_jobs_total', { effect: 'capturePayment', outcome: 'completed' }) === 1 ? p : undefined;
    }, 15_000, 'the capturePayment job counted');

    assert.is(page.types.get(duration), 'HISTOGRAM');
    assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '/health', http_response_status_code: '200' }), 3);
    assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '/payments/:id', http_response_status_code: '404' }), 1);
    assert.is(page.value(`${duration}_count`, { http_request_method: 'POST', http_route: '/payments', http_response_status_code: '201' }), 1);
    assert.is(page.value(`${duration}_count`, { http_request_method: 'POST', http_route: '/payments/:id/capture', http_response_status_code: '202' }), 1);
    assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '_unmatched', http_response_status_code: '404' }), 2, 'the two GET 404s off every route (one is the public /metrics)');
    assert.is(page.value(`${duration}_count`, { http_request_method: 'DELETE', http_route: '_unmatched', http_response_status_code: '404' }), 1);
    const routes = new Set(page.find(`${duration}_count`).map((s) => s.labels.http_route));
    for (const route of routes) assert.ok(route === '_unmatched' || route!.startsWith('/') && !/4711|4712|pay_/.test(route!), `no raw path as a label: ${route}`);
    // The buckets: cumulative, ending at +Inf with the count.
    const buckets = page.find(`${duration}_bucket`, { http_route: '/health', http_response_status_code: '200' });
    assert.equal(buckets.map((b) => b.labels.le), ['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1', '2.5', '5', '7.5', '10', '+Inf']);
    assert.is(buckets.at(-1)!.value, 3);
    assert.ok(page.value(`${duration}_sum`, { http_route: '/health', http_request_method: 'GET', http_response_status_code: '200' })! > 0);

    assert.is(page.types.get('http_server_active_requests'), 'GAUGE');
    assert.is(page.value('http_server_active_requests'), 0, 'no app request is in flight during the scrape');
    assert.is(page.types.get('gati_effect_jobs_total'), 'COUNTER');
    assert.is(page.value('gati_effect_jobs_total', { effect: 'capturePayment', outcome: 'failed' }), 0);
    assert.is(page.value('gati_effect_jobs_total', { effect: 'capturePayment', outcome: 'dead' }), 0);
    assert.is(page.value('gati_effect_job_duration_seconds_count', { effect: 'capturePayment' }), 1);
    assert.is(page.types.get('gati_effect_queue_depth'), 'GAUGE');
    assert.is(page.value('gati_effect_queue_depth', { effect: 'capturePayment', state: 'queued' }), 0, 'the job left the queue');
    assert.is(page.value('gati_effect_queue_depth', { effect: 'capturePayment', state: 'dead' }), 0);
    assert.is(page.types.get('gati_ws_connections'), 'GAUGE');
    assert.is(page.types.get('gati_ws_messages_total'), 'COUNTER');
    // prom-client's process and Node.js defaults.
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      assert.ok(page.types.has(name), `${name} is exported`);
    }
    assert.not.ok(page.types.has('nodejs_gc_duration_seconds'), 'GC durations are off unless GATI_GC_METRICS=1 (they cost every collection)');
    assert.is((await fetch(admin.replace('/metrics', '/other'))).status, 404, 'the admin port serves only /metrics');
  } finally {
    await server.stop();
  }
});

metrics('gati start --workers 2: the primary serves the sum of both workers', async () => {
  const server = await runServer([GATI_BIN, 'start', dir, '--workers', '2'], dir);
  try {
    const line = await waitFor(() => server.logs.find((l) => l.msg === 'metrics'), 15_000, "the primary's metrics line");
    await waitFor(() => server.logs.filter((l) => l.msg === 'listening').length === 2 || undefined, 15_000, 'both workers listening');
    const admin = String(line.metrics);
    assert.ok(server.logs.filter((l) => l.msg === 'listening').every((l) => l.metrics === undefined), 'workers open no admin port');
    // New connections go round-robin to the workers (node:cluster's default on Linux).
    const sent = 40;
    for (let i = 0; i < sent; i++) assert.is((await send(`${server.url}/health`)).status, 200);
    const page = await scrape(admin);
    assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '/health', http_response_status_code: '200' }), sent);
    // Both workers read the same queue: the depth is one reading, not doubled.
    assert.is(page.value('gati_effect_queue_depth', { effect: 'capturePayment', state: 'queued' }), 0);
  } finally {
    await server.stop();
  }
});

metrics('gati start --admin-port off: no admin port, no metrics line', async () => {
  const server = await runServer([GATI_BIN, 'start', dir, '--admin-port', 'off'], dir);
  try {
    assert.is(server.logs.find((l) => l.msg === 'listening')?.metrics, undefined);
    assert.is((await send(`${server.url}/health`)).status, 200);
  } finally {
    await server.stop();
  }
});

metrics('gati start: a taken admin port is an error line, and the app still serves', async () => {
  const first = await runServer([GATI_BIN, 'start', dir], dir);
  try {
    const taken = new URL(metricsUrlOf(first)).port;
    const second = await runServer([GATI_BIN, 'start', dir], dir, { ADMIN_PORT: taken });
    try {
      assert.is((await send(`${second.url}/health`)).status, 200);
      assert.ok(second.logs.some((l) => l.level === 'error' && /admin port .* already in use/.test(String(l.msg))), second.output());
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
  }
});

for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
  metrics(`[${engine.name}] the served bundle exports the metrics on the admin port`, async () => {
    const server = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    try {
      assert.is((await send(`${server.url}/health`)).status, 200);
      const page = await scrape(metricsUrlOf(server));
      assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '/health', http_response_status_code: '200' }), 1);
      assert.ok(page.types.has('gati_effect_queue_depth'));
      assert.ok(page.types.has('process_cpu_user_seconds_total'), 'prom-client\'s defaults');
    } finally {
      await server.stop();
    }
  });
}

metrics('gati start: WebSocket connections and messages, by WS route template', async () => {
  const wsDir = copyFixture('ws-chat');
  try {
    const built = gatiSync(['build', wsDir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    const server = await runServer([GATI_BIN, 'start', wsDir], wsDir);
    try {
      const admin = metricsUrlOf(server);
      const base = server.url.replace('http', 'ws');
      const ann = await openSocketAt(`${base}/rooms/r1?name=ann`);
      const bob = await openSocketAt(`${base}/rooms/r1?name=bob`);
      assert.equal(await ann.next(), { type: 'joined', who: 'bob' });
      bob.send({ type: 'say', text: 'hi' });
      assert.is((await bob.next()).type, 'said');
      const route = { http_route: '/rooms/:room' };
      const page = await waitFor(async () => {
        const p = await scrape(admin);
        return p.value('gati_ws_messages_total', { ...route, direction: 'out' })! >= 3 ? p : undefined;
      }, 10_000, 'the messages sent counted');
      assert.is(page.value('gati_ws_connections', route), 2);
      assert.is(page.value('gati_ws_messages_total', { ...route, direction: 'in' }), 1, "bob's one message");
      // Sent: ann heard bob join, and both heard him say hi.
      assert.is(page.value('gati_ws_messages_total', { ...route, direction: 'out' }), 3);
      ann.ws.close();
      await ann.closed;
      await waitFor(async () => (await scrape(admin)).value('gati_ws_connections', route) === 1 || undefined, 10_000, 'one connection left');
      bob.ws.close();
    } finally {
      await server.stop();
    }
  } finally {
    removeDir(wsDir);
  }
});

/** Debian's Prometheus (`apt-get install prometheus`; .ci/run installs it), or undefined with the reason printed. */
function prometheusBinary(): string | undefined {
  const found = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return 'prometheus';
  console.log('  skipped: Prometheus scraping the admin port (no `prometheus` binary on the PATH; apt-get install prometheus)');
  return undefined;
}

metrics('Prometheus itself scrapes the admin port: the target is up and its series are queryable', async () => {
  const binary = prometheusBinary();
  if (!binary) return;
  const server = await runServer([GATI_BIN, 'start', dir], dir);
  let prometheus: EmulatorProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'gati-prometheus-'));
  try {
    assert.is((await send(`${server.url}/health`)).status, 200);
    const target = new URL(metricsUrlOf(server)).host;
    writeFileSync(join(work, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: gati\n    static_configs:\n      - targets: ['${target}']\n`);
    const port = await freePort();
    prometheus = await startEmulator(binary, [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], /Server is ready to receive web requests/, 15_000);
    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    const up = await waitFor(async () => (await query('up{job="gati"}')).find((r) => r.value[1] === '1'), 15_000, 'Prometheus to scrape the admin port');
    assert.is(up.metric.instance, target);
    const health = await query('http_server_request_duration_seconds_count{http_route="/health"}');
    assert.is(health[0]?.value[1], '1', 'Prometheus parsed the histogram with its labels');
  } finally {
    await stopEmulator(prometheus);
    await server.stop();
    removeDir(work);
  }
});

// Last: `gati dev` rebuilds dist/ in its own form.
metrics('gati dev: /_metrics on the app port', async () => {
  const server = await runServer([GATI_BIN, 'dev', dir], dir);
  try {
    assert.is((await send(`${server.url}/health`)).status, 200);
    assert.is((await send(`${server.url}/health`)).status, 200);
    const res = await fetch(`${server.url}/_metrics`);
    assert.is(res.status, 200);
    const page = parseMetricsPage(await res.text());
    assert.is(page.value(`${duration}_count`, { http_request_method: 'GET', http_route: '/health', http_response_status_code: '200' }), 2);
    assert.ok(page.types.has('gati_effect_queue_depth'));
  } finally {
    await server.stop();
  }
});

metrics.run();
