// Dead jobs on the cloud queues also leave a copy in the dead-letter queue or topic ("<queue>-dead"),
// for operators' tooling; the record stays the truth (`gati effects dead` reads records). Read here
// with the raw clients, on the emulators.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { openBackend } from '../runtime-shim/effects/index.js';
import { waitFor, type Store } from './helpers/effects.js';
import { pubsubEmulators, pubsubStore } from './helpers/pubsub-emulator.js';
import { azurite, azureStore } from './helpers/azurite.js';

const require = createRequire(import.meta.url);

interface DeadCopy {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  lastError: string | null;
}

/** Enqueues, claims and fails a job for good; returns its id and what `readDead` finds in the dead-letter queue. */
async function killOne(store: Store, readDead: () => Promise<DeadCopy | null>): Promise<{ id: string; copy: DeadCopy }> {
  const b = await openBackend(store.config, store.root);
  try {
    const { id } = await b.enqueue({ name: 'mail', payload: { to: 'x@y.z' }, maxAttempts: 1 });
    const lease = await b.claim({ workerId: 'w', leaseMs: 5000, waitMs: 5000 });
    assert.is(lease?.job.id, id);
    assert.is(await b.fail(lease!, 'Error: smtp said no', null), true);
    assert.is((await b.get(id))?.status, 'dead');
    return { id, copy: await waitFor(readDead, 10_000, 'the dead-letter copy') };
  } finally {
    await b.close();
  }
}

const pubsub = suite('dead-letter copy: pubsub');
pubsub.before(pubsubEmulators);
pubsub('a dead job is published to "<topic>-dead", whose subscription keeps it', async () => {
  const store = pubsubStore();
  const { PubSub, v1 } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  const client = new PubSub();
  const subscriber = new v1.SubscriberClient(client.options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  try {
    const subscription = `projects/${process.env['GOOGLE_CLOUD_PROJECT']}/subscriptions/${store.config.queue}-dead`;
    const { id, copy } = await killOne(store, async () => {
      const [out] = await subscriber.pull({ subscription, maxMessages: 1, returnImmediately: true });
      const data = out.receivedMessages?.[0]?.message?.data;
      return data ? (JSON.parse(Buffer.from(data).toString()) as DeadCopy) : null;
    });
    assert.equal({ ...copy, deadAt: undefined }, { id, name: 'mail', payload: { to: 'x@y.z' }, attempt: 1, lastError: 'Error: smtp said no', deadAt: undefined });
  } finally {
    await Promise.allSettled([subscriber.close(), client.close()]);
    await store.cleanup();
  }
});
pubsub.run();

const azure = suite('dead-letter copy: azure-queue');
azure.before(azurite);
azure('a dead job is sent to the queue "<queue>-dead"', async () => {
  const store = azureStore();
  const { QueueServiceClient } = require('@azure/storage-queue') as typeof import('@azure/storage-queue');
  const dead = QueueServiceClient.fromConnectionString(process.env['AZURE_STORAGE_CONNECTION_STRING']!).getQueueClient(`${store.config.queue}-dead`);
  try {
    const { id, copy } = await killOne(store, async () => {
      const text = (await dead.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems[0]?.messageText;
      return text ? (JSON.parse(text) as DeadCopy) : null;
    });
    assert.equal({ ...copy, deadAt: undefined }, { id, name: 'mail', payload: { to: 'x@y.z' }, attempt: 1, lastError: 'Error: smtp said no', deadAt: undefined });
  } finally {
    await store.cleanup();
  }
});
azure.run();
