// The SQLite library under the embedded effects backend, by engine: better-sqlite3 on Node (20 has
// no node:sqlite), the engine's own `node:sqlite` on Bun and Deno, where better-sqlite3's native
// addon does not load (Deno: not Node-API; Bun: the V8 addon ABI). Both are given the slice of
// better-sqlite3's API the backend uses, so sqlite-backend.ts has one code path.
import { requireDependency } from '../dependency.js';
import { runtimeName } from '../runtime-name.js';

export interface Statement {
  run(...params: unknown[]): { changes: number };
  /** The first row, or undefined/null for none. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface Database {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { (...args: A): R; immediate(...args: A): R };
  close(): void;
}

interface DatabaseSync {
  exec(source: string): void;
  prepare(source: string): Statement;
  close(): void;
}

/** Which library opens the file on the engine running now. */
export function sqliteLibrary(): 'better-sqlite3' | 'node:sqlite' {
  return runtimeName() === 'node' ? 'better-sqlite3' : 'node:sqlite';
}

export async function openDatabase(path: string): Promise<Database> {
  if (sqliteLibrary() === 'better-sqlite3') {
    const BetterSqlite = requireDependency<new (path: string) => Database>('better-sqlite3');
    return new BetterSqlite(path);
  }
  // A computed specifier: Node 20's type definitions have no node:sqlite.
  const specifier = 'node:sqlite';
  const { DatabaseSync } = (await import(specifier)) as { DatabaseSync: new (path: string) => DatabaseSync };
  return fromNodeSqlite(new DatabaseSync(path));
}

function fromNodeSqlite(db: DatabaseSync): Database {
  return {
    pragma: (source) => db.exec(`PRAGMA ${source}`),
    exec: (source) => db.exec(source),
    prepare: (source) => db.prepare(source),
    close: () => db.close(),
    transaction<A extends unknown[], R>(fn: (...args: A) => R) {
      // better-sqlite3's transaction(): BEGIN, the function, COMMIT; ROLLBACK when it throws.
      const inTransaction = (begin: string) => (...args: A): R => {
        db.exec(begin);
        try {
          const result = fn(...args);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      };
      return Object.assign(inTransaction('BEGIN'), { immediate: inTransaction('BEGIN IMMEDIATE') });
    },
  };
}
