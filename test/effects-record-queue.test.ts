// RecordQueueBackend on each cloud pair, through the real adapters on the emulators (fauxqs +
// dynalite, the Pub/Sub + Firestore emulators, azurite): the enqueues of one turn (batched where the
// services allow), a message its record does not name yet, and a first message whose record is
// missing, on every service.
// The SQS-only batching (SendMessageBatch, BatchWriteItem and the record grace) is in
// effects-sqs-batching.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { RecordQueueBackend } from '../runtime-shim/effects/record-queue-backend.js';
import type { JobQueue, JobRecord, JobRecords } from '../runtime-shim/effects/record-queue.js';
import { openSqsQueue } from '../runtime-shim/effects/sqs-queue.js';
import { openDynamoRecords } from '../runtime-shim/effects/dynamodb-records.js';
import { openPubsubQueue } from '../runtime-shim/effects/pubsub-queue.js';
import { openFirestoreRecords } from '../runtime-shim/effects/firestore-records.js';
import { openAzureQueue } from '../runtime-shim/effects/azure-queue.js';
import { openAzureTableRecords } from '../runtime-shim/effects/azure-table-records.js';
import { azureStorageClients } from '../runtime-shim/effects/azure-storage-clients.js';
import { awsEmulators } from './helpers/aws-emulators.js';
import { pubsubEmulators } from './helpers/pubsub-emulator.js';
import { azurite } from './helpers/azurite.js';

const require = createRequire(import.meta.url);

interface Pair {
  queue: JobQueue;
  records: JobRecords;
}

const pairs: Record<string, { start(): Promise<void>; open(name: string): Promise<Pair> }> = {
  sqs: {
    start: awsEmulators,
    open: async (name) => ({ queue: await openSqsQueue(require('@aws-sdk/client-sqs'), name), records: await openDynamoRecords(require('@aws-sdk/client-dynamodb'), name) }),
  },
  pubsub: {
    start: pubsubEmulators,
    open: async (name) => ({ queue: await openPubsubQueue(require('@google-cloud/pubsub'), name), records: openFirestoreRecords(require('@google-cloud/firestore'), name) }),
  },
  'azure-queue': {
    start: azurite,
    open: async (name) => {
      const connectionString = process.env['AZURE_STORAGE_CONNECTION_STRING']!;
      const clients = await azureStorageClients({ kind: 'connection-string', connectionString }, `t${name.replace(/-/g, '')}`, 'effects');
      return { queue: await openAzureQueue(clients.queues, name, true), records: await openAzureTableRecords(clients.table, true) };
    },
  },
};

/** What fail() does after its message is sent: the record names the retry's message and is queued again. */
async function nameMessage(records: JobRecords, id: string, msg: string): Promise<void> {
  const set = { status: 'queued' as const, msg, token: undefined, leaseUntil: undefined };
  if ('update' in records) {
    assert.ok(await records.update(id, set, {}));
    return;
  }
  const current = (await records.read(id))!;
  const next: JobRecord = { ...current.record, status: 'queued', msg };
  delete next.token;
  delete next.leaseUntil;
  assert.ok(await records.replace(next, current.version));
}

for (const [kind, pair] of Object.entries(pairs)) {
  const test = suite(`record-queue backend: ${kind}`);
  const opened: RecordQueueBackend[] = [];
  test.before(pair.start);
  test.after(async () => {
    for (const b of opened) await b.close();
  });
  const open = async () => {
    const p = await pair.open(`gati-rq-${randomUUID().slice(0, 8)}`);
    const backend = new RecordQueueBackend(kind as 'sqs' | 'pubsub' | 'azure-queue', p.queue, p.records);
    opened.push(backend);
    return { ...p, backend };
  };
  const claim = (b: RecordQueueBackend, waitMs: number) => b.claim({ workerId: 'w', leaseMs: 5000, waitMs });

  test('enqueues of one turn (batched where the services allow), five sharing a key: one job for the key, one each for the rest', async () => {
    const { backend } = await open();
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => backend.enqueue({ name: 'turn', payload: i, maxAttempts: 1, ...(i < 5 ? { idempotencyKey: 'same' } : {}) })));
    const keyed = results.slice(0, 5);
    assert.is(new Set(keyed.map((r) => r.id)).size, 1);
    assert.is(keyed.filter((r) => !r.deduped).length, 1, 'exactly one keyed enqueue made the job');
    assert.is(new Set(results.map((r) => r.id)).size, 11);
    for (const r of results) assert.is((await backend.get(r.id))?.status, 'queued');
    assert.equal(await backend.counts(), { turn: { queued: 11 } });
  });

  test('a retry message received before the record names it is kept (hidden), and runs once the record does', async () => {
    const { backend, queue, records } = await open();
    const { id } = await backend.enqueue({ name: 'retried', payload: 1, maxAttempts: 3 });
    const lease = await claim(backend, 5000);
    assert.is(lease?.job.id, id);
    // fail() frozen between its two writes: the retry's message is sent, the record still names the old one.
    const msg = randomUUID();
    await queue.send(JSON.stringify({ id, msg }), 0);
    assert.is(await claim(backend, 500), null, 'not claimable yet');
    await nameMessage(records, id, msg);
    const again = await claim(backend, 8000);
    assert.is(again?.job.id, id, 'the message was not dropped as stale');
    assert.is(again?.job.attempt, 2);
    assert.ok(await backend.complete(again!));
  });

  test('a first message whose record is missing: created from the message (at once where records are created one by one)', async () => {
    const { backend, queue, records } = await open();
    const id = randomUUID();
    const now = Date.now();
    const job: JobRecord = { id, name: 'orphan', payload: JSON.stringify({ n: 1 }), status: 'queued', attempt: 0, maxAttempts: 2, runAt: now, createdAt: now, msg: randomUUID() };
    await queue.send(JSON.stringify({ id, msg: job.msg, job }), 0);
    const lease = await claim(backend, 5000);
    if (records.putMany) {
      // Batch-put records: the message waits out the record grace (effects-sqs-batching.test.ts).
      assert.is(lease, null);
      assert.is(await backend.get(id), null);
      return;
    }
    assert.is(lease?.job.id, id);
    assert.equal(lease?.job.payload, { n: 1 });
    assert.ok(await backend.complete(lease!));
    assert.is((await backend.get(id))?.status, 'completed');
  });

  test('claims made together share receives, each taking its own job; the finished jobs\' messages are deleted by close', async () => {
    const name = `gati-rq-${randomUUID().slice(0, 8)}`;
    const p = await pair.open(name);
    const backend = new RecordQueueBackend(kind as 'sqs' | 'pubsub' | 'azure-queue', p.queue, p.records);
    const ids = (await Promise.all(Array.from({ length: 6 }, (_, i) => backend.enqueue({ name: 'together', payload: i, maxAttempts: 2 })))).map((r) => r.id);
    // Leases of 1 s: a message whose delete was lost would be visible again 1 s later.
    const leases = await Promise.all(ids.map(() => backend.claim({ workerId: 'w', leaseMs: 1000, waitMs: 8000 })));
    assert.equal(leases.map((l) => l?.job.id).sort(), [...ids].sort(), 'six claims, six different jobs');
    for (const lease of leases) assert.ok(await backend.complete(lease!));
    await backend.close();
    await new Promise((r) => setTimeout(r, 2500));
    const again = await pair.open(name);
    try {
      assert.equal(await again.queue.receive(1000, 1000, 10), [], 'no message came back');
      for (const id of ids) assert.is((await again.records.read(id))?.record.status, 'completed');
    } finally {
      await Promise.allSettled([again.queue.close(), again.records.close()]);
    }
  });

  test('finishing: with a lease far from its end, the completions of one turn are one unconditional batch put (where the store has one); near its end, a conditional update', async () => {
    const p = await pair.open(`gati-rq-${randomUUID().slice(0, 8)}`);
    if (!p.records.putMany || !('update' in p.records)) {
      await Promise.allSettled([p.queue.close(), p.records.close()]);
      return; // compare-and-set stores finish by a (batched, conditional) compare-and-set
    }
    const calls = { putMany: 0, update: 0 };
    const { putMany, update } = p.records;
    const counted: JobRecords = { ...p.records, putMany: (r, d) => (calls.putMany++, putMany(r, d)), update: (...a) => (calls.update++, update(...a)) };
    const backend = new RecordQueueBackend('sqs', p.queue, counted);
    opened.push(backend);
    const ids = (await Promise.all(Array.from({ length: 5 }, (_, i) => backend.enqueue({ name: 'fin', payload: i, maxAttempts: 2 })))).map((r) => r.id);
    const leases = await Promise.all(ids.map(() => backend.claim({ workerId: 'w', leaseMs: 30_000, waitMs: 8000 })));
    assert.equal(leases.map((l) => l?.job.id).sort(), [...ids].sort());
    Object.assign(calls, { putMany: 0, update: 0 });
    assert.equal(await Promise.all(leases.map((l) => backend.complete(l!))), [true, true, true, true, true]);
    assert.equal(calls, { putMany: 1, update: 0 }, 'one batch put, no conditional update');
    for (const id of ids) {
      const record = (await p.records.read(id))!.record;
      assert.equal([record.status, record.attempt, record.token, record.leaseUntil], ['completed', 1, undefined, undefined]);
    }
    assert.equal(await backend.counts(), { fin: { completed: 5 } });
    const late = await backend.enqueue({ name: 'fin', payload: 'late', maxAttempts: 2 });
    const short = await backend.claim({ workerId: 'w', leaseMs: 2000, waitMs: 8000 });
    assert.is(short?.job.id, late.id);
    Object.assign(calls, { putMany: 0, update: 0 });
    assert.is(await backend.complete(short!), true);
    assert.equal(calls, { putMany: 0, update: 1 }, 'a lease nearer its end than the margin: the conditional update');
    assert.is((await backend.get(late.id))?.status, 'completed');
  });

  test('a running record whose lease has run out shows as queued (get, inspect, counts) until its message is received again', async () => {
    const { backend } = await open();
    const { id } = await backend.enqueue({ name: 'expiring', payload: 1, maxAttempts: 1 });
    const lease = await backend.claim({ workerId: 'w', leaseMs: 1000, waitMs: 8000 });
    assert.is(lease?.job.id, id);
    assert.is((await backend.get(id))?.status, 'running');
    assert.equal(await backend.counts(), { expiring: { running: 1 } });
    await new Promise((r) => setTimeout(r, 1300));
    assert.is((await backend.get(id))?.status, 'queued');
    assert.equal((await backend.inspect({ status: 'queued' })).jobs.map((j) => j.id), [id]);
    assert.equal(await backend.counts(), { expiring: { queued: 1 } });
    // Received again on its last attempt: dead, as on the other backends.
    assert.is(await backend.claim({ workerId: 'other', leaseMs: 1000, waitMs: 3000 }), null);
    assert.is((await backend.get(id))?.status, 'dead');
    assert.is(await backend.complete(lease!), false);
  });

  test('a compare-and-set answers the new version, on which the next one succeeds without a read', async () => {
    const { records } = await open();
    if ('update' in records) return; // conditional updates (DynamoDB): no versions
    const now = Date.now();
    const job: JobRecord = { id: randomUUID(), name: 'cas', payload: '1', status: 'queued', attempt: 0, maxAttempts: 1, runAt: now, createdAt: now, msg: randomUUID() };
    assert.ok(await records.create(job));
    const first = (await records.read(job.id))!;
    const written = await records.replace({ ...job, attempt: 1 }, first.version);
    assert.ok(written);
    assert.ok(await records.replace({ ...job, attempt: 2 }, written.version), 'the answered version is current');
    assert.is(await records.replace({ ...job, attempt: 3 }, written.version), null, 'and is stale once written over');
    assert.is((await records.read(job.id))?.record.attempt, 2);
    if (!records.replaceMany) return;
    // Batched (BulkWriter): each write keeps its own precondition and its own answer.
    const other: JobRecord = { ...job, id: randomUUID() };
    assert.ok(await records.create(other));
    const [a, b] = await Promise.all([records.read(job.id), records.read(other.id)]);
    const outcomes = await records.replaceMany([
      { record: { ...job, attempt: 4 }, version: a!.version },
      { record: { ...other, attempt: 9 }, version: written.version }, // another document's version: stale here
    ]);
    assert.equal(outcomes.map((o) => o.ok && o.value !== null), [true, false]);
    assert.equal((await records.readMany!([job.id, other.id, job.id])).map((r) => r?.record.attempt), [4, 0, 4]);
    assert.ok(b);
  });

  test.run();
}
