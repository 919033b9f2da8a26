// The control panel's state in Redis, for an app served by several instances: each record one
// key (`<prefix>:control:<kind>:<key>`, expiring with PX), each kind's keys also in a set so that
// a listing needs no SCAN, and the audit log one capped list.
import type { Redis } from 'ioredis';
import { requireDependency } from '../../dependency.js';
import type { KvStore, RecordKind } from './kv.js';

/** The audit log keeps this many entries in Redis (SQLite keeps them all). */
const AUDIT_CAP = 10_000;

export async function openRedisKv(url: string, prefix = 'gati'): Promise<KvStore> {
  const { Redis: RedisClass } = requireDependency<typeof import('ioredis')>('ioredis');
  const redis: Redis = new RedisClass(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const base = `${prefix}:control`;
  const keyOf = (kind: RecordKind, key: string) => `${base}:${kind}:${key}`;
  const setOf = (kind: RecordKind) => `${base}:index:${kind}`;
  const auditKey = `${base}:audit`;
  const parse = <T>(raw: string | null) => (raw === null ? undefined : (JSON.parse(raw) as T));
  return {
    async put(kind, key, value, ttlMs) {
      const write = redis.multi();
      if (ttlMs === undefined) write.set(keyOf(kind, key), JSON.stringify(value));
      else write.set(keyOf(kind, key), JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs)));
      await write.sadd(setOf(kind), key).exec();
    },
    async putIfAbsent(kind, key, value, ttlMs) {
      const done = ttlMs === undefined
        ? await redis.set(keyOf(kind, key), JSON.stringify(value), 'NX')
        : await redis.set(keyOf(kind, key), JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      if (done !== 'OK') return false;
      await redis.sadd(setOf(kind), key);
      return true;
    },
    async get<T>(kind: RecordKind, key: string) {
      return parse<T>(await redis.get(keyOf(kind, key)));
    },
    async take<T>(kind: RecordKind, key: string) {
      const result = await redis.multi().getdel(keyOf(kind, key)).srem(setOf(kind), key).exec();
      return parse<T>((result?.[0]?.[1] as string | null) ?? null);
    },
    async delete(kind, key) {
      await redis.multi().del(keyOf(kind, key)).srem(setOf(kind), key).exec();
    },
    async list<T>(kind: RecordKind) {
      const keys = (await redis.smembers(setOf(kind))).sort();
      if (keys.length === 0) return [];
      const values = await redis.mget(keys.map((key) => keyOf(kind, key)));
      const items: { key: string; value: T }[] = [];
      const gone: string[] = [];
      keys.forEach((key, i) => {
        const value = values[i];
        if (value === null || value === undefined) gone.push(key);
        else items.push({ key, value: JSON.parse(value) as T });
      });
      // Expired records leave their index entry behind: dropped when seen.
      if (gone.length) await redis.srem(setOf(kind), ...gone);
      return items;
    },
    async append(entry) {
      await redis.multi().lpush(auditKey, JSON.stringify(entry)).ltrim(auditKey, 0, AUDIT_CAP - 1).exec();
    },
    async recent<T>(limit: number) {
      return (await redis.lrange(auditKey, 0, limit - 1)).map((raw) => JSON.parse(raw) as T);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
