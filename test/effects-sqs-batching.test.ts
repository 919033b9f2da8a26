// The SQS backend's batching (SendMessageBatch and BatchWriteItem for the enqueues of one event-loop
// turn), on the fauxqs and dynalite emulators: every caller's enqueue resolves only once its message
// and its record are stored, one refused message fails only its own caller, and a message received
// before its record exists waits for the record instead of creating it (the unconditional batched put
// would overwrite it), creating it only once the enqueue must have died (the grace, shortened here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { SQSClient, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { openSqsBackend } from '../runtime-shim/effects/sqs-backend.js';
import type { EffectBackend } from '../runtime-shim/effects/types.js';
import { awsEmulators } from './helpers/aws-emulators.js';

const opened: EffectBackend[] = [];
const clients: { destroy(): void }[] = [];
test.before(awsEmulators);
test.after(async () => {
  for (const b of opened) await b.close();
  for (const c of clients) c.destroy();
});

async function open(options: { recordGraceMs?: number } = {}): Promise<{ backend: EffectBackend; name: string }> {
  const name = `gati-batch-${randomUUID().slice(0, 8)}`;
  const backend = await openSqsBackend({ queue: name, table: name, ...options });
  opened.push(backend);
  return { backend, name };
}
const claim = (b: EffectBackend, waitMs = 3000) => b.claim({ workerId: 'w', leaseMs: 5000, waitMs });

test('40 enqueues in one turn: each resolves with its record readable at once, and every job is claimed once', async () => {
  const { backend } = await open();
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => backend.enqueue({ name: 'batch', payload: { i }, maxAttempts: 3 })));
  assert.is(new Set(results.map((r) => r.id)).size, 40);
  for (const [i, r] of results.entries()) {
    const job = await backend.get(r.id);
    assert.equal([job?.status, job?.payload], ['queued', { i }], `job ${i} is stored when its enqueue resolved`);
  }
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const lease = await claim(backend);
    assert.ok(lease, `claim ${i}`);
    assert.not.ok(seen.has(lease!.job.id));
    seen.add(lease!.job.id);
    assert.ok(await backend.complete(lease!));
  }
  assert.equal(await backend.counts(), { batch: { completed: 40 } });
});

test('a message SQS refuses (too large) fails its own enqueue only; the others of its turn are stored', async () => {
  const { backend } = await open();
  const big = 'x'.repeat(1100 * 1024); // over SQS's largest message (1 MiB)
  const outcomes = await Promise.allSettled([
    backend.enqueue({ name: 'a', payload: 1, maxAttempts: 1 }),
    backend.enqueue({ name: 'big', payload: big, maxAttempts: 1 }),
    backend.enqueue({ name: 'b', payload: 2, maxAttempts: 1 }),
  ]);
  assert.equal(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(await backend.counts(), { a: { queued: 1 }, b: { queued: 1 } }, 'no record for the refused job');
});

/** A message as an enqueue sends it, as if the enqueue then died (or is slow) before writing the record. */
async function orphanMessage(name: string): Promise<{ id: string; record: Record<string, unknown> }> {
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  clients.push(sqs);
  const id = randomUUID();
  const now = Date.now();
  const record = { id, name: 'late', payload: JSON.stringify({ n: 1 }), status: 'queued', attempt: 0, maxAttempts: 2, runAt: now, createdAt: now, msg: randomUUID() };
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ id, msg: record.msg, job: record }) }));
  return { id, record };
}

test('a message received before its record: the worker waits for the record the enqueue writes, and takes it as written', async () => {
  const { backend, name } = await open();
  const { id, record } = await orphanMessage(name);
  const db = new DynamoDBClient({});
  clients.push(db);
  // The enqueue's put lands 300 ms later, with a field the message's copy lacks.
  setTimeout(() => {
    const item = Object.fromEntries(Object.entries({ ...record, lastError: 'from the put' }).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
    void db.send(new PutItemCommand({ TableName: name, Item: item }));
  }, 300);
  const started = Date.now();
  const lease = await claim(backend);
  assert.ok(lease);
  assert.is(lease!.job.id, id);
  assert.is(lease!.job.lastError, 'from the put', 'the record the enqueue wrote, not one made from the message');
  assert.ok(Date.now() - started < 2000, `claimed ${Date.now() - started} ms after`);
});

test('a message whose enqueue died before the record: created from the message, but only after the grace', async () => {
  const { backend, name } = await open({ recordGraceMs: 2500 });
  const { id } = await orphanMessage(name);
  const started = Date.now();
  let lease = await claim(backend, 1000);
  assert.is(lease, null, 'not within the grace');
  assert.is(await backend.get(id), null, 'and no record made yet');
  for (let i = 0; !lease && i < 20; i++) lease = await claim(backend, 1000);
  assert.ok(lease, 'claimed after the grace');
  assert.is(lease!.job.id, id);
  assert.equal(lease!.job.payload, { n: 1 });
  assert.ok(Date.now() - started >= 2500, `after ${Date.now() - started} ms`);
  assert.ok(await backend.complete(lease!));
  assert.is((await backend.get(id))?.status, 'completed');
});

test('a retry message received before the record names it is kept (hidden), and runs once the record does', async () => {
  const { backend, name } = await open();
  const { id } = await backend.enqueue({ name: 'retried', payload: 1, maxAttempts: 3 });
  const lease = await claim(backend);
  assert.is(lease?.job.id, id);
  // What fail() does, frozen between its two writes: the retry's message is sent, the record still names the old one.
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  clients.push(sqs);
  const msg = randomUUID();
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ id, msg }) }));
  assert.is(await claim(backend, 500), null, 'not claimable yet');
  // The record now names it (the rest of fail()).
  const db = new DynamoDBClient({});
  clients.push(db);
  const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
  await db.send(new UpdateItemCommand({ TableName: name, Key: { id: { S: id } }, UpdateExpression: 'SET #s = :q, msg = :m REMOVE #t, leaseUntil', ExpressionAttributeNames: { '#s': 'status', '#t': 'token' }, ExpressionAttributeValues: { ':q': { S: 'queued' }, ':m': { S: msg } } }));
  const again = await claim(backend, 5000);
  assert.is(again?.job.id, id, 'the message was not dropped as stale');
  assert.is(again?.job.attempt, 2);
});

test.run();
