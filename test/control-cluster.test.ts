// `gati start --workers 2` with the panel on: the worker a panel request lands on gathers every
// worker's data through the primary (cluster IPC), so the overview lists the primary and both
// workers, and the logs, traces and metrics hold the requests whichever worker served them; a hot
// swap made on one worker is made on its sibling too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { send } from './helpers/send.js';
import { GATI_BIN, builtFixtureCopy, gatiSync, removeDir, runServer } from './helpers/server.js';
import type { LogList, MetricsSummary, ModuleStatus, Overview, SwapResult, TraceSummary } from '../runtime-shim/control/api-types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { askSocket } from './helpers/module-swap.js';
import { until as pollUntil } from './helpers/until.js';
/** Polls `fn` until it is truthy: every 200 ms, for 30 000 ms unless told. */
const until = <T>(fn: () => T | Promise<T>, timeoutMs = 30_000) => pollUntil(fn, timeoutMs, 200);



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
    const session = (await confirmed.clone().json()) as { csrf: string };
    const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
    const api = async <T>(path: string): Promise<T> => {
      const res = await send(`${base}/_control/api/${path}`, 'GET', undefined, { cookie });
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

    // A hot swap from the panel reaches one worker, which carries it to its sibling (their control
    // sockets): both serve the new file, as `gati modules swap` would have it.
    writeFileSync(join(dir, 'ledger-swapped.mjs'), 'export async function listPayments() { return { items: [], total: 0 }; }\nexport function getPayment() { return undefined; }\n');
    const swapped = await fetch(`${base}/_control/api/modules/ledger/swap`, { method: 'POST', headers: { ...json, cookie, 'x-gati-control-csrf': session.csrf }, body: JSON.stringify({ to: './ledger-swapped.mjs' }) });
    const result = (await swapped.json()) as SwapResult;
    assert.is(swapped.status, 200, JSON.stringify(result));
    const workers = overview.instances.filter((i) => i.role !== 'primary').map((i) => i.pid).sort();
    assert.equal(result.processes?.map((p) => p.pid).sort(), workers);
    assert.ok(result.processes!.every((p) => p.ok), JSON.stringify(result.processes));
    for (const pid of workers) {
      const listed = await askSocket(dir, pid, 'GET', '/modules');
      const ledger = (listed.body.items as ModuleStatus[]).find((m) => m.name === 'ledger')!;
      assert.equal({ kind: ledger.kind, source: ledger.source, swaps: ledger.swaps }, { kind: 'worker', source: join(dir, 'ledger-swapped.mjs'), swaps: 1 }, `process ${pid}`);
    }
  } finally {
    await server.stop();
    removeDir(dir);
  }
});

test.run();
