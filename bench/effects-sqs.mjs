// SQS effects backend against the raw AWS clients, on the same emulators in the same run: enqueue
// throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). The emulators are
// fauxqs (SQS) and dynalite (DynamoDB) in a child process (test/helpers/aws-emulators-server.ts):
// their figures say little about the real services, whose round trips cost milliseconds.
// Run after `npm run build`:  node bench/effects-sqs.mjs [--n 500] [--rounds 3]
import { randomUUID } from 'node:crypto';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, GetItemCommand, UpdateItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { awsEmulators, stopAwsEmulators } from '../lib/test/helpers/aws-emulators.js';
import { CONCURRENCY, N, WINDOW, body, gatiSystem, pump, report } from './effects-cloud.mjs';

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

const systems = { 'raw SQS': rawSqs, 'raw SQS + DynamoDB (same writes)': rawSqsDynamo, 'gati sqs': gatiSystem((name) => ({ backend: 'sqs', queue: name, table: name })) };
await report(systems, 'raw SQS');
sqs.destroy();
db.destroy();
await stopAwsEmulators();
