// `gati start --workers 2` with the panel on: the worker a panel request lands on gathers every
// worker's data through the primary (cluster IPC), so the overview lists the primary and both
// workers, and the logs, traces and metrics hold the requests whichever worker served them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { GATI_BIN, builtFixtureCopy, gatiSync, removeDir, runServer } from './helpers/server.js';
import type { LogList, MetricsSummary, Overview, TraceSummary } from '../runtime-shim/control/api-types.js';
import { until as pollUntil } from './helpers/until.js';
/** Polls `fn` until it is truthy: every 200 ms, for 30 000 ms unless told. */
const until = <T>(fn: () => T | Promise<T>, timeoutMs = 30_000) => pollUntil(fn, timeoutMs, 200);


/** One request on its own connection (so that the workers share them). */
function send(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('--workers 2: the panel on any worker shows every worker', async () => {
  const { dir } = builtFixtureCopy('payments');
  const server = await runServer([GATI_BIN, 'start', '.', '--workers', '2'], dir, { GATI_CONTROL: '1' });
  try {
    const base = server.url;
    // A session: enrolled with TOTP by a one-time link (the panel needs one under gati start).
    const enroll = gatiSync(['control', 'enroll', dir, '--user', 'ops', '--base-url', base]);
    assert.is(enroll.status, 0, enroll.stderr);
    const token = enroll.stdout.trim().split('\n').pop()!.split('#')[1]!;
    const json = { 'content-type': 'application/json' };
    const started = (await (await fetch(`${base}/_control/auth/enroll/totp/start`, { method: 'POST', headers: json, body: JSON.stringify({ token }) })).json()) as { secret: string };
    const { TOTP, Secret } = await import('otpauth');
    const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.secret) }).generate();
    const confirmed = await fetch(`${base}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token, code }) });
    assert.is(confirmed.status, 200);
    const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
    const api = async <T>(path: string): Promise<T> => {
      const res = await send(`${base}/_control/api/${path}`, { cookie });
      assert.is(res.status, 200, res.text);
      return JSON.parse(res.text) as T;
    };

    // Both workers up: the overview lists the primary and two workers (whichever worker answers).
    const overview = await until(async () => {
      const o = await api<Overview>('overview');
      return o.instances.filter((i) => i.role !== 'primary').length === 2 ? o : undefined;
    });
    assert.equal(overview.instances.map((i) => i.role), ['primary', 'all', 'all']);
    assert.is(new Set(overview.instances.map((i) => i.pid)).size, 3);
    assert.is(overview.mode, 'start');
    assert.ok(overview.ready);

    // Requests spread over the workers (one connection each); each to its own path, so each is traced.
    const sent = [];
    for (let i = 0; i < 12; i++) sent.push(await send(`${base}/payments/pay_missing${i}`));
    const reqIds = sent.map((s) => s.headers['x-request-id'] as string);
    const logs = await until(async () => {
      const list = await api<LogList>('logs?route=/payments/:id&limit=1000');
      return reqIds.every((id) => list.items.some((l) => l.reqId === id)) ? list : undefined;
    });
    assert.is(logs.source, 'local');
    const traceIds = sent.map((s) => (s.headers.traceparent as string).split('-')[1]!);
    const traces = await until(async () => {
      const list = await api<{ items: TraceSummary[] }>('traces?status=404&limit=100');
      return traceIds.every((id) => list.items.some((t) => t.traceId === id)) ? list : undefined;
    });
    assert.ok(traces.items.every((t) => t.status === 404));
    // One trace, from whichever worker has it.
    const one = await api<{ traceId: string; spans: unknown[] }>(`traces/${traceIds[0]}`);
    assert.ok(one.spans.length >= 2);
    // The metrics: the sum of both workers' counters.
    const metrics = await until(async () => {
      const m = await api<MetricsSummary>('metrics?windowS=300');
      const route = m.routes.find((r) => r.route === '/payments/:id' && r.method === 'GET');
      return route && route.count === 12 ? m : undefined;
    });
    assert.is(metrics.source, 'local');
  } finally {
    await server.stop();
    removeDir(dir);
  }
});

test.run();
