// Google Pub/Sub as the job queue of the pubsub backend (record-queue.ts): a topic, one subscription
// that every worker pulls from, and a "<topic>-dead" topic (with a subscription that keeps its
// messages) for copies of dead jobs. Project, credentials and the emulator come from the client's
// standard chain (GOOGLE_CLOUD_PROJECT, Workload Identity, PUBSUB_EMULATOR_HOST): never the config.
//
// What Pub/Sub cannot do and how the backend covers it: there is no per-message delay, so a job due
// later is pulled at once and hidden with the ack deadline (10 minutes at most, then again) until its
// run time; ack deadlines are whole seconds; a subscription keeps an unacknowledged message 7 days at
// most, so a job due later than that gets a fresh message after 6 days.
import type { Topic } from '@google-cloud/pubsub';
import type { JobQueue, Received } from './record-queue.js';

type PubsubModule = typeof import('@google-cloud/pubsub');
type SubscriberClient = InstanceType<PubsubModule['v1']['SubscriberClient']>;

/** The subscription's ack deadline: a pull hides a message this long before the lease is set. */
const PULL_DEADLINE_S = 30;
const MAX_DEADLINE_S = 600;
const RETENTION_S = 7 * 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;
/** Messages one pull asks for at most (the claims of one turn; the pool never asks for more). */
const PULL_MAX = 100;

const seconds = (ms: number) => Math.min(MAX_DEADLINE_S, Math.max(1, Math.ceil(ms / 1000)));

/** gRPC's ALREADY_EXISTS: another process created it meanwhile. */
const alreadyExists = (error: unknown) => (error as { code?: number }).code === 6;

async function ensureTopic(pubsub: InstanceType<PubsubModule['PubSub']>, name: string): Promise<Topic> {
  const topic = pubsub.topic(name);
  if (!(await topic.exists())[0]) await topic.create().catch((error: unknown) => { if (!alreadyExists(error)) throw error; });
  const subscription = topic.subscription(name);
  if (!(await subscription.exists())[0]) {
    // Kept 7 days unacknowledged, never deleted for want of pulls (the default expires it after 31 idle days).
    await topic
      .createSubscription(name, { ackDeadlineSeconds: PULL_DEADLINE_S, messageRetentionDuration: { seconds: RETENTION_S }, expirationPolicy: {} })
      .catch((error: unknown) => { if (!alreadyExists(error)) throw error; });
  }
  return topic;
}

export async function openPubsubQueue(pubsubModule: PubsubModule, name: string): Promise<JobQueue> {
  const pubsub = new pubsubModule.PubSub();
  const topic = await ensureTopic(pubsub, name);
  const dead = await ensureTopic(pubsub, `${name}-dead`);
  // Publishes resolve once the service has stored the message; concurrent ones share a request.
  for (const t of [topic, dead]) t.setPublishOptions({ batching: { maxMessages: 100, maxMilliseconds: 1 } });
  // A synchronous pull of one message (the streaming pull of `subscription.on('message')` leases
  // messages the worker pool has not asked for). The client takes the PubSub object's settings (the emulator's among them).
  const subscriber: SubscriberClient = new pubsubModule.v1.SubscriberClient(pubsub.options as ConstructorParameters<PubsubModule['v1']['SubscriberClient']>[0]);
  // The project is known once the client made a request (ensureTopic did).
  const subscription = `projects/${pubsub.projectId}/subscriptions/${name}`;

  const queue: JobQueue = {
    maxHideMs: MAX_DEADLINE_S * 1000,
    maxDelayMs: 0,
    refreshAfterMs: RETENTION_S * 1000 - DAY_MS,
    async send(body) {
      await topic.publishMessage({ data: Buffer.from(body) });
    },
    maxReceive: PULL_MAX,
    async receive(hideMs, _waitMs, max) {
      const [out] = await subscriber.pull({ subscription, maxMessages: Math.min(PULL_MAX, Math.max(1, max)), returnImmediately: true });
      const messages = (out.receivedMessages ?? []).flatMap((received): Received[] => {
        if (!received.ackId || !received.message) return [];
        const published = received.message.publishTime;
        return [{
          body: Buffer.from(received.message.data ?? '').toString(),
          sentAt: published ? Number(published.seconds ?? 0) * 1000 + Math.floor((published.nanos ?? 0) / 1e6) : Date.now(),
          handle: received.ackId,
        }];
      });
      if (messages.length && seconds(hideMs) !== PULL_DEADLINE_S) {
        await subscriber.modifyAckDeadline({ subscription, ackIds: messages.map((m) => m.handle as string), ackDeadlineSeconds: seconds(hideMs) });
      }
      return messages;
    },
    async hide(message, ms) {
      try {
        await subscriber.modifyAckDeadline({ subscription, ackIds: [message.handle as string], ackDeadlineSeconds: seconds(ms) });
        return true;
      } catch {
        return false;
      }
    },
    async delete(message) {
      await subscriber.acknowledge({ subscription, ackIds: [message.handle as string] });
    },
    async deleteBatch(messages) {
      await subscriber.acknowledge({ subscription, ackIds: messages.map((m) => m.handle as string) });
    },
    async sendDead(body) {
      await dead.publishMessage({ data: Buffer.from(body) });
    },
    async close() {
      await Promise.allSettled([subscriber.close(), pubsub.close()]);
    },
  };
  return queue;
}
