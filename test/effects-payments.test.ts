// End to end without the server (which lands on another branch): createEffectsRuntime drives the
// payments fixture's real src/effects/capturePayment.ts (bundled with esbuild) against a fake ledger
// module, the way the server will: a handler enqueues through gctx.effects, a worker runs the job.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createEffectsRuntime, EffectPayloadError, type EffectDefinition } from '../runtime-shim/effects/index.js';
import type { GlobalContext } from '../runtime-shim/types.js';
import { collectingLogger, waitFor, type LogLine } from './helpers/effects.js';
import { fixture } from './helpers/paths.js';

async function loadEffect(dir: string): Promise<{ run: EffectDefinition['run']; retry: EffectDefinition['retry'] }> {
  const out = await build({ entryPoints: [fixture('payments', 'src/effects/capturePayment.ts')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent' });
  const file = join(dir, 'capturePayment.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  return (await import(pathToFileURL(file).href)) as { run: EffectDefinition['run']; retry: EffectDefinition['retry'] };
}

/** What the validators emitter will produce for `{ id: string }`. */
const validateCapture = (p: unknown) =>
  typeof p !== 'object' || p === null || Array.isArray(p)
    ? { ok: false as const, errors: [{ path: '', message: 'must be object' }] }
    : typeof (p as { id?: unknown }).id !== 'string'
      ? { ok: false as const, errors: [{ path: '/id', message: 'must be string' }] }
      : { ok: true as const };

test('capturePayment: enqueued by a handler, retried after a ledger outage, settled once; a missing payment completes without retries', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gati-payments-effects-'));
  const lines: LogLine[] = [];
  const log = collectingLogger(lines);
  const settleCalls: string[] = [];
  const ledger = {
    async settle(id: string) {
      settleCalls.push(id);
      if (id === 'gone') return null;
      if (settleCalls.filter((c) => c === id).length === 1) throw new Error('ledger unavailable');
      return { id, status: 'captured', capturedAmount: 500 };
    },
  };
  try {
    const effect = await loadEffect(root);
    assert.equal(effect.retry, { attempts: 5, backoff: 'exponential', delayMs: 500 });
    const runtime = await createEffectsRuntime({ definitions: [{ name: 'capturePayment', run: effect.run, retry: effect.retry, validate: validateCapture }], config: { backend: 'sqlite', concurrency: 4 }, root, log });
    const gctx = { modules: { ledger }, effects: runtime.effects, config: {}, log } as unknown as GlobalContext;
    try {
      // The capture handler's call, as in fixtures/payments/src/handlers/payments/capture.ts.
      const id = await gctx.effects.enqueue('capturePayment' as never, { id: 'pay_1' } as never);
      const gone = await gctx.effects.enqueue('capturePayment' as never, { id: 'gone' } as never);
      try {
        await gctx.effects.enqueue('capturePayment' as never, { id: 7 } as never);
        assert.unreachable();
      } catch (error) {
        assert.instance(error, EffectPayloadError);
      }
      runtime.startWorkers(gctx);
      await waitFor(async () => (await runtime.backend.get(id))?.status === 'completed', 10_000, 'the capture to complete');
      await waitFor(async () => (await runtime.backend.get(gone))?.status === 'completed', 10_000);
      const job = await runtime.backend.get(id);
      assert.is(job?.attempt, 2, 'one retry after the outage');
      assert.match(job?.lastError ?? '', 'ledger unavailable');
      assert.equal(settleCalls.sort(), ['gone', 'pay_1', 'pay_1']);
      const settled = lines.find((l) => l.msg === 'capture settled');
      assert.ok(settled, JSON.stringify(lines));
      assert.is(settled!['paymentId'], 'pay_1');
      assert.is(settled!['jobId'], id);
      assert.is(settled!['status'], 'captured');
      assert.ok(lines.some((l) => l.msg === 'payment no longer exists; capture dropped' && l['paymentId'] === 'gone'));
      const m = runtime.metrics();
      assert.is(m['capturePayment.enqueued'], 2);
      assert.is(m['capturePayment.completed'], 2);
      assert.is(m['capturePayment.failed'], 1);
      assert.equal(await runtime.backend.counts(), { capturePayment: { completed: 2 } });
    } finally {
      await runtime.stop(2000);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
