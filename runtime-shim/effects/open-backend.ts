// Picks and opens the configured backend. Each backend module (and its library) is imported only
// here, on first use, so an app without effects never loads better-sqlite3, BullMQ or ioredis.
import { isAbsolute, join } from 'node:path';
import type { EffectsConfig } from '../config.js';
import type { EffectBackend } from './types.js';

export const DEFAULT_SQLITE_PATH = '.gati/data/effects.db';

/** The SQLite file for an app: `effects.path` (relative to the app root) or .gati/data/effects.db. */
export function sqlitePath(config: EffectsConfig | undefined, root: string): string {
  const path = config?.path ?? DEFAULT_SQLITE_PATH;
  return path === ':memory:' || isAbsolute(path) ? path : join(root, path);
}

export async function openBackend(config: EffectsConfig | undefined, root: string): Promise<EffectBackend> {
  if (config?.backend === 'redis') {
    const url = config.url ?? process.env['REDIS_URL'];
    if (!url) throw new Error("effects.backend is 'redis' but neither effects.url nor REDIS_URL is set");
    const { openRedisBackend } = await import('./redis-backend.js');
    return openRedisBackend({ url });
  }
  if (config?.backend === 'sqs') {
    const { openSqsBackend, DEFAULT_SQS_QUEUE, DEFAULT_SQS_TABLE } = await import('./sqs-backend.js');
    return openSqsBackend({ queue: config.queue ?? DEFAULT_SQS_QUEUE, table: config.table ?? DEFAULT_SQS_TABLE });
  }
  const { openSqliteBackend } = await import('./sqlite-backend.js');
  return openSqliteBackend({ path: sqlitePath(config, root) });
}
