// The control panel's other sources: logs from Loki (`control.loki.url`) and metrics from Prometheus
// (`control.prometheus.url`), under `gati dev` on the payments fixture, against node:http stand-ins
// that speak their query APIs, and against Debian's real Prometheus scraping the app when installed.
// Also the stream's polled tail (what Loki and a cluster use), driven directly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';
import { freePort, startEmulator, stopEmulator, type EmulatorProcess } from './helpers/emulator-process.js';
import { telemetryStream } from '../runtime-shim/control/telemetry/stream.js';
import type { LogLine, LogList, MetricsSummary } from '../runtime-shim/control/api-types.js';
import { until as pollUntil } from './helpers/until.js';
/** Polls `fn` until it is truthy: every 100 ms, for 15 000 ms unless told. */
const until = <T>(fn: () => T | Promise<T>, timeoutMs = 15_000) => pollUntil(fn, timeoutMs, 100);


/** A node:http server on a free loopback port answering with `answer`; `seen` holds each request's URL. */
async function standIn(answer: (url: URL) => unknown): Promise<{ url: string; seen: URL[]; close(): Promise<void> }> {
  const seen: URL[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, 'http://stand-in');
    seen.push(url);
    const body = answer(url);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { status: 'error', error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** The fixture's config with a `control` block added. */
function withControl(dir: string, control: string): void {
  const file = join(dir, 'gati.config.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace("name: 'payments',", `name: 'payments',\n  control: ${control},`));
}

const NS = 1_000_000n;

test('logs from Loki, metrics from Prometheus (stand-ins speaking their APIs); ?source=local for the process', async () => {
  const t0 = BigInt(Date.now() - 5_000) * NS;
  const loki = await standIn((url) => {
    if (url.pathname !== '/loki/api/v1/query_range') return undefined;
    return {
      status: 'success',
      data: {
        resultType: 'streams',
        result: [
          { stream: { app: 'payments', pod: 'a' }, values: [[String(t0 + 2n * NS), '{"level":"error","time":2,"msg":"card declined","reqId":"r2"}'], [String(t0), '{"level":"info","time":1,"msg":"request","reqId":"r1"}']] },
          { stream: { app: 'payments', pod: 'b' }, values: [[String(t0 + NS), 'a plain text line']] },
        ],
      },
    };
  });
  const prometheus = await standIn((url) => {
    if (url.pathname !== '/api/v1/query') return undefined;
    const q = url.searchParams.get('query')!;
    const series = (value: string, metric: Record<string, string> = { http_request_method: 'GET', http_route: '/health' }) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric, value: [Date.now() / 1000, value] }] } });
    if (q.startsWith('sum by (http_request_method, http_route) (increase(')) return series('120');
    if (q.includes('http_response_status_code=~"5.."')) return series('0.5');
    if (q.startsWith('sum by (http_request_method, http_route) (rate(')) return series('2');
    if (q.startsWith('histogram_quantile(0.5,')) return series('0.004');
    if (q.startsWith('histogram_quantile(0.95,')) return series('0.02');
    if (q.startsWith('histogram_quantile(0.99,')) return series('NaN');
    if (q.startsWith('sum(http_server_active_requests')) return series('3', {});
    if (q.startsWith('max by (effect, state) (gati_effect_queue_depth')) return series('7', { effect: 'capturePayment', state: 'queued' });
    if (q.startsWith('sum by (effect, outcome)')) return series('1.5', { effect: 'capturePayment', outcome: 'completed' });
    return { status: 'success', data: { resultType: 'vector', result: [] } };
  });
  const dir = copyFixture('payments');
  withControl(dir, `{ loki: { url: '${loki.url}' }, prometheus: { url: '${prometheus.url}/', selector: 'job="gati"' } }`);
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'info' });
  try {
    const logs = (await (await fetch(`${dev.url}/_control/api/logs?q=declined&level=warn&limit=50`)).json()) as LogList;
    assert.is(logs.source, 'loki');
    assert.equal(logs.items.map((l) => l.msg), ['request', 'a plain text line', 'card declined'], 'oldest first, across streams');
    assert.equal(logs.items.map((l) => l.seq), [0n, 1n, 2n].map((n) => Number((t0 + n * NS) / 1000n)), 'seq: the Loki timestamp in microseconds');
    assert.is(logs.items[2]!.level, 'error');
    const asked = loki.seen.at(-1)!.searchParams;
    assert.is(asked.get('query'), '{app="payments"} |= "declined" |~ "\\"level\\":\\"(warn|error)\\""');
    assert.is(asked.get('limit'), '50');
    assert.is(asked.get('direction'), 'backward');

    const metrics = (await (await fetch(`${dev.url}/_control/api/metrics?windowS=120`)).json()) as MetricsSummary;
    assert.is(metrics.source, 'prometheus');
    assert.is(metrics.windowS, 120);
    assert.equal(metrics.routes, [{ method: 'GET', route: '/health', rate: 2, errorRate: 0.25, p50Ms: 4, p95Ms: 20, p99Ms: 0, count: 120 }]);
    assert.is(metrics.activeRequests, 3);
    assert.equal(metrics.effects, [{ effect: 'capturePayment', queued: 7, running: 0, dead: 0, completedPerS: 1.5, failedPerS: 0 }]);
    const promql = prometheus.seen.map((u) => u.searchParams.get('query')!);
    assert.ok(promql.every((q) => !q.includes('http_server_request_duration_seconds') || q.includes('job="gati"')), 'the selector narrows every query');
    assert.ok(promql.some((q) => q.includes('[120s]')));

    // The process's own data on request.
    assert.is(((await (await fetch(`${dev.url}/_control/api/logs?source=local`)).json()) as LogList).source, 'local');
    assert.is(((await (await fetch(`${dev.url}/_control/api/metrics?source=local`)).json()) as MetricsSummary).source, 'local');
  } finally {
    await dev.stop();
    await loki.close();
    await prometheus.close();
    removeDir(dir);
  }
});

test('the polled tail (Loki, a cluster): starts at the newest line, then sends each later line once, in order', async () => {
  const lines: LogLine[] = [];
  const add = (seq: number) => lines.push({ seq, time: seq, level: 'info', msg: `m${seq}`, fields: {} });
  add(10);
  const asked: (number | undefined)[] = [];
  const events: string[] = [];
  const stop = telemetryStream(new Set(['logs']), {
    logsAfter: async (after) => (asked.push(after), lines.filter((l) => after === undefined || l.seq > after)),
    metrics: async () => { throw new Error('not asked'); },
  }, undefined).start((e) => events.push(e.id!));
  try {
    add(11);
    add(12);
    await until(() => events.length >= 2);
    add(13);
    await until(() => events.length >= 3);
    assert.equal(events, ['11', '12', '13']);
    assert.is(asked[0], undefined, 'first: where the tail is now');
  } finally {
    stop();
  }
});

test('Prometheus itself: scraping gati dev, the panel reads rates and percentiles from it', async () => {
  if (spawnSync('prometheus', ['--version']).status !== 0) {
    console.log('  skipped: no `prometheus` binary on the PATH (apt-get install prometheus)');
    return;
  }
  const appPort = await freePort();
  const promPort = await freePort();
  const work = mkdtempSync(join(tmpdir(), 'gati-control-prometheus-'));
  writeFileSync(join(work, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: gati\n    metrics_path: /_metrics\n    static_configs:\n      - targets: ['127.0.0.1:${appPort}']\n`);
  const dir = copyFixture('payments');
  withControl(dir, `{ prometheus: { url: 'http://127.0.0.1:${promPort}', selector: 'job="gati"' } }`);
  let prometheus: EmulatorProcess | undefined;
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { PORT: String(appPort), LOG_LEVEL: 'warn' });
  try {
    prometheus = await startEmulator('prometheus', [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], /Server is ready to receive web requests/, 30_000);
    // Requests while Prometheus scrapes, until a rate over the window shows them.
    const health = await until(async () => {
      for (let i = 0; i < 5; i++) await fetch(`${dev.url}/health`).then((r) => r.arrayBuffer());
      const metrics = (await (await fetch(`${dev.url}/_control/api/metrics?windowS=60`)).json()) as MetricsSummary;
      assert.is(metrics.source, 'prometheus');
      return metrics.routes.find((r) => r.route === '/health' && r.method === 'GET' && r.rate > 0);
    }, 60_000);
    assert.ok(health.count >= 1 && health.p50Ms > 0 && health.p50Ms <= health.p99Ms && health.errorRate === 0, JSON.stringify(health));
  } finally {
    await stopEmulator(prometheus);
    await dev.stop();
    removeDir(dir);
    removeDir(work);
  }
});

test.run();
