// The queue service and table clients of the azure-queue backend, for either way of reaching the
// storage account (effects-config.ts AzureStorage): its connection string, or its name with an Entra
// ID token (https://<account>.queue.core.windows.net and .table.core.windows.net).
import { requireOptionalDependency } from '../dependency.js';
import { azureCredential } from './azure-credential.js';
import type { AzureStorage } from './effects-config.js';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { TableClient } from '@azure/data-tables';

export interface AzureStorageClients {
  queues: QueueServiceClient;
  table: TableClient;
  /**
   * Whether the backend creates its queues and table when missing. Through an identity it does not:
   * the deploy template creates them, and the pods' roles are scoped to them, not to the account.
   */
  createMissing: boolean;
}

export async function azureStorageClients(storage: AzureStorage, tableName: string, key: string): Promise<AzureStorageClients> {
  const queueModule = requireOptionalDependency<typeof import('@azure/storage-queue')>('@azure/storage-queue');
  const tablesModule = requireOptionalDependency<typeof import('@azure/data-tables')>('@azure/data-tables');
  if (storage.kind === 'connection-string') {
    const cs = storage.connectionString;
    // azurite (and any other http:// endpoint) is plain HTTP, which the table client refuses unless told.
    const insecure = /(^|;)\s*DefaultEndpointsProtocol=http\s*(;|$)/i.test(cs) || /Endpoint=http:\/\//i.test(cs);
    return {
      queues: queueModule.QueueServiceClient.fromConnectionString(cs),
      table: tablesModule.TableClient.fromConnectionString(cs, tableName, { allowInsecureConnection: insecure }),
      createMissing: true,
    };
  }
  const identityModule = requireOptionalDependency<typeof import('@azure/identity')>('@azure/identity');
  const credential = await azureCredential(identityModule, storage.account, key);
  return {
    queues: new queueModule.QueueServiceClient(`https://${storage.account}.queue.core.windows.net`, credential),
    table: new tablesModule.TableClient(`https://${storage.account}.table.core.windows.net`, tableName, credential),
    createMissing: false,
  };
}
