// SQS effects backend against the raw AWS clients, on the same emulators in the same run: enqueue
// throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). The emulators are
// fauxqs (SQS) and dynalite (DynamoDB) in a child process (test/helpers/aws-emulators-server.ts):
// their figures say little about the real services, whose round trips cost milliseconds.
// `--before <commit>` adds that commit's runtime (effects-cloud.mjs), driven like this build's.
// Run after `npm run build`:  node bench/effects-sqs.mjs [--n 500] [--rounds 3] [--latency <ms>] [--before <commit>]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand, CreateTableCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { WorkerPool } from '../lib/runtime-shim/effects/worker-pool.js';
import { openSqsBackend } from '../lib/runtime-shim/effects/sqs-backend.js';
import { EffectMetrics } from '../lib/runtime-shim/effects/metrics.js';
import { awsEmulators } from '../lib/test/helpers/aws-emulators.js';
import { CONCURRENCY, N, WINDOW, body, gatiSystem, log, perTurn, pump, removeBefore, report, roundTrip, runtimeBefore, values } from './effects-cloud.mjs';

await awsEmulators();

// --latency <ms>: every AWS call, the raw clients' and gati's alike, first waits that long, as a call
// over a network does (the emulators answer on loopback, so by default only their CPU time counts).
// Both builds of the SDK are patched: this file imports its ES modules, gati requires the CommonJS ones.
const LATENCY_MS = Number(values.latency);
if (LATENCY_MS > 0) {
  const require = createRequire(import.meta.url);
  for (const Client of [SQSClient, DynamoDBClient, require('@aws-sdk/client-sqs').SQSClient, require('@aws-sdk/client-dynamodb').DynamoDBClient]) {
    const send = Client.prototype.send;
    Client.prototype.send = async function (...args) {
      await new Promise((r) => setTimeout(r, LATENCY_MS));
      return send.apply(this, args);
    };
  }
}
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const db = new DynamoDBClient({});

async function rawQueue() {
  return (await sqs.send(new CreateQueueCommand({ QueueName: `raw-${randomUUID().slice(0, 8)}` }))).QueueUrl;
}
async function rawTable() {
  const name = `raw-${randomUUID().slice(0, 8)}`;
  await db.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  return name;
}
/** One ReceiveMessage of one message (as Gati claims), or null. */
async function receiveOne(url) {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }))).Messages?.[0] ?? null;
}

/** Raw SQS: SendMessage; consumers ReceiveMessage + DeleteMessage. */
const rawSqs = {
  async enqueue() { const url = await rawQueue(); return pump(N, WINDOW, (i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body(i) }))); },
  async roundTrip() {
    const url = await rawQueue();
    return roundTrip((i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body(i) })), async () => {
      const m = await receiveOne(url);
      if (!m) return false;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      return true;
    });
  },
};

/**
 * Raw SQS + DynamoDB doing the durable work gati does, the plain way: enqueue sends the message and
 * then puts the record (one call each, no batching); a consumer receives one message, marks the
 * record running and then completed with conditional updates (only the job's current message may
 * lease it; only the lease's token may finish it), and deletes the message. No GetItem: the
 * conditions do the checking, as gati's claim does.
 */
const rawSqsDynamo = {
  async enqueue() {
    const url = await rawQueue();
    const table = await rawTable();
    return pump(N, WINDOW, async (i) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body(i) }));
      await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: String(i) }, s: { S: 'queued' } } }));
    });
  },
  async roundTrip() {
    const url = await rawQueue();
    const table = await rawTable();
    const set = (id, s, condition, values) =>
      db.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: id } }, UpdateExpression: 'SET s = :s, t = :t', ConditionExpression: condition, ExpressionAttributeValues: { ':s': { S: s }, ...values } }));
    return roundTrip(
      async (i) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: String(i) }));
        await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: String(i) }, s: { S: 'queued' } } }));
      },
      async () => {
        const m = await receiveOne(url);
        if (!m) return false;
        const token = randomUUID();
        await set(m.Body, 'running', 's = :q', { ':q': { S: 'queued' }, ':t': { S: token } });
        await set(m.Body, 'completed', 't = :t', { ':t': { S: token } });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        return true;
      },
    );
  },
};

/**
 * The ceiling: the same durable work and guarantees as the plain version, written by hand as cheaply
 * as SQS and DynamoDB allow. Enqueue: the messages of a turn in one SendMessageBatch (10 a call), then
 * the records in one BatchWriteItem (25 a call; new random ids, so no condition is needed). Consumers:
 * the receives of a turn in one ReceiveMessage (as many messages as asks), the claim a conditional
 * UpdateItem of its own (DynamoDB batches no conditional writes outside a transaction, which would
 * make one job's failed condition fail the others), the completion a put batched with the turn's
 * others (no one else writes a record while its lease holds) while the consumer takes its next job,
 * the delete batched and not waited for.
 */
function rawSqsDynamoCeiling() {
  const failed = (out) => { if (out.Failed?.length) throw new Error(`SendMessageBatch: ${out.Failed[0].Message}`); };
  const putAll = async (table, items) => {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) requests = (await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }))).UnprocessedItems?.[table] ?? [];
  };
  const open = async () => {
    const [url, table] = [await rawQueue(), await rawTable()];
    const send = perTurn(10, async (bodies) => failed(await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })) }))));
    const put = perTurn(25, (items) => putAll(table, items));
    const enqueue = async (i) => {
      const id = randomUUID();
      await send(JSON.stringify({ id, payload: { i } }));
      await put({ id: { S: id }, s: { S: 'queued' }, p: { S: JSON.stringify({ i }) } });
    };
    return { url, table, put, enqueue };
  };
  return {
    async enqueue() { const { enqueue } = await open(); return pump(N, WINDOW, enqueue); },
    async roundTrip() {
      const { url, table, put, enqueue } = await open();
      const take = perTurn(10, async (asks) => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: asks.length, VisibilityTimeout: 30 }))).Messages ?? []);
      const drop = perTurn(10, (handles) => sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })) })));
      const finishing = [];
      return roundTrip(enqueue, async () => {
        const m = await take();
        if (!m) return false;
        const { id } = JSON.parse(m.Body);
        const token = randomUUID();
        const leased = await db.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: id } }, UpdateExpression: 'SET s = :r, t = :t', ConditionExpression: 's = :q', ExpressionAttributeValues: { ':r': { S: 'running' }, ':q': { S: 'queued' }, ':t': { S: token } }, ReturnValues: 'ALL_NEW' }));
        // The job ran (a no-op): completed while this consumer takes its next one.
        finishing.push(put({ ...leased.Attributes, s: { S: 'completed' }, t: { NULL: true } }).then(() => void drop(m.ReceiptHandle).catch(() => {})));
        return true;
      }, () => Promise.all(finishing));
    },
  };
}

/** A backend driven like the runtime drives one (its worker pool, 8 at once); `open(name)` opens it. */
function backendSystem(open) {
  const fresh = () => open(`bench-${randomUUID().slice(0, 8)}`);
  return {
    async enqueue() {
      const backend = await fresh();
      try { return await pump(N, WINDOW, (i) => backend.enqueue({ name: 'noop', payload: { i }, maxAttempts: 3 })); } finally { await backend.close(); }
    },
    async roundTrip() {
      const backend = await fresh();
      let done = 0;
      let finished;
      const all = new Promise((r) => (finished = r));
      const definitions = new Map([['noop', { name: 'noop', retry: { attempts: 3, backoff: 'exponential', delayMs: 1000 }, run: () => { if (++done === N) finished(); } }]]);
      const started = performance.now();
      await pump(N, WINDOW, (i) => backend.enqueue({ name: 'noop', payload: { i }, maxAttempts: 3 }));
      const pool = new WorkerPool({ backend, definitions, gctx: {}, log, metrics: new EffectMetrics(), concurrency: CONCURRENCY, leaseMs: 30_000 });
      await all;
      const rate = N / ((performance.now() - started) / 1000);
      await pool.stop(1000);
      await backend.close();
      return rate;
    },
  };
}

const before = await runtimeBefore();

await report(
  {
    'raw SQS': rawSqs,
    'raw SQS + DynamoDB (durable, plain)': rawSqsDynamo,
    'raw SQS + DynamoDB (durable, ceiling)': rawSqsDynamoCeiling(),
    ...(before ? { [`gati sqs, before (${values.before})`]: gatiSystem((name) => ({ backend: 'sqs', queue: name, table: name }), before) } : {}),
    'gati sqs backend (worker pool only)': backendSystem((name) => openSqsBackend({ queue: name, table: name })),
    'gati sqs, through the runtime': gatiSystem((name) => ({ backend: 'sqs', queue: name, table: name })),
  },
  'raw SQS',
  'raw SQS + DynamoDB (durable, plain)',
  'raw SQS + DynamoDB (durable, ceiling)',
);
// The emulators end with this process (test/helpers/emulator-process.ts).
sqs.destroy();
db.destroy();
removeBefore();
