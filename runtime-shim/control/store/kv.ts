// The primitives the control panel's state lives on (users, credentials, enrollment tokens,
// sessions, throttle counters, used TOTP steps, the audit log): a few keyed records per kind, some
// expiring, and one append-only log. Two implementations with the same behaviour: SQLite
// (.gati/control.db, one machine) and Redis (several instances); control-store.ts builds the
// panel's vocabulary on top, once.

export type RecordKind = 'user' | 'passkey' | 'totp' | 'enroll' | 'session' | 'challenge' | 'failures' | 'totp-step';

export interface KvStore {
  /** Writes `value` (JSON) under kind/key, replacing any; it expires `ttlMs` from now when given. */
  put(kind: RecordKind, key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Writes only when kind/key is absent (or expired): true when written. */
  putIfAbsent(kind: RecordKind, key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  get<T>(kind: RecordKind, key: string): Promise<T | undefined>;
  /** Reads and deletes, atomically: of two concurrent calls, one gets the value. */
  take<T>(kind: RecordKind, key: string): Promise<T | undefined>;
  delete(kind: RecordKind, key: string): Promise<void>;
  /** Every live record of a kind (small kinds only: users, their credentials, sessions). */
  list<T>(kind: RecordKind): Promise<{ key: string; value: T }[]>;
  /** Appends to the audit log (JSON). */
  append(entry: unknown): Promise<void>;
  /** The newest `limit` audit entries, newest first. */
  recent<T>(limit: number): Promise<T[]>;
  close(): Promise<void>;
}
