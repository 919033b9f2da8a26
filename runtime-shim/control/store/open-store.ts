// Which store holds the panel's state: SQLite in the app's .gati/ unless the config says Redis
// (`control.store: 'redis'` or a `control.url`), or the app already runs its effects on Redis
// (several instances share one state then). The Redis URL is found as the effects backend finds it.
import { isAbsolute, join } from 'node:path';
import type { GatiConfig } from '../../config.js';
import { CONFIG_DEFAULTS } from '../../defaults.js';
import { ControlStore } from './control-store.js';
import { openSqliteKv } from './sqlite-kv.js';
import { openRedisKv } from './redis-kv.js';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

export function controlStoreTarget(config: GatiConfig, root: string, env: Record<string, string | undefined> = process.env): StoreTarget {
  const control = config.control ?? {};
  const effectsRedis = config.effects?.backend === 'redis';
  const kind = control.store ?? (control.url || effectsRedis ? 'redis' : CONFIG_DEFAULTS.control.store);
  if (kind === 'redis') {
    const url = control.url ?? (effectsRedis ? config.effects?.url : undefined) ?? env.REDIS_URL;
    if (!url) throw new Error("control.store is 'redis', but there is no Redis URL: set control.url in gati.config or REDIS_URL in the environment");
    return { kind, url };
  }
  const path = control.path ?? CONFIG_DEFAULTS.control.path;
  return { kind: 'sqlite', path: isAbsolute(path) ? path : join(root, path) };
}

export async function openControlStore(target: StoreTarget): Promise<ControlStore> {
  return new ControlStore(target.kind === 'redis' ? await openRedisKv(target.url) : await openSqliteKv(target.path));
}
