// One contract, five backends: the same suite runs against SQLite, Redis (BullMQ), SQS (+ DynamoDB),
// Pub/Sub (+ Firestore) and Azure Queue Storage (+ Table Storage), the cloud ones on their emulators.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openBackend, type EffectBackend } from '../runtime-shim/effects/index.js';
import { redisStore, sqliteStore, sleep, waitFor, type Store } from './helpers/effects.js';
import { awsEmulators, sqsStore } from './helpers/aws-emulators.js';
import { pubsubEmulators, pubsubStore } from './helpers/pubsub-emulator.js';
import { azurite, azureStore } from './helpers/azurite.js';

const LEASE = 600;

function contract(kind: string, makeStore: () => Store, startEmulators?: () => Promise<void>) {
  const t = suite<{ store: Store; backends: EffectBackend[]; open(): Promise<EffectBackend> }>(`effects contract: ${kind}`);
  // Started once per process: later suites (and files) reuse them.
  if (startEmulators) t.before(startEmulators);
  t.before.each(async (ctx) => {
    ctx.store = makeStore();
    ctx.backends = [];
    ctx.open = async () => {
      const b = await openBackend(ctx.store.config, ctx.store.root);
      ctx.backends.push(b);
      return b;
    };
  });
  t.after.each(async (ctx) => {
    for (const b of ctx.backends) await b.close();
    await ctx.store.cleanup();
  });
  const claim = (b: EffectBackend, waitMs = 0, workerId = 'w1') => b.claim({ workerId, leaseMs: LEASE, waitMs });

  t('enqueue, claim, complete: the job moves queued → running → completed', async (ctx) => {
    const b = await ctx.open();
    assert.is(b.kind, kind);
    const { id, deduped } = await b.enqueue({ name: 'send', payload: { to: 'a@b.c' }, maxAttempts: 3 });
    assert.is(deduped, false);
    const queued = await b.get(id);
    assert.is(queued?.status, 'queued');
    assert.is(queued?.attempt, 0);
    assert.is(queued?.maxAttempts, 3);
    assert.equal(queued?.payload, { to: 'a@b.c' });
    const lease = await claim(b, 2000);
    assert.ok(lease);
    assert.is(lease!.job.id, id);
    assert.is(lease!.job.attempt, 1);
    assert.equal(lease!.job.payload, { to: 'a@b.c' });
    assert.is((await b.get(id))?.status, 'running');
    assert.is(await b.complete(lease!), true);
    assert.is((await b.get(id))?.status, 'completed');
    assert.is(await claim(b), null, 'nothing left');
  });

  t('a job keeps the traceparent it was enqueued with (tracing: the run joins the trace); a keyed one too; none stays none', async (ctx) => {
    const b = await ctx.open();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = await b.enqueue({ name: 'send', payload: 1, maxAttempts: 1, traceparent });
    const keyed = await b.enqueue({ name: 'send', payload: 2, maxAttempts: 1, traceparent, idempotencyKey: `tp-${Date.now()}` });
    const plain = await b.enqueue({ name: 'send', payload: 3, maxAttempts: 1 });
    assert.is((await b.get(traced.id))?.traceparent, traceparent);
    const seen = new Map<string, unknown>();
    for (let i = 0; i < 3; i++) {
      const lease = await claim(b, 2000);
      assert.ok(lease);
      seen.set(lease!.job.id, lease!.job.traceparent ?? null);
      await b.complete(lease!);
    }
    assert.equal([seen.get(traced.id), seen.get(keyed.id), seen.get(plain.id)], [traceparent, traceparent, null]);
  });

  t('ready jobs come out by run time; a delayed job waits for its time', async (ctx) => {
    const b = await ctx.open();
    // The delay leaves room for the claims before it on a loaded machine (an emulator's claim can take
    // hundreds of ms there): with 400 ms the "not ready yet" claim sometimes came after the run time.
    const enqueued = Date.now();
    const late = await b.enqueue({ name: 'x', payload: 'late', delayMs: 1500, maxAttempts: 1 });
    const first = await b.enqueue({ name: 'x', payload: 'first', maxAttempts: 1 });
    const second = await b.enqueue({ name: 'x', payload: 'second', maxAttempts: 1 });
    const a = await claim(b, 1000);
    const c = await claim(b, 1000);
    assert.equal([a?.job.id, c?.job.id], [first.id, second.id]);
    assert.is(await claim(b), null, `the delayed job is not ready yet (${Date.now() - enqueued} ms after its enqueue)`);
    const d = await claim(b, 5000);
    assert.is(d?.job.id, late.id);
    assert.ok(Date.now() - enqueued >= 1400, `ran after its delay (${Date.now() - enqueued} ms)`);
  });

  t('fail with retryAt: queued again with its error, claimable at that time, attempt counts up', async (ctx) => {
    const b = await ctx.open();
    const { id } = await b.enqueue({ name: 'x', payload: 1, maxAttempts: 3 });
    const l1 = await claim(b, 1000);
    const failedAt = Date.now();
    assert.is(await b.fail(l1!, 'Error: boom', failedAt + 400), true);
    const after = await b.get(id);
    assert.is(after?.status, 'queued');
    assert.match(after?.lastError ?? '', 'boom');
    assert.is(await claim(b), null, 'not before retryAt');
    const l2 = await claim(b, 3000);
    assert.is(l2?.job.id, id);
    assert.is(l2?.job.attempt, 2);
    assert.ok(Date.now() - failedAt >= 380, 'waited for the backoff');
  });

  t('fail with null: the job is dead, kept with its last error, listed, and retry() brings it back', async (ctx) => {
    const b = await ctx.open();
    const { id } = await b.enqueue({ name: 'x', payload: { n: 1 }, maxAttempts: 1 });
    const l = await claim(b, 1000);
    assert.is(await b.fail(l!, 'Error: gave up', null), true);
    const dead = await b.get(id);
    assert.is(dead?.status, 'dead');
    assert.match(dead?.lastError ?? '', 'gave up');
    const page = await b.inspect({ status: 'dead' });
    assert.equal(page.jobs.map((j) => j.id), [id]);
    assert.is(await claim(b), null, 'a dead job does not run');
    assert.is(await b.retry(id), true);
    assert.is((await b.get(id))?.status, 'queued');
    const again = await claim(b, 2000);
    assert.is(again?.job.id, id);
    assert.is(again?.job.attempt, 1, 'retry starts the attempts over');
  });

  t('idempotency key: a second enqueue returns the first job', async (ctx) => {
    const b = await ctx.open();
    const one = await b.enqueue({ name: 'x', payload: 1, idempotencyKey: 'order-42', maxAttempts: 1 });
    const two = await b.enqueue({ name: 'x', payload: 2, idempotencyKey: 'order-42', maxAttempts: 1 });
    const other = await b.enqueue({ name: 'x', payload: 3, idempotencyKey: 'order-43', maxAttempts: 1 });
    assert.is(two.id, one.id);
    assert.is(two.deduped, true);
    assert.is.not(other.id, one.id);
    assert.equal((await b.get(one.id))?.payload, 1, 'the first payload stays');
    assert.is((await b.get(one.id))?.idempotencyKey, 'order-42');
    // Concurrent enqueues with one key also give one job.
    const ids = await Promise.all(Array.from({ length: 10 }, () => b.enqueue({ name: 'x', payload: 0, idempotencyKey: 'burst', maxAttempts: 1 })));
    assert.is(new Set(ids.map((r) => r.id)).size, 1);
  });

  t('a lease that is not renewed ends: another worker claims the job; the first can no longer finish it', async (ctx) => {
    const b = await ctx.open();
    const { id } = await b.enqueue({ name: 'x', payload: 1, maxAttempts: 5 });
    const l1 = await claim(b, 1000, 'dying');
    assert.is(await claim(b, 0, 'other'), null);
    const l2 = await claim(b, 5000, 'other');
    assert.is(l2?.job.id, id);
    assert.is(l2?.job.attempt, 2);
    assert.is(await b.complete(l1!), false, 'the old lease is gone');
    assert.is(await b.complete(l2!), true);
  });

  t('heartbeats keep the lease', async (ctx) => {
    const b = await ctx.open();
    await b.enqueue({ name: 'x', payload: 1, maxAttempts: 5 });
    const l = await claim(b, 1000);
    for (let i = 0; i < 8; i++) {
      await sleep(LEASE / 4);
      assert.is(await b.heartbeat(l!, LEASE), true);
    }
    assert.is(await claim(b, 0, 'other'), null, 'still held after twice the lease');
    assert.is(await b.complete(l!), true);
  });

  t('concurrent workers (several connections) never hold one job at the same time', async (ctx) => {
    const backends = await Promise.all([ctx.open(), ctx.open(), ctx.open()]);
    const n = 60;
    const ids = new Set<string>();
    for (let i = 0; i < n; i++) ids.add((await backends[0]!.enqueue({ name: 'x', payload: i, maxAttempts: 1 })).id);
    const running = new Set<string>();
    const seen: string[] = [];
    let overlap = 0;
    await Promise.all(
      backends.flatMap((b, bi) =>
        [0, 1].map(async (wi) => {
          for (;;) {
            const lease = await b.claim({ workerId: `w${bi}.${wi}`, leaseMs: 30_000, waitMs: 0 });
            if (!lease) return;
            if (running.has(lease.job.id)) overlap++;
            running.add(lease.job.id);
            seen.push(lease.job.id);
            await sleep(1);
            running.delete(lease.job.id);
            assert.is(await b.complete(lease), true);
          }
        }),
      ),
    );
    assert.is(overlap, 0);
    assert.is(seen.length, n, 'each job claimed exactly once');
    assert.equal(new Set(seen), ids);
  });

  t('inspect pages by cursor and filters by name and status; counts per name and status', async (ctx) => {
    const b = await ctx.open();
    for (let i = 0; i < 5; i++) await b.enqueue({ name: 'mail', payload: i, maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await b.enqueue({ name: 'sms', payload: i, maxAttempts: 1 });
    const seen: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await b.inspect(cursor === undefined ? { name: 'mail', limit: 2 } : { name: 'mail', limit: 2, cursor });
      pages++;
      seen.push(...page.jobs.map((j) => j.payload));
      assert.ok(page.jobs.every((j) => j.name === 'mail'));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    assert.equal(seen.sort(), [0, 1, 2, 3, 4]);
    assert.ok(pages >= 3);
    const l = await claim(b, 1000);
    await b.fail(l!, 'Error: x', null);
    const counts = await b.counts();
    assert.equal(counts, { mail: { queued: 4, dead: 1 }, sms: { queued: 3 } });
    assert.is((await b.inspect({ status: 'queued', name: 'sms' })).jobs.length, 3);
    // Paging across kinds of queued jobs (ready and delayed) sees each job once.
    for (let i = 0; i < 3; i++) await b.enqueue({ name: 'sms', payload: `later${i}`, delayMs: 60_000, maxAttempts: 1 });
    const ids: string[] = [];
    let next: string | null = null;
    do {
      const page: Awaited<ReturnType<EffectBackend['inspect']>> = await b.inspect(next === null ? { name: 'sms', limit: 2 } : { name: 'sms', limit: 2, cursor: next });
      ids.push(...page.jobs.map((j) => j.id));
      next = page.cursor;
    } while (next !== null);
    assert.is(ids.length, 6);
    assert.is(new Set(ids).size, 6);
  });

  t('cancel: a queued job never runs; a running one cannot be cancelled; retry brings a cancelled job back', async (ctx) => {
    const b = await ctx.open();
    const { id } = await b.enqueue({ name: 'x', payload: 'c', maxAttempts: 2 });
    assert.is(await b.cancel(id), true);
    assert.is((await b.get(id))?.status, 'cancelled');
    assert.is(await claim(b), null);
    assert.is(await b.cancel(id), false, 'already cancelled');
    assert.is(await b.cancel('nope'), false);
    assert.equal((await b.inspect({ status: 'cancelled' })).jobs.map((j) => j.id), [id]);
    assert.equal((await b.inspect({})).jobs.map((j) => [j.id, j.status]), [[id, 'cancelled']], 'listed without a status filter too');
    assert.equal((await b.counts())['x'], { cancelled: 1 });
    assert.is(await b.retry(id), true);
    const l = await claim(b, 2000);
    assert.is(l?.job.id, id);
    assert.equal(l?.job.payload, 'c');
    assert.is(await b.cancel(id), false, 'running');
    assert.is(await b.retry(id), false, 'running');
    assert.is(await b.complete(l!), true);
  });

  t('cancel and retry, twice over: a job keeps its id, its payload and its idempotency key', async (ctx) => {
    const b = await ctx.open();
    const plain = await b.enqueue({ name: 'x', payload: 'p', maxAttempts: 1 });
    const keyed = await b.enqueue({ name: 'x', payload: 'k', idempotencyKey: 'once', maxAttempts: 1 });
    for (let round = 0; round < 2; round++) {
      for (const { id } of [plain, keyed]) {
        assert.is(await b.cancel(id), true, `cancel ${id}, round ${round}`);
        assert.is(await b.retry(id), true);
        assert.is(await b.retry(id), false, 'queued again, not cancelled: a second retry does nothing');
        assert.is((await b.get(id))?.status, 'queued');
      }
    }
    assert.equal((await b.enqueue({ name: 'x', payload: 'again', idempotencyKey: 'once', maxAttempts: 1 })).id, keyed.id, 'the key still names the job');
    assert.equal(
      (await b.inspect({})).jobs.map((j) => [j.id, j.payload, j.status]).sort(),
      [[plain.id, 'p', 'queued'], [keyed.id, 'k', 'queued']].sort(),
      'one job each, listed under its first id',
    );
    const ran = [await claim(b, 2000), await claim(b, 2000)];
    assert.equal(ran.map((l) => l?.job.id).sort(), [plain.id, keyed.id].sort());
    for (const l of ran) assert.is(await b.complete(l!), true);
    assert.is((await b.get(plain.id))?.status, 'completed');
  });

  t('a lease that runs out on the last attempt makes the job dead with a lease error', async (ctx) => {
    const b = await ctx.open();
    const { id } = await b.enqueue({ name: 'x', payload: 1, maxAttempts: 1 });
    await claim(b, 1000, 'dying');
    await sleep(LEASE * 3);
    assert.is(await claim(b, 1500, 'other'), null);
    const job = await b.get(id);
    assert.is(job?.status, 'dead');
    assert.match(job?.lastError ?? '', 'lease expired');
  });

  t('finishAndClaim, where the backend has it: finishes the job and hands back the next one, locked for the caller', async (ctx) => {
    const b = await ctx.open();
    if (!b.finishAndClaim) return; // SQLite: the worker pool completes or fails, then claims apart.
    const next = { workerId: 'w1', leaseMs: LEASE, waitMs: 0 };
    const one = await b.enqueue({ name: 'x', payload: 1, maxAttempts: 2 });
    const two = await b.enqueue({ name: 'x', payload: 2, maxAttempts: 2 });
    const l1 = await claim(b, 1000);
    assert.is(l1?.job.id, one.id);
    const r1 = await b.finishAndClaim(l1!, null, next);
    assert.is(r1.finished, true);
    assert.is(r1.next?.job.id, two.id);
    assert.is(r1.next?.job.attempt, 1);
    assert.equal(r1.next?.job.payload, 2);
    assert.is((await b.get(one.id))?.status, 'completed');
    assert.is((await b.get(two.id))?.status, 'running');
    assert.is(await b.heartbeat(l1!, LEASE), false, 'the finished lease is gone');
    assert.is(await b.heartbeat(r1.next!, LEASE), true);
    assert.is(await claim(b, 0, 'other'), null, 'the next job is held');
    const three = await b.enqueue({ name: 'x', payload: 3, maxAttempts: 2 });
    const r2 = await b.finishAndClaim(r1.next!, { error: 'Error: boom', retryAt: Date.now() + 60_000 }, next);
    assert.is(r2.finished, true);
    assert.is(r2.next?.job.id, three.id);
    const retried = await b.get(two.id);
    assert.is(retried?.status, 'queued');
    assert.match(retried?.lastError ?? '', 'boom');
    const r3 = await b.finishAndClaim(r2.next!, { error: 'Error: gave up', retryAt: null }, next);
    assert.equal(r3, { finished: true, next: null }, 'nothing ready: the delayed retry is not handed out');
    assert.is((await b.get(three.id))?.status, 'dead');
    assert.equal(await b.finishAndClaim(r2.next!, null, next), { finished: false, next: null }, 'a lease finishes once');
  });

  t('finishAndClaim: a job whose last attempt ran out with its lease is made dead, not handed out', async (ctx) => {
    const b = await ctx.open();
    if (!b.finishAndClaim) return;
    const doomed = await b.enqueue({ name: 'x', payload: 'doomed', maxAttempts: 1 });
    const live = await b.enqueue({ name: 'x', payload: 'live', maxAttempts: 1 });
    assert.is((await claim(b, 1000, 'dying'))?.job.id, doomed.id);
    const held = await claim(b, 1000);
    assert.is(held?.job.id, live.id);
    // Keep `live` while the lease of `doomed` runs out and the job goes back to the queue.
    await waitFor(async () => (assert.is(await b.heartbeat(held!, LEASE), true), (await b.get(doomed.id))?.status === 'queued' ? true : null), 10_000, 'the lost lease to be noticed');
    const r = await b.finishAndClaim(held!, null, { workerId: 'w1', leaseMs: LEASE, waitMs: 0 });
    assert.equal(r, { finished: true, next: null });
    const job = await b.get(doomed.id);
    assert.is(job?.status, 'dead');
    assert.match(job?.lastError ?? '', 'lease expired');
  });

  return t;
}

contract('sqlite', sqliteStore).run();
contract('redis', redisStore).run();
contract('sqs', sqsStore, awsEmulators).run();
contract('pubsub', pubsubStore, pubsubEmulators).run();
contract('azure-queue', azureStore, azurite).run();
