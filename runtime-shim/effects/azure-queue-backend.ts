// The Azure backend: Azure Queue Storage delivers the jobs (azure-queue.ts), Azure Table Storage in
// the same account keeps the records (azure-table-records.ts). Loaded only when the config says
// `effects: { backend: 'azure-queue' }`; both clients are optional peers of gati.
import { requireOptionalDependency } from '../dependency.js';
import { RecordQueueBackend } from './record-queue-backend.js';
import { openAzureQueue } from './azure-queue.js';
import { openAzureTableRecords } from './azure-table-records.js';
import type { EffectBackend } from './types.js';

export interface AzureQueueBackendOptions {
  connectionString: string;
  /** Storage queue name; dead copies go to "<queue>-dead" (both created when missing). */
  queue: string;
  /** Table of the job records (created when missing). */
  table: string;
}

export async function openAzureQueueBackend(options: AzureQueueBackendOptions): Promise<EffectBackend> {
  const queue = await openAzureQueue(requireOptionalDependency('@azure/storage-queue'), options.connectionString, options.queue);
  const records = await openAzureTableRecords(requireOptionalDependency('@azure/data-tables'), options.connectionString, options.table);
  return new RecordQueueBackend('azure-queue', queue, records);
}
