// Azure Queue Storage as the job queue of the azure-queue backend (record-queue.ts): one storage
// queue that every worker receives from, and "<queue>-dead" for copies of dead jobs. The account is
// reached through azure-storage-clients.ts (a connection string, or the account's name and an Entra ID token).
//
// What Azure Queue Storage cannot do and how the backend covers it: a message is held back or hidden
// 7 days at most, so a job due later is received and hidden again, 7 days at a time (messages are
// sent with no time to live, so waiting never ends them); visibility is whole seconds; a message is
// 64 KiB at most, and a first enqueue's message carries the whole job, so a payload near that size
// is refused at enqueue (keep large data in a blob and enqueue its name); no long polling, so an idle
// worker polls; no batch send or delete, so sends and deletes go one by one, in parallel (record-queue-backend.ts: 20 ms doubling to 250 ms between polls).
import type { JobQueue, Received } from './record-queue.js';

import type { QueueServiceClient } from '@azure/storage-queue';

const MAX_HIDE_S = 7 * 24 * 3600;
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Most messages one receive may ask for. */
const RECEIVE_MAX = 32;

const seconds = (ms: number, min: number) => Math.min(MAX_HIDE_S, Math.max(min, Math.ceil(ms / 1000)));

interface Handle {
  id: string;
  /** Changes with every visibility update. */
  pop: string;
}

/** `create`: create both queues when missing (not through an identity: the deploy template made them). */
export async function openAzureQueue(service: QueueServiceClient, name: string, create: boolean): Promise<JobQueue> {
  const queue = service.getQueueClient(name);
  const dead = service.getQueueClient(`${name}-dead`);
  if (create) {
    await queue.createIfNotExists();
    await dead.createIfNotExists();
  }
  const send = async (client: typeof queue, body: string, delayMs: number) => {
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new Error(`the job is ${bytes} bytes as a message, over Azure Queue Storage's ${MAX_MESSAGE_BYTES}: keep large data elsewhere (a blob) and enqueue a reference to it`);
    }
    await client.sendMessage(body, { visibilityTimeout: seconds(delayMs, 0), messageTimeToLive: -1 });
  };

  return {
    maxHideMs: MAX_HIDE_S * 1000,
    maxDelayMs: MAX_HIDE_S * 1000,
    refreshAfterMs: Number.POSITIVE_INFINITY,
    send: (body, delayMs) => send(queue, body, delayMs),
    maxReceive: RECEIVE_MAX,
    async receive(hideMs, _waitMs, max) {
      const out = await queue.receiveMessages({ numberOfMessages: Math.min(RECEIVE_MAX, Math.max(1, max)), visibilityTimeout: seconds(hideMs, 1) });
      return out.receivedMessageItems.map((item): Received => ({ body: item.messageText, sentAt: item.insertedOn.getTime(), handle: { id: item.messageId, pop: item.popReceipt } satisfies Handle }));
    },
    async hide(message, ms) {
      const handle = message.handle as Handle;
      try {
        const out = await queue.updateMessage(handle.id, handle.pop, undefined, seconds(ms, 0));
        if (out.popReceipt) handle.pop = out.popReceipt;
        return true;
      } catch {
        return false;
      }
    },
    async delete(message) {
      const handle = message.handle as Handle;
      await queue.deleteMessage(handle.id, handle.pop);
    },
    sendDead: (body) => send(dead, body, 0),
    async close() {},
  };
}
