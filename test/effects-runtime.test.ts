// The runtime the server calls: validation in enqueue, the worker pool, retries with backoff, dead
// jobs, graceful stop, metrics, and the lazy loading of the backend libraries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createEffectsRuntime, EffectPayloadError, retryDelay, UnknownEffectError, type EffectDefinition, type EffectsRuntime } from '../runtime-shim/effects/index.js';
import type { GlobalContext } from '../runtime-shim/types.js';
import { collectingLogger, redisStore, sleep, sqliteStore, waitFor, type LogLine, type Store } from './helpers/effects.js';
import { REPO } from './helpers/paths.js';

const gctxFor = (lines: LogLine[]) => ({ modules: {}, config: {}, log: collectingLogger(lines) }) as unknown as GlobalContext;

async function withRuntime(definitions: EffectDefinition[], body: (rt: EffectsRuntime, lines: LogLine[], root: string) => Promise<void>, makeStore: () => Store = sqliteStore) {
  const store = makeStore();
  const lines: LogLine[] = [];
  const rt = await createEffectsRuntime({ definitions, config: store.config, root: store.root, log: collectingLogger(lines) });
  try {
    await body(rt, lines, store.root);
  } finally {
    await rt.stop(2000);
    await store.cleanup();
  }
}

const completed = (rt: EffectsRuntime, id: string) => waitFor(async () => ((await rt.backend.get(id))?.status === 'completed' ? true : null), 10_000, `job ${id} to complete`);

test('enqueue validates the payload in the caller: EffectPayloadError names the path, nothing is stored', async () => {
  const validate = (p: unknown) => (typeof (p as { id?: unknown })?.id === 'string' ? { ok: true as const } : { ok: false as const, errors: [{ path: '/id', message: 'must be string' }] });
  await withRuntime([{ name: 'capture', run() {}, retry: { attempts: 3, backoff: 'exponential', delayMs: 1000 }, validate }], async (rt) => {
    try {
      await rt.effects.enqueue('capture' as never, { id: 42 } as never);
      assert.unreachable('should throw');
    } catch (error) {
      assert.instance(error, EffectPayloadError);
      assert.equal((error as EffectPayloadError).errors, [{ path: '/id', message: 'must be string' }]);
      assert.match((error as Error).message, "invalid payload for effect 'capture': /id must be string");
    }
    try {
      await rt.effects.enqueue('nope' as never, {} as never);
      assert.unreachable('should throw');
    } catch (error) {
      assert.instance(error, UnknownEffectError);
      assert.match((error as Error).message, "no effect named 'nope' (known: capture)");
    }
    assert.equal(await rt.backend.counts(), {});
    const id = await rt.effects.enqueue('capture' as never, { id: 'p1' } as never);
    assert.is((await rt.backend.get(id))?.status, 'queued');
    assert.is((await rt.backend.get(id))?.maxAttempts, 3, 'maxAttempts from the retry policy');
  });
});

// The worker pool on each backend: SQLite claims apart; Redis finishes a job and claims the next in one round trip.
for (const [kind, makeStore] of [['sqlite', sqliteStore], ['redis', redisStore]] as const) {
  test(`${kind}: a worker runs the job with ectx (attempt, jobId, a log bound to the job) and gctx`, async () => {
    const seen: { attempt: number; jobId: string; gctx: unknown }[] = [];
    const lines: LogLine[] = [];
    const gctx = gctxFor(lines);
    await withRuntime([{ name: 'hello', retry: { attempts: 1, backoff: 'fixed', delayMs: 0 }, run(_p, g, ectx) { seen.push({ attempt: ectx.attempt, jobId: ectx.jobId, gctx: g }); ectx.log.info({ x: 1 }, 'hi'); } }], async (rt, logLines) => {
      rt.startWorkers(gctx, { concurrency: 2 });
      const id = await rt.effects.enqueue('hello' as never, { a: 1 } as never);
      await completed(rt, id);
      assert.equal(seen.map((s) => [s.attempt, s.jobId]), [[1, id]]);
      assert.is(seen[0]!.gctx, gctx);
      const hi = logLines.find((l) => l.msg === 'hi');
      assert.ok(hi);
      assert.is(hi!['jobId'], id);
      assert.is(hi!['effect'], 'hello');
      assert.is(hi!['attempt'], 1);
      const m = rt.metrics();
      assert.is(m['hello.enqueued'], 1);
      assert.is(m['hello.completed'], 1);
      assert.is(m['hello.durationCount'], 1);
      assert.type(m['hello.durationMsSum'], 'number');
    }, makeStore);
  });

  test(`${kind}: a failing job is retried per its policy and completes; the attempts count up`, async () => {
    const attempts: number[] = [];
    const times: number[] = [];
    await withRuntime([{ name: 'flaky', retry: { attempts: 4, backoff: 'fixed', delayMs: 150 }, run(_p, _g, ectx) { attempts.push(ectx.attempt); times.push(Date.now()); if (ectx.attempt < 3) throw new Error(`flake ${ectx.attempt}`); } }], async (rt, lines) => {
      rt.startWorkers(gctxFor([]));
      const id = await rt.effects.enqueue('flaky' as never, {} as never);
      await completed(rt, id);
      assert.equal(attempts, [1, 2, 3]);
      assert.ok(times[1]! - times[0]! >= 140 && times[2]! - times[1]! >= 140, `fixed backoff of 150 ms (${times[1]! - times[0]!}, ${times[2]! - times[1]!})`);
      assert.is(rt.metrics()['flaky.failed'], 2);
      assert.is(rt.metrics()['flaky.completed'], 1);
      assert.ok(lines.some((l) => l.msg === 'effect failed; will retry' && String(l['err']).includes('flake 1')));
    }, makeStore);
  });

  test(`${kind}: a job that always fails is dead after its attempts, kept with its last error`, async () => {
    let runs = 0;
    await withRuntime([{ name: 'broken', retry: { attempts: 2, backoff: 'exponential', delayMs: 20 }, run() { runs++; throw new TypeError(`bad ${runs}`); } }], async (rt) => {
      rt.startWorkers(gctxFor([]));
      const id = await rt.effects.enqueue('broken' as never, {} as never);
      const job = await waitFor(async () => { const j = await rt.backend.get(id); return j?.status === 'dead' ? j : null; });
      assert.is(runs, 2);
      assert.is(job.attempt, 2);
      assert.match(job.lastError ?? '', 'TypeError: bad 2');
      assert.is(rt.metrics()['broken.dead'], 1);
      await sleep(200);
      assert.is(runs, 2, 'a dead job does not run again');
    }, makeStore);
  });

  test(`${kind}: idempotency key and delay through gctx.effects.enqueue`, async () => {
    const ran: number[] = [];
    await withRuntime([{ name: 'once', retry: { attempts: 1, backoff: 'fixed', delayMs: 0 }, run() { ran.push(Date.now()); } }], async (rt) => {
      const t0 = Date.now();
      const a = await rt.effects.enqueue('once' as never, {} as never, { idempotencyKey: 'k1', delayMs: 300 });
      const b = await rt.effects.enqueue('once' as never, {} as never, { idempotencyKey: 'k1', delayMs: 300 });
      assert.is(a, b);
      assert.is(rt.metrics()['once.enqueued'], 1);
      assert.is(rt.metrics()['once.deduped'], 1);
      rt.startWorkers(gctxFor([]));
      await completed(rt, a);
      assert.is(ran.length, 1);
      assert.ok(ran[0]! - t0 >= 290, 'ran after its delay');
    }, makeStore);
  });

  test(`${kind}: concurrency caps the jobs running at once`, async () => {
    let running = 0;
    let peak = 0;
    await withRuntime([{ name: 'work', retry: { attempts: 1, backoff: 'fixed', delayMs: 0 }, async run() { running++; peak = Math.max(peak, running); await sleep(30); running--; } }], async (rt) => {
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => rt.effects.enqueue('work' as never, { i } as never)));
      rt.startWorkers(gctxFor([]), { concurrency: 3 });
      for (const id of ids) await completed(rt, id);
      assert.is(peak, 3);
    }, makeStore);
  });

  test(`${kind}: a busy queue: every job runs once, ${kind === 'redis' ? 'each slot taking its next job with the completion (few claims)' : 'each claimed apart'}`, async () => {
    const runs = new Map<number, number>();
    let running = 0;
    let peak = 0;
    const n = 200;
    const def: EffectDefinition = { name: 'w', retry: { attempts: 1, backoff: 'fixed', delayMs: 0 }, async run(p) { running++; peak = Math.max(peak, running); const i = (p as { i: number }).i; runs.set(i, (runs.get(i) ?? 0) + 1); await sleep(1); running--; } };
    await withRuntime([def], async (rt) => {
      await Promise.all(Array.from({ length: n }, (_, i) => rt.effects.enqueue('w' as never, { i } as never)));
      let claims = 0;
      const claim = rt.backend.claim.bind(rt.backend);
      rt.backend.claim = (options) => (claims++, claim(options));
      rt.startWorkers(gctxFor([]), { concurrency: 4 });
      await waitFor(async () => ((await rt.backend.counts())['w']?.completed === n ? true : null), 20_000, 'all jobs to complete');
      assert.is(runs.size, n);
      assert.ok([...runs.values()].every((c) => c === 1), 'each job ran once');
      assert.ok(peak <= 4, `peak ${peak}`);
      if (kind === 'redis') assert.ok(claims <= 20, `${claims} claims for ${n} jobs`);
      else assert.ok(claims >= n, `${claims} claims for ${n} jobs`);
    }, makeStore);
  });
}

test('stop(): running jobs finish within the deadline; one past it is left to its lease and runs again elsewhere', async () => {
  const store = sqliteStore();
  const runs: string[] = [];
  const def = (ms: number): EffectDefinition => ({ name: `sleep${ms}`, retry: { attempts: 3, backoff: 'fixed', delayMs: 0 }, async run(_p, _g, ectx) { runs.push(`${ms}:${ectx.attempt}`); await sleep(ms); } });
  const defs = [def(100), def(3000)];
  const rt1 = await createEffectsRuntime({ definitions: defs, config: store.config, root: store.root, log: collectingLogger() });
  const quick = await rt1.effects.enqueue('sleep100' as never, {} as never);
  const slow = await rt1.effects.enqueue('sleep3000' as never, {} as never);
  rt1.startWorkers(gctxFor([]), { leaseMs: 500 });
  await waitFor(() => runs.length === 2);
  const t0 = Date.now();
  await rt1.stop(300);
  assert.ok(Date.now() - t0 < 2000, 'stop keeps to its deadline');
  const rt2 = await createEffectsRuntime({ definitions: defs, config: store.config, root: store.root, log: collectingLogger() });
  try {
    assert.is((await rt2.backend.get(quick))?.status, 'completed');
    assert.is((await rt2.backend.get(slow))?.status, 'running', 'left to its lease');
    rt2.startWorkers(gctxFor([]), { leaseMs: 500 });
    await waitFor(() => runs.includes('3000:2'), 5000, 'the slow job to be claimed again');
  } finally {
    await rt2.stop(0);
    await store.cleanup();
  }
});

test('redis: stop() leaves no job claimed and not run: a completion while stopping takes no next job (no attempt used, none left running)', async () => {
  const store = redisStore();
  let ran = 0;
  const defs: EffectDefinition[] = [{ name: 'tick', retry: { attempts: 1, backoff: 'fixed', delayMs: 0 }, async run() { ran++; await sleep(20); } }];
  const rt = await createEffectsRuntime({ definitions: defs, config: store.config, root: store.root, log: collectingLogger() });
  try {
    for (let i = 0; i < 40; i++) await rt.effects.enqueue('tick' as never, { i } as never);
    rt.startWorkers(gctxFor([]), { concurrency: 4 });
    await waitFor(() => ran >= 8);
    await rt.stop(2000);
    const check = await createEffectsRuntime({ definitions: defs, config: store.config, root: store.root, log: collectingLogger() });
    try {
      const counts = (await check.backend.counts())['tick']!;
      assert.is(counts.running, undefined, JSON.stringify(counts));
      assert.is((counts.completed ?? 0) + (counts.queued ?? 0), 40, JSON.stringify(counts));
      assert.is(counts.completed, ran);
      const queued = await check.backend.inspect({ status: 'queued', limit: 100 });
      assert.ok(queued.jobs.every((j) => j.attempt === 0), 'no attempt used by the jobs fetched ahead');
      check.startWorkers(gctxFor([]), { concurrency: 4 });
      await waitFor(async () => (await check.backend.counts())['tick']?.completed === 40, 10_000, 'all jobs to complete');
    } finally {
      await check.stop(1000);
    }
  } finally {
    await store.cleanup();
  }
});

test('retryDelay: fixed is fixed; exponential doubles with ±20% jitter, capped', () => {
  assert.is(retryDelay({ attempts: 5, backoff: 'fixed', delayMs: 500 }, 4), 500);
  const exp = { attempts: 5, backoff: 'exponential' as const, delayMs: 1000 };
  assert.is(retryDelay(exp, 1, () => 0.5), 1000);
  assert.is(retryDelay(exp, 3, () => 0.5), 4000);
  assert.is(retryDelay(exp, 3, () => 0), 3200);
  assert.is(retryDelay(exp, 3, () => 0.999999), 4800);
  assert.is(retryDelay(exp, 60, () => 0.5), 6 * 3600 * 1000);
});

test('an app without effects never loads better-sqlite3, bullmq or ioredis', () => {
  // ESM imports (bullmq, ioredis) are seen by a resolve hook; better-sqlite3 is required, so it shows in require.cache.
  const hook = `export async function resolve(s, c, next) { if (/^(better-sqlite3|bullmq|ioredis)$/.test(s)) console.log('LOADED ' + s); return next(s, c); }`;
  const script = `
    const { register, createRequire } = await import('node:module');
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    await import(${JSON.stringify(join(REPO, 'lib/runtime-shim/index.js'))});
    const fx = await import(${JSON.stringify(join(REPO, 'lib/runtime-shim/effects/index.js'))});
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /better-sqlite3|bullmq|ioredis/.test(k));
    console.log(JSON.stringify(loaded));
    if (process.argv.includes('--open')) await (await fx.openBackend({ path: ':memory:' }, '/')).close();
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => /better-sqlite3/.test(k)).length > 0));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '[]\nfalse\n', 'nothing loaded');
  const opened = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', '--open'], { encoding: 'utf8' });
  assert.is(opened.status, 0, opened.stderr);
  assert.is(opened.stdout, '[]\ntrue\n', 'the check sees better-sqlite3 once a backend opens');
});

test.run();
