// SQS effects backend against the raw AWS clients, on the same emulators in the same run: enqueue
// throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). The emulators are
// fauxqs (SQS) and dynalite (DynamoDB) in a child process (test/helpers/aws-emulators-server.ts):
// their figures say little about the real services, whose round trips cost milliseconds.
// `gati sqs backend, before` is the backend of commit --before (default 949b0c3, the standalone SQS
// backend before it became adapters of RecordQueueBackend), transpiled from git into lib/ for the
// run and driven by the same worker pool as this build's backend, so both share the emulators and the load.
// Run after `npm run build`:  node bench/effects-sqs.mjs [--n 500] [--rounds 3] [--before <commit>]
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { transform } from 'esbuild';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, GetItemCommand, UpdateItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { WorkerPool } from '../lib/runtime-shim/effects/worker-pool.js';
import { openSqsBackend } from '../lib/runtime-shim/effects/sqs-backend.js';
import { EffectMetrics } from '../lib/runtime-shim/effects/metrics.js';
import { awsEmulators, stopAwsEmulators } from '../lib/test/helpers/aws-emulators.js';
import { CONCURRENCY, N, WINDOW, body, gatiSystem, log, pump, report, roundTrip, values } from './effects-cloud.mjs';

await awsEmulators();
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

/** Raw SQS + DynamoDB doing the writes this design needs (the floor of a queue + job-record backend). */
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
    const set = (id, s) => db.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: id } }, UpdateExpression: 'SET s = :s', ExpressionAttributeValues: { ':s': { S: s } } }));
    return roundTrip(
      async (i) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: String(i) }));
        await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: String(i) }, s: { S: 'queued' } } }));
      },
      async () => {
        const m = await receiveOne(url);
        if (!m) return false;
        await db.send(new GetItemCommand({ TableName: table, Key: { id: { S: m.Body } }, ConsistentRead: true }));
        await set(m.Body, 'running');
        await set(m.Body, 'completed');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        return true;
      },
    );
  },
};

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

/** The backend of commit --before, transpiled from git into lib/ (so it imports this build's helpers). */
const before = values.before ?? '949b0c3';
const beforeFile = new URL('../lib/runtime-shim/effects/.bench-sqs-backend-before.js', import.meta.url);
const beforeSource = execFileSync('git', ['show', `${before}:runtime-shim/effects/sqs-backend.ts`], { encoding: 'utf8' });
writeFileSync(beforeFile, (await transform(beforeSource, { loader: 'ts', format: 'esm' })).code);
const { openSqsBackend: openBefore } = await import(beforeFile.href);

await report(
  {
    'raw SQS': rawSqs,
    'raw SQS + DynamoDB (same writes)': rawSqsDynamo,
    [`gati sqs backend, before (${before})`]: backendSystem((name) => openBefore({ queue: name, table: name })),
    'gati sqs backend, this build': backendSystem((name) => openSqsBackend({ queue: name, table: name })),
    'gati sqs, through the runtime': gatiSystem((name) => ({ backend: 'sqs', queue: name, table: name })),
  },
  'raw SQS',
);
sqs.destroy();
db.destroy();
rmSync(beforeFile, { force: true });
await stopAwsEmulators();
