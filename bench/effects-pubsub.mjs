// The pubsub effects backend against the raw Google clients, on the same emulators in the same run:
// enqueue throughput, and enqueue→complete throughput (no-op effect, 8 jobs at once). Google's
// Pub/Sub and Firestore emulators (Java, started here through gcloud) share the machine's cores with
// the benchmark: their figures say little about the real services.
// Run after `npm run build`:  node bench/effects-pubsub.mjs [--n 500] [--rounds 3] [--before <commit>]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { pubsubEmulators } from '../lib/test/helpers/pubsub-emulator.js';
import { N, WINDOW, body, gatiSystem, perTurn, pump, removeBefore, report, roundTrip, runtimeBefore, values } from './effects-cloud.mjs';

const require = createRequire(import.meta.url);
const { PubSub, v1 } = require('@google-cloud/pubsub');
const { Firestore } = require('@google-cloud/firestore');

await pubsubEmulators();
const pubsub = new PubSub();
const subscriber = new v1.SubscriberClient(pubsub.options);
const firestore = new Firestore();

/** A topic and subscription, published with the options Gati uses. */
async function rawTopic() {
  const name = `raw-${randomUUID().slice(0, 8)}`;
  const [topic] = await pubsub.createTopic(name);
  await topic.createSubscription(name, { ackDeadlineSeconds: 30 });
  topic.setPublishOptions({ batching: { maxMessages: 100, maxMilliseconds: 1 } });
  return { topic, subscription: topic.subscription(name).name };
}
/** One synchronous pull of one message (as Gati claims), or null. */
async function pullOne(subscription) {
  const [out] = await subscriber.pull({ subscription, maxMessages: 1, returnImmediately: true });
  return out.receivedMessages?.[0] ?? null;
}

/** Raw Pub/Sub: publish; consumers pull one message + acknowledge. */
const rawPubsub = {
  async enqueue() { const { topic } = await rawTopic(); return pump(N, WINDOW, (i) => topic.publishMessage({ data: Buffer.from(body(i)) })); },
  async roundTrip() {
    const { topic, subscription } = await rawTopic();
    return roundTrip((i) => topic.publishMessage({ data: Buffer.from(body(i)) }), async () => {
      const m = await pullOne(subscription);
      if (!m) return false;
      await subscriber.acknowledge({ subscription, ackIds: [m.ackId] });
      return true;
    });
  },
};

/** Raw Pub/Sub + Firestore doing gati's durable work the plain way: publish then create the record; per job a get, a compare-and-set to running, an update to completed, an acknowledge. */
const rawPubsubFirestore = {
  async enqueue() {
    const { topic } = await rawTopic();
    const jobs = firestore.collection(`raw-${randomUUID().slice(0, 8)}`);
    return pump(N, WINDOW, async (i) => {
      await topic.publishMessage({ data: Buffer.from(String(i)) });
      await jobs.doc(String(i)).create({ s: 'queued' });
    });
  },
  async roundTrip() {
    const { topic, subscription } = await rawTopic();
    const jobs = firestore.collection(`raw-${randomUUID().slice(0, 8)}`);
    return roundTrip(
      async (i) => {
        await topic.publishMessage({ data: Buffer.from(String(i)) });
        await jobs.doc(String(i)).create({ s: 'queued' });
      },
      async () => {
        const m = await pullOne(subscription);
        if (!m) return false;
        const doc = jobs.doc(m.message.data.toString());
        const snap = await doc.get();
        await doc.update({ s: 'running' }, { lastUpdateTime: snap.updateTime });
        await doc.update({ s: 'completed' });
        await subscriber.acknowledge({ subscription, ackIds: [m.ackId] });
        return true;
      },
    );
  },
};

/**
 * The ceiling: the same durable work and guarantees written by hand as cheaply as Pub/Sub and
 * Firestore allow. Enqueue: publish (the client batches concurrent publishes), then the records of a
 * turn created in one atomic commit (fresh random ids: none exists). Consumers: the pulls of a turn in
 * one pull, its reads in one getAll, its claims (each conditional on the update time just read) in one
 * commit, its completions (each conditional on the claim's write time; made while the consumer takes
 * its next job) in one commit, the acks of a turn in one acknowledge, not waited for. A commit is all
 * or nothing: a careful consumer would take the writes one by one when it fails, which never happens
 * here (distinct jobs, nobody else writes).
 */
function rawPubsubFirestoreCeiling() {
  const open = async () => {
    const { topic, subscription } = await rawTopic();
    const jobs = firestore.collection(`raw-${randomUUID().slice(0, 8)}`);
    const commit = (write) => perTurn(500, async (items) => {
      const batch = firestore.batch();
      for (const item of items) write(batch, item);
      return (await batch.commit()).map((r) => r.writeTime);
    });
    const create = commit((batch, { id, i }) => batch.create(jobs.doc(id), { s: 'queued', p: { i } }));
    const enqueue = async (i) => {
      const id = randomUUID();
      await topic.publishMessage({ data: Buffer.from(id) });
      await create({ id, i });
    };
    return { subscription, jobs, commit, enqueue };
  };
  return {
    async enqueue() { const { enqueue } = await open(); return pump(N, WINDOW, enqueue); },
    async roundTrip() {
      const { subscription, jobs, commit, enqueue } = await open();
      const take = perTurn(100, async (asks) => (await subscriber.pull({ subscription, maxMessages: asks.length, returnImmediately: true }))[0].receivedMessages ?? []);
      const read = perTurn(100, (ids) => firestore.getAll(...ids.map((id) => jobs.doc(id))));
      const set = commit((batch, { id, s, version }) => batch.update(jobs.doc(id), { s }, { lastUpdateTime: version }));
      const ack = perTurn(100, (ackIds) => subscriber.acknowledge({ subscription, ackIds }));
      const finishing = [];
      return roundTrip(enqueue, async () => {
        const m = await take();
        if (!m) return false;
        const id = m.message.data.toString();
        const snap = await read(id);
        if (snap.get('s') !== 'queued') throw new Error(`job ${id} is ${snap.get('s')}`);
        const leased = await set({ id, s: 'running', version: snap.updateTime });
        // The job ran (a no-op): completed while this consumer takes its next one.
        finishing.push(set({ id, s: 'completed', version: leased }).then(() => void ack(m.ackId).catch(() => {})));
        return true;
      }, () => Promise.all(finishing));
    },
  };
}

const before = await runtimeBefore();
await report(
  {
    'raw Pub/Sub': rawPubsub,
    'raw Pub/Sub + Firestore (durable, plain)': rawPubsubFirestore,
    'raw Pub/Sub + Firestore (durable, ceiling)': rawPubsubFirestoreCeiling(),
    ...(before ? { [`gati pubsub, before (${values.before})`]: gatiSystem((name) => ({ backend: 'pubsub', queue: name, table: name }), before) } : {}),
    'gati pubsub': gatiSystem((name) => ({ backend: 'pubsub', queue: name, table: name })),
  },
  'raw Pub/Sub',
  'raw Pub/Sub + Firestore (durable, plain)',
  'raw Pub/Sub + Firestore (durable, ceiling)',
);
await Promise.allSettled([subscriber.close(), pubsub.close(), firestore.terminate()]);
removeBefore();
