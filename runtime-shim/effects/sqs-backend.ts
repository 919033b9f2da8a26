// The AWS backend: Amazon SQS delivers the jobs (sqs-queue.ts), a DynamoDB table keeps the records
// (dynamodb-records.ts), and RecordQueueBackend keeps the effects contract on the pair, with SQS's
// batch sends and DynamoDB's batch writes and conditional updates. Loaded only when the config says
// `effects: { backend: 'sqs' }`; the AWS clients are optional peers of gati.
import { requireOptionalDependency } from '../dependency.js';
import { openDynamoRecords } from './dynamodb-records.js';
import { RecordQueueBackend } from './record-queue-backend.js';
import { openSqsQueue } from './sqs-queue.js';
import type { EffectBackend } from './types.js';

export interface SqsBackendOptions {
  /** SQS queue name (created when missing; the deploy output creates it in AWS). */
  queue: string;
  /** DynamoDB table name for the job records (created when missing). */
  table: string;
  /** How old a message must be before it creates its own missing record (default RECORD_GRACE_MS; tests shorten it). */
  recordGraceMs?: number;
}

export async function openSqsBackend(options: SqsBackendOptions): Promise<EffectBackend> {
  const queue = await openSqsQueue(requireOptionalDependency('@aws-sdk/client-sqs'), options.queue);
  const records = await openDynamoRecords(requireOptionalDependency('@aws-sdk/client-dynamodb'), options.table);
  return new RecordQueueBackend('sqs', queue, records, options.recordGraceMs === undefined ? {} : { recordGraceMs: options.recordGraceMs });
}
