// Picks and opens the configured backend. Each backend module (and its library) is imported only
// here, on first use, so an app without effects never loads better-sqlite3, BullMQ or ioredis, nor a cloud client.
import type { EffectsConfig } from '../config.js';
import type { EffectBackend } from './types.js';
import { azureConnectionString, backendTarget } from './effects-config.js';

export { DEFAULT_SQLITE_PATH, sqlitePath } from './effects-config.js';

/** Opens the backend; `key` names the config key in a GATI4020 error (`deploy.<env>.effects` in an environment). */
export async function openBackend(config: EffectsConfig | undefined, root: string, key = 'effects'): Promise<EffectBackend> {
  const target = backendTarget(config, root, key);
  if (target.kind === 'redis') {
    const { openRedisBackend } = await import('./redis-backend.js');
    return openRedisBackend({ url: target.url });
  }
  if (config?.backend === 'sqs') {
    const { openSqsBackend, DEFAULT_SQS_QUEUE, DEFAULT_SQS_TABLE } = await import('./sqs-backend.js');
    return openSqsBackend({ queue: config.queue ?? DEFAULT_SQS_QUEUE, table: config.table ?? DEFAULT_SQS_TABLE });
  }
  if (config?.backend === 'pubsub') {
    const { openPubsubBackend, DEFAULT_PUBSUB_TOPIC, DEFAULT_FIRESTORE_COLLECTION } = await import('./pubsub-backend.js');
    return openPubsubBackend({ topic: config.queue ?? DEFAULT_PUBSUB_TOPIC, collection: config.table ?? DEFAULT_FIRESTORE_COLLECTION });
  }
  if (config?.backend === 'azure-queue') {
    const connectionString = azureConnectionString(key);
    const { openAzureQueueBackend, DEFAULT_AZURE_QUEUE, DEFAULT_AZURE_TABLE } = await import('./azure-queue-backend.js');
    return openAzureQueueBackend({ connectionString, queue: config.queue ?? DEFAULT_AZURE_QUEUE, table: config.table ?? DEFAULT_AZURE_TABLE });
  }
  const { openSqliteBackend } = await import('./sqlite-backend.js');
  return openSqliteBackend({ path: target.path });
}
