// The azure-queue effects backend against the raw Azure clients, on the same azurite in the same run:
// enqueue throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). azurite (in
// memory, one Node process) shares the machine's cores with the benchmark: its figures say little
// about the real service.
// Run after `npm run build`:  node bench/effects-azure.mjs [--n 500] [--rounds 3] [--before <commit>]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { azurite } from '../lib/test/helpers/azurite.js';
import { N, WINDOW, body, gatiSystem, perTurn, pump, removeBefore, report, roundTrip, runtimeBefore, values } from './effects-cloud.mjs';

const require = createRequire(import.meta.url);
const { QueueServiceClient } = require('@azure/storage-queue');
const { TableClient } = require('@azure/data-tables');

await azurite();
const connection = process.env.AZURE_STORAGE_CONNECTION_STRING;
const queues = QueueServiceClient.fromConnectionString(connection);
const fresh = () => randomUUID().replace(/-/g, '').slice(0, 12);
const tableClient = (name) => TableClient.fromConnectionString(connection, name, { allowInsecureConnection: true });
/**
 * Queues and tables a run made, deleted once it is over (`cleaned`): azurite scans every message it
 * holds on each receive, so the messages the enqueue runs leave behind would slow every later
 * receive, and the systems run later in a round would pay for the earlier ones.
 */
const made = { queues: [], tables: [] };
async function dropMade() {
  const [q, t] = [made.queues.splice(0), made.tables.splice(0)];
  await Promise.all([...q.map((name) => queues.getQueueClient(name).deleteIfExists()), ...t.map((name) => tableClient(name).deleteTable())]);
}
const cleaned = (system) => ({
  async enqueue() { try { return await system.enqueue(); } finally { await dropMade(); } },
  async roundTrip() { try { return await system.roundTrip(); } finally { await dropMade(); } },
});
/** Gati's queue, dead-letter queue and table of a run, deleted after it. */
const gatiConfig = (name) => {
  made.queues.push(name, `${name}-dead`);
  made.tables.push(name.replace(/-/g, ''));
  return { backend: 'azure-queue', queue: name, table: name.replace(/-/g, '') };
};
async function rawQueue() {
  const name = `raw-${fresh()}`;
  made.queues.push(name);
  const queue = queues.getQueueClient(name);
  await queue.create();
  return queue;
}
async function rawTable() {
  const name = `raw${fresh()}`;
  made.tables.push(name);
  const table = tableClient(name);
  await table.createTable();
  return table;
}
/** One message received (as Gati claims), or null. */
const receiveOne = async (queue) => (await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 })).receivedMessageItems[0] ?? null;

/** Raw Azure Queue: sendMessage; consumers receive one message + deleteMessage. */
const rawAzure = {
  async enqueue() { const queue = await rawQueue(); return pump(N, WINDOW, (i) => queue.sendMessage(body(i))); },
  async roundTrip() {
    const queue = await rawQueue();
    return roundTrip((i) => queue.sendMessage(body(i)), async () => {
      const m = await receiveOne(queue);
      if (!m) return false;
      await queue.deleteMessage(m.messageId, m.popReceipt);
      return true;
    });
  },
};

/** Raw Azure Queue + Table doing gati's durable work the plain way: send then create the record; per job a get, a compare-and-set (ETag) to running, a replace to completed, a delete. */
const rawAzureTable = {
  async enqueue() {
    const [queue, table] = [await rawQueue(), await rawTable()];
    return pump(N, WINDOW, async (i) => {
      await queue.sendMessage(String(i));
      await table.createEntity({ partitionKey: String(i), rowKey: 'job', s: 'queued' });
    });
  },
  async roundTrip() {
    const [queue, table] = [await rawQueue(), await rawTable()];
    return roundTrip(
      async (i) => {
        await queue.sendMessage(String(i));
        await table.createEntity({ partitionKey: String(i), rowKey: 'job', s: 'queued' });
      },
      async () => {
        const m = await receiveOne(queue);
        if (!m) return false;
        const e = await table.getEntity(m.messageText, 'job');
        await table.updateEntity({ partitionKey: e.partitionKey, rowKey: 'job', s: 'running' }, 'Replace', { etag: e.etag });
        await table.updateEntity({ partitionKey: e.partitionKey, rowKey: 'job', s: 'completed' }, 'Replace');
        await queue.deleteMessage(m.messageId, m.popReceipt);
        return true;
      },
    );
  },
};

/**
 * The ceiling: the same durable work and guarantees written by hand as cheaply as Azure Queue and
 * Table Storage allow. Azure sends and deletes messages one at a time (no batch calls), and a table
 * transaction groups entities of one partition only, so with a partition per job (as gati's records,
 * spread for the service's per-partition limits) each record write is a call of its own. Enqueue:
 * send, then create. Consumers: the receives of a turn in one receive (up to 32 messages), a read, the
 * claim a replace on the ETag just read, the completion a replace on the claim's ETag (no second
 * read) while the consumer takes its next job, the delete not waited for (one still under way when
 * the run deletes its queue fails, unheard).
 *
 * `shared`: the records of one queue in one partition instead, so the creates of a turn go in one
 * transaction (100 a call, all or nothing: fresh random ids never collide). A variant, to price the
 * question; one partition is served by one server (Azure's target: 2,000 entities a second).
 */
function rawAzureTableCeiling(shared) {
  const open = async () => {
    const [queue, table] = [await rawQueue(), await rawTable()];
    const key = (id) => (shared ? { partitionKey: 'jobs', rowKey: id } : { partitionKey: id, rowKey: 'job' });
    const create = shared
      ? perTurn(100, (entities) => table.submitTransaction(entities.map((e) => ['create', e])))
      : (entity) => table.createEntity(entity);
    const enqueue = async (i) => {
      const id = randomUUID();
      await queue.sendMessage(id);
      await create({ ...key(id), s: 'queued', p: JSON.stringify({ i }) });
    };
    return { queue, table, key, enqueue };
  };
  return {
    async enqueue() { const { enqueue } = await open(); return pump(N, WINDOW, enqueue); },
    async roundTrip() {
      const { queue, table, key, enqueue } = await open();
      const take = perTurn(32, async (asks) => (await queue.receiveMessages({ numberOfMessages: asks.length, visibilityTimeout: 30 })).receivedMessageItems);
      const finishing = [];
      return roundTrip(enqueue, async () => {
        const m = await take();
        if (!m) return false;
        const k = key(m.messageText);
        const e = await table.getEntity(k.partitionKey, k.rowKey);
        if (e.s !== 'queued') throw new Error(`job ${m.messageText} is ${e.s}`);
        const leased = await table.updateEntity({ ...k, s: 'running', p: e.p }, 'Replace', { etag: e.etag });
        // The job ran (a no-op): completed while this consumer takes its next one.
        finishing.push(table.updateEntity({ ...k, s: 'completed', p: e.p }, 'Replace', { etag: leased.etag }).then(() => void queue.deleteMessage(m.messageId, m.popReceipt).catch(() => {})));
        return true;
      }, () => Promise.all(finishing));
    },
  };
}

const before = await runtimeBefore();
await report(
  {
    'raw Azure Queue': cleaned(rawAzure),
    'raw Azure Queue + Table (durable, plain)': cleaned(rawAzureTable),
    'raw Azure Queue + Table (durable, ceiling)': cleaned(rawAzureTableCeiling(false)),
    'raw Azure, ceiling with one shared partition': cleaned(rawAzureTableCeiling(true)),
    ...(before ? { [`gati azure-queue, before (${values.before})`]: cleaned(gatiSystem(gatiConfig, before)) } : {}),
    'gati azure-queue': cleaned(gatiSystem(gatiConfig)),
  },
  'raw Azure Queue',
  'raw Azure Queue + Table (durable, plain)',
  'raw Azure Queue + Table (durable, ceiling)',
);
removeBefore();
