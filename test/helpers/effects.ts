// Shared by the effects tests: a logger that collects lines, backends on fresh storage, Redis cleanup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../runtime-shim/types.js';
import type { EffectsConfig } from '../../runtime-shim/config.js';

export const REDIS_URL = process.env['GATI_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export function collectingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const write = (level: string) => (obj: object | string, msg?: string) =>
    lines.push(typeof obj === 'string' ? { ...bindings, level, msg: obj } : { ...bindings, ...(obj as object), level, msg: msg ?? '' });
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => collectingLogger(lines, { ...bindings, ...b }) };
}

/** A place to keep one test's jobs: a temp dir (SQLite) or a fresh key prefix (Redis). */
export interface Store {
  config: EffectsConfig;
  root: string;
  cleanup(): Promise<void>;
}

export function sqliteStore(): Store {
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return { config: { backend: 'sqlite' }, root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}

export function redisStore(): Store {
  const prefix = `gati-test-${process.pid}-${randomUUID().slice(0, 8)}`;
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return {
    config: { backend: 'redis', url: `${REDIS_URL}?prefix=${prefix}` },
    root,
    cleanup: async () => {
      rmSync(root, { recursive: true, force: true });
      await deleteRedisPrefix(prefix);
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
