// Amazon SQS as the job queue of the sqs backend (record-queue.ts). Region, credentials and endpoint
// come from the SDK's standard chain (AWS_REGION, IRSA's web identity, AWS_ENDPOINT_URL_SQS for an
// emulator): never from the config. Requests go to the configured endpoint, not to the host in the
// queue URL (an emulator's queue URLs name hosts such as sqs.us-east-1.localhost that need not resolve).
//
// What SQS cannot do and how the backend covers it: DelaySeconds stops at 15 minutes, so a job due
// later is received early and hidden again (ChangeMessageVisibility, up to 12 hours at a time) until
// its run time; a message is deleted 14 days after it was sent, hidden or not, so a job due later
// than 13 days gets a fresh one; delays and visibility are whole seconds. What SQS does well: a batch
// send (SendMessageBatch, 10 messages and 256 KiB a call: the enqueues of one turn), a receive of up
// to 10 (the claims of one turn), a batch delete (DeleteMessageBatch: the finished jobs of one turn)
// and long polls.
// Dead jobs need no copy from here: the deploy output gives the queue a dead-letter queue with a
// redrive policy, and the record stays the truth.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue, Received } from './record-queue.js';
import { chunks, type BatchOutcome } from './tick-batcher.js';

type Sqs = typeof import('@aws-sdk/client-sqs');

/** SQS's longest per-message delay, visibility timeout and retention, in seconds. */
const MAX_DELAY_S = 900;
const MAX_VISIBILITY_S = 43_200;
const MAX_RETENTION_S = 1_209_600;
const DAY_MS = 24 * 3600 * 1000;
/** Longest long poll SQS allows. */
const MAX_WAIT_S = 20;
/** SendMessageBatch: 10 messages and 256 KiB of bodies a call. */
const SEND_BATCH = 10;
const SEND_BATCH_BYTES = 262_144;
/** ReceiveMessage and DeleteMessageBatch: 10 messages a call. */
const RECEIVE_MAX = 10;

const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));

async function ensureQueue(sqs: Sqs, client: SQSClient, name: string): Promise<string> {
  try {
    return (await client.send(new sqs.GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  } catch (error) {
    if (!(error instanceof sqs.QueueDoesNotExist)) throw error;
    // The longest retention SQS allows (14 days; the default is 4): a message is deleted when it is
    // that old, hidden or not, so a job due later gets a fresh message (refreshAfterMs).
    return (await client.send(new sqs.CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: String(MAX_RETENTION_S) } }))).QueueUrl!;
  }
}

export async function openSqsQueue(sqs: Sqs, name: string): Promise<JobQueue> {
  const client = new sqs.SQSClient({ useQueueUrlAsEndpoint: false });
  const queueUrl = await ensureQueue(sqs, client, name);
  /** Ends long polls on close. */
  const abort = new AbortController();

  const sendGroup = async (group: { body: string; delayMs: number }[]): Promise<BatchOutcome<void>[]> => {
    try {
      const out = await client.send(
        new sqs.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: group.map((m, i) => ({ Id: String(i), MessageBody: m.body, DelaySeconds: seconds(m.delayMs, MAX_DELAY_S) })) }),
      );
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      return group.map((_, i) => {
        const f = failed.get(String(i));
        return f ? { ok: false, error: new Error(`SQS did not take the message: ${f.Code ?? 'error'}: ${f.Message ?? ''}`) } : { ok: true, value: undefined };
      });
    } catch (error) {
      return group.map(() => ({ ok: false, error }));
    }
  };

  const queue: JobQueue = {
    maxHideMs: MAX_VISIBILITY_S * 1000,
    maxDelayMs: MAX_DELAY_S * 1000,
    refreshAfterMs: MAX_RETENTION_S * 1000 - DAY_MS,
    async send(body, delayMs) {
      const [outcome] = await sendGroup([{ body, delayMs }]);
      if (!outcome?.ok) throw outcome?.error;
    },
    async sendBatch(messages) {
      const groups = chunks(messages, SEND_BATCH, SEND_BATCH_BYTES, (m) => Buffer.byteLength(m.body));
      return (await Promise.all(groups.map(sendGroup))).flat();
    },
    maxReceive: RECEIVE_MAX,
    async receive(hideMs, waitMs, max) {
      let messages: Message[];
      try {
        const out = await client.send(
          new sqs.ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(RECEIVE_MAX, Math.max(1, max)),
            MessageSystemAttributeNames: ['SentTimestamp'],
            VisibilityTimeout: seconds(hideMs, MAX_VISIBILITY_S),
            WaitTimeSeconds: Math.min(MAX_WAIT_S, Math.floor(waitMs / 1000)),
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (error) {
        if (abort.signal.aborted) return [];
        throw error;
      }
      return messages
        .filter((m) => m.ReceiptHandle)
        .map((m): Received => ({ body: m.Body ?? '', sentAt: Number(m.Attributes?.SentTimestamp ?? 0), handle: m.ReceiptHandle }));
    },
    async hide(message, ms) {
      try {
        await client.send(new sqs.ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.handle as string, VisibilityTimeout: seconds(ms, MAX_VISIBILITY_S) }));
        return true;
      } catch {
        return false;
      }
    },
    async delete(message) {
      await client.send(new sqs.DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.handle as string }));
    },
    async deleteBatch(messages) {
      await Promise.all(
        chunks(messages, RECEIVE_MAX).map((group) =>
          client.send(new sqs.DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: group.map((m, i) => ({ Id: String(i), ReceiptHandle: m.handle as string })) })),
        ),
      );
    },
    // The queue's redrive policy moves messages to the dead-letter queue (see above).
    async sendDead() {},
    async close() {
      abort.abort();
      client.destroy();
    },
  };
  return queue;
}
