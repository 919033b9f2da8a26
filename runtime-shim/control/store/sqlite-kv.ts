// The control panel's state in SQLite (.gati/control.db by default), through the driver the effects
// backend uses (better-sqlite3 on Node, node:sqlite on Bun and Deno), in WAL mode so that the CLI
// (`gati control enroll`) and a running server share the file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type Database } from '../../effects/sqlite-driver.js';
import type { KvStore, RecordKind } from './kv.js';

export async function openSqliteKv(path: string): Promise<KvStore> {
  mkdirSync(dirname(path), { recursive: true });
  const db: Database = await openDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (kind, key));
    CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);`);
  const live = '(expires_at IS NULL OR expires_at > ?)';
  const upsert = db.prepare('INSERT INTO records (kind, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at');
  const insertIfAbsent = db.prepare(`INSERT INTO records (kind, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE NOT ${live.replaceAll('expires_at', 'records.expires_at')}`);
  const select = db.prepare(`SELECT value FROM records WHERE kind = ? AND key = ? AND ${live}`);
  const remove = db.prepare('DELETE FROM records WHERE kind = ? AND key = ?');
  const selectKind = db.prepare(`SELECT key, value FROM records WHERE kind = ? AND ${live} ORDER BY key`);
  const purge = db.prepare('DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?');
  const appendAudit = db.prepare('INSERT INTO audit (entry) VALUES (?)');
  const recentAudit = db.prepare('SELECT entry FROM audit ORDER BY id DESC LIMIT ?');
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : Date.now() + ttlMs);
  const take = db.transaction((kind: RecordKind, key: string) => {
    const row = select.get(kind, key, Date.now()) as { value: string } | undefined;
    remove.run(kind, key);
    return row?.value;
  });
  let writes = 0;
  return {
    async put(kind, key, value, ttlMs) {
      upsert.run(kind, key, JSON.stringify(value), expiry(ttlMs));
      // Expired records are swept now and then, not on every read.
      if (++writes % 100 === 0) purge.run(Date.now());
    },
    async putIfAbsent(kind, key, value, ttlMs) {
      return insertIfAbsent.run(kind, key, JSON.stringify(value), expiry(ttlMs), Date.now()).changes === 1;
    },
    async get<T>(kind: RecordKind, key: string) {
      const row = select.get(kind, key, Date.now()) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async take<T>(kind: RecordKind, key: string) {
      const value = take.immediate(kind, key);
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    async delete(kind, key) {
      remove.run(kind, key);
    },
    async list<T>(kind: RecordKind) {
      return (selectKind.all(kind, Date.now()) as { key: string; value: string }[]).map((row) => ({ key: row.key, value: JSON.parse(row.value) as T }));
    },
    async append(entry) {
      appendAudit.run(JSON.stringify(entry));
    },
    async recent<T>(limit: number) {
      return (recentAudit.all(limit) as { entry: string }[]).map((row) => JSON.parse(row.entry) as T);
    },
    async close() {
      db.close();
    },
  };
}
