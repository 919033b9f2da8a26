// Picks and opens the configured backend. Each backend module (and its library) is imported only
// here, on first use, so an app without effects never loads better-sqlite3, BullMQ or ioredis, nor a cloud client.
import type { EffectsConfig } from '../config.js';
import type { EffectBackend } from './types.js';
import { azureStorage, backendTarget } from './effects-config.js';
import { CONFIG_DEFAULTS } from '../defaults.js';

export { sqlitePath } from './effects-config.js';

/** Opens the backend; `key` names the config key in a GATI4020 error (`deploy.<env>.effects` in an environment). */
export async function openBackend(config: EffectsConfig | undefined, root: string, key = 'effects'): Promise<EffectBackend> {
  const target = backendTarget(config, root, key);
  if (target.kind === 'redis') {
    const { openRedisBackend } = await import('./redis-backend.js');
    return openRedisBackend({ url: target.url });
  }
  if (config?.backend === 'sqs') {
    const { openSqsBackend } = await import('./sqs-backend.js');
    return openSqsBackend({ queue: config.queue ?? CONFIG_DEFAULTS.effects.queue, table: config.table ?? CONFIG_DEFAULTS.effects.table });
  }
  if (config?.backend === 'pubsub') {
    const { openPubsubBackend } = await import('./pubsub-backend.js');
    return openPubsubBackend({ topic: config.queue ?? CONFIG_DEFAULTS.effects.queue, collection: config.table ?? CONFIG_DEFAULTS.effects.table });
  }
  if (config?.backend === 'azure-queue') {
    const storage = azureStorage(key);
    const { openAzureQueueBackend } = await import('./azure-queue-backend.js');
    return openAzureQueueBackend({ storage, key, queue: config.queue ?? CONFIG_DEFAULTS.effects.queue, table: config.table ?? CONFIG_DEFAULTS.effects.azureTable });
  }
  const { openSqliteBackend } = await import('./sqlite-backend.js');
  return openSqliteBackend({ path: target.path });
}
