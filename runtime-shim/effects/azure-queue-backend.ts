// The Azure backend: Azure Queue Storage delivers the jobs (azure-queue.ts), Azure Table Storage in
// the same account keeps the records (azure-table-records.ts). Loaded only when the config says
// `effects: { backend: 'azure-queue' }`; the clients (and @azure/identity, when the account is
// reached by name) are optional peers of gati.
import { RecordQueueBackend } from './record-queue-backend.js';
import { openAzureQueue } from './azure-queue.js';
import { openAzureTableRecords } from './azure-table-records.js';
import { azureStorageClients } from './azure-storage-clients.js';
import type { AzureStorage } from './effects-config.js';
import type { EffectBackend } from './types.js';

export interface AzureQueueBackendOptions {
  storage: AzureStorage;
  /** The config key named in a GATI4020 error (`deploy.<env>.effects` in an environment). */
  key: string;
  /** Storage queue name; dead copies go to "<queue>-dead". */
  queue: string;
  /** Table of the job records. */
  table: string;
}

export async function openAzureQueueBackend(options: AzureQueueBackendOptions): Promise<EffectBackend> {
  const clients = await azureStorageClients(options.storage, options.table, options.key);
  const queue = await openAzureQueue(clients.queues, options.queue, clients.createMissing);
  const records = await openAzureTableRecords(clients.table, clients.createMissing);
  return new RecordQueueBackend('azure-queue', queue, records);
}
