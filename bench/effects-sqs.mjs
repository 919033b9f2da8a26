// SQS effects backend against the raw AWS clients, on the same emulators in the same run: enqueue
// throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). The emulators are
// fauxqs (SQS) and dynalite (DynamoDB) in a child process (test/helpers/aws-emulators-server.ts):
// their figures say little about the real services, whose round trips cost milliseconds.
// `gati sqs (before batching)` is the backend of commit --before (default e9dbd22, one SendMessage and
// one PutItem per enqueue), transpiled from git into lib/ for the run, so before and after share it.
// Run after `npm run build`:  node bench/effects-sqs.mjs [--n 2000] [--rounds 3] [--before <commit>]
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { WorkerPool } from '../lib/runtime-shim/effects/worker-pool.js';
import { EffectMetrics } from '../lib/runtime-shim/effects/metrics.js';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, GetItemCommand, UpdateItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createEffectsRuntime } from '../lib/runtime-shim/effects/index.js';
import { awsEmulators, stopAwsEmulators } from '../lib/test/helpers/aws-emulators.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' }, before: { type: 'string', default: 'e9dbd22' } } });
const N = Number(values.n);
const ROUNDS = Number(values.rounds);
const WINDOW = 32;
const CONCURRENCY = 8;
const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };

async function pump(n, window, make) {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: window }, async () => { while (next < n) await make(next++); }));
  return n / ((performance.now() - started) / 1000);
}

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
const body = (i) => JSON.stringify({ name: 'noop', payload: { i } });

/** Raw SQS: SendMessage; consumers ReceiveMessage (one at a time, as Gati claims) + DeleteMessage. */
const rawSqs = {
  async enqueue() { const url = await rawQueue(); return pump(N, WINDOW, (i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body(i) }))); },
  async roundTrip() {
    const url = await rawQueue();
    const started = performance.now();
    await pump(N, WINDOW, (i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body(i) })));
    let done = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (done < N) {
        const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }))).Messages?.[0];
        if (!m) continue;
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        done++;
      }
    }));
    return N / ((performance.now() - started) / 1000);
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
    const started = performance.now();
    await pump(N, WINDOW, async (i) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: String(i) }));
      await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: String(i) }, s: { S: 'queued' } } }));
    });
    let done = 0;
    const set = (id, s) => db.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: id } }, UpdateExpression: 'SET s = :s', ExpressionAttributeValues: { ':s': { S: s } } }));
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (done < N) {
        const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }))).Messages?.[0];
        if (!m) continue;
        await db.send(new GetItemCommand({ TableName: table, Key: { id: { S: m.Body } }, ConsistentRead: true }));
        await set(m.Body, 'running');
        await set(m.Body, 'completed');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        done++;
      }
    }));
    return N / ((performance.now() - started) / 1000);
  },
};

/** Gati's sqs backend through the effects runtime (validation off: no validator given). */
async function gatiRuntime(onRun) {
  const name = `gati-${randomUUID().slice(0, 8)}`;
  return createEffectsRuntime({ definitions: [{ name: 'noop', retry: { attempts: 3, backoff: 'exponential', delayMs: 1000 }, run: () => onRun() }], config: { backend: 'sqs', queue: name, table: name }, root: process.cwd(), log });
}
const gati = {
  async enqueue() {
    const rt = await gatiRuntime(() => {});
    try { return await pump(N, WINDOW, (i) => rt.effects.enqueue('noop', { i })); } finally { await rt.stop(1000); }
  },
  async roundTrip() {
    let done = 0;
    let finished;
    const all = new Promise((r) => (finished = r));
    const rt = await gatiRuntime(() => { if (++done === N) finished(); });
    const started = performance.now();
    await pump(N, WINDOW, (i) => rt.effects.enqueue('noop', { i }));
    rt.startWorkers({}, { concurrency: CONCURRENCY, leaseMs: 30_000 });
    await all;
    const rate = N / ((performance.now() - started) / 1000);
    await rt.stop(1000);
    return rate;
  },
};

/** The backend of commit --before, driven like the runtime drives one (its worker pool, 8 at once). */
const beforeFile = new URL('../lib/runtime-shim/effects/.bench-sqs-backend-before.js', import.meta.url);
const beforeSource = execFileSync('git', ['show', `${values.before}:runtime-shim/effects/sqs-backend.ts`], { encoding: 'utf8' });
writeFileSync(beforeFile, (await transform(beforeSource, { loader: 'ts', format: 'esm' })).code);
const { openSqsBackend: openBefore } = await import(beforeFile.href);
const gatiBefore = {
  async enqueue() {
    const name = `before-${randomUUID().slice(0, 8)}`;
    const backend = await openBefore({ queue: name, table: name });
    try { return await pump(N, WINDOW, (i) => backend.enqueue({ name: 'noop', payload: { i }, maxAttempts: 3 })); } finally { await backend.close(); }
  },
  async roundTrip() {
    const name = `before-${randomUUID().slice(0, 8)}`;
    const backend = await openBefore({ queue: name, table: name });
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

const systems = { 'raw SQS': rawSqs, 'raw SQS + DynamoDB (same writes)': rawSqsDynamo, 'gati sqs (before batching)': gatiBefore, 'gati sqs': gati };
const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, s] of Object.entries(systems)) {
    for (const metric of ['enqueue', 'roundTrip']) {
      const rate = await s[metric]();
      ((results[name] ??= {})[metric] ??= []).push(rate);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, n=${N}, ${ROUNDS} rounds (median), window ${WINDOW}, ${CONCURRENCY} jobs at once`);
for (const metric of ['enqueue', 'roundTrip']) {
  console.log(`\n${metric === 'enqueue' ? 'enqueue' : 'enqueue→complete'} (jobs/s)`);
  const base = median(results['raw SQS'][metric]);
  for (const name of Object.keys(systems)) {
    const m = median(results[name][metric]);
    console.log(`  ${name.padEnd(34)} ${m.toFixed(0).padStart(7)}   time × ${(base / m).toFixed(2)} of raw SQS`);
  }
}
sqs.destroy();
db.destroy();
rmSync(beforeFile, { force: true });
await stopAwsEmulators();
