// The control panel's state in its own words, on either KvStore: users and their credentials
// (passkeys, a TOTP secret), one-time enrollment tokens, sessions, login failures, the TOTP steps
// already used, and the audit log. Tokens and session ids are stored only as SHA-256 hashes: a
// copy of the store signs nobody in.
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../api-types.js';
import type { KvStore } from './kv.js';

export const ENROLL_TTL_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 12 * 60 * 60_000;

export interface UserRecord { name: string; createdAt: number }
export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  user: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  createdAt: number;
}
export interface TotpRecord { user: string; secret: string; createdAt: number }
export interface EnrollRecord {
  user: string;
  expiresAt: number;
}
export interface SessionRecord { user: string; csrf: string; createdAt: number; lastSeen: number }
export interface UserSummary { name: string; createdAt: number; passkeys: number; totp: boolean; sessions: number }

/** A user name: letters, digits, `.`, `_`, `@`, `-`; up to 64. */
export const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class ControlStore {
  constructor(readonly kv: KvStore) {}

  // Users
  async addUser(name: string): Promise<void> {
    await this.kv.putIfAbsent('user', name, { name, createdAt: Date.now() } satisfies UserRecord);
  }
  getUser(name: string): Promise<UserRecord | undefined> {
    return this.kv.get<UserRecord>('user', name);
  }
  async users(): Promise<UserSummary[]> {
    const [users, passkeys, totps, sessions] = await Promise.all([this.kv.list<UserRecord>('user'), this.kv.list<PasskeyRecord>('passkey'), this.kv.list<TotpRecord>('totp'), this.kv.list<SessionRecord>('session')]);
    return users.map(({ value }) => ({
      name: value.name,
      createdAt: value.createdAt,
      passkeys: passkeys.filter((p) => p.value.user === value.name).length,
      totp: totps.some((t) => t.key === value.name),
      sessions: sessions.filter((s) => s.value.user === value.name).length,
    }));
  }
  /** Removes a user, their credentials and their sessions: false when there was no such user. */
  async removeUser(name: string): Promise<boolean> {
    const existed = (await this.kv.take('user', name)) !== undefined;
    for (const { key, value } of await this.kv.list<PasskeyRecord>('passkey')) if (value.user === name) await this.kv.delete('passkey', key);
    await this.kv.delete('totp', name);
    await this.endSessionsOf(name);
    return existed;
  }

  // Credentials
  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    await this.kv.put('passkey', passkey.id, passkey);
  }
  async passkeysOf(user: string): Promise<PasskeyRecord[]> {
    return (await this.kv.list<PasskeyRecord>('passkey')).map((p) => p.value).filter((p) => p.user === user);
  }
  getPasskey(id: string): Promise<PasskeyRecord | undefined> {
    return this.kv.get<PasskeyRecord>('passkey', id);
  }
  async setTotp(user: string, secret: string): Promise<void> {
    await this.kv.put('totp', user, { user, secret, createdAt: Date.now() } satisfies TotpRecord);
  }
  getTotp(user: string): Promise<TotpRecord | undefined> {
    return this.kv.get<TotpRecord>('totp', user);
  }
  /** Marks a TOTP time step as used by `user`: false when it already was (a replayed code). */
  useTotpStep(user: string, step: number, ttlMs: number): Promise<boolean> {
    return this.kv.putIfAbsent('totp-step', `${user}:${step}`, 1, ttlMs);
  }
  /** Whether any user has a credential of each kind: the login page offers those. */
  async methods(): Promise<{ passkey: boolean; totp: boolean }> {
    const [passkeys, totps] = await Promise.all([this.kv.list('passkey'), this.kv.list('totp')]);
    return { passkey: passkeys.length > 0, totp: totps.length > 0 };
  }

  // Enrollment tokens (one use, ENROLL_TTL_MS)
  async createEnrollment(token: string, user: string, now = Date.now()): Promise<EnrollRecord> {
    const record: EnrollRecord = { user, expiresAt: now + ENROLL_TTL_MS };
    await this.kv.put('enroll', hashSecret(token), record, ENROLL_TTL_MS);
    return record;
  }
  async enrollment(token: string): Promise<EnrollRecord | undefined> {
    const record = await this.kv.get<EnrollRecord>('enroll', hashSecret(token));
    return record && record.expiresAt > Date.now() ? record : undefined;
  }
  /** Uses the token up: of two concurrent completions, one gets the record. */
  async consumeEnrollment(token: string): Promise<EnrollRecord | undefined> {
    const record = await this.kv.take<EnrollRecord>('enroll', hashSecret(token));
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  // What a ceremony holds between its two steps: a WebAuthn challenge (keyed by itself, 5 minutes),
  // a TOTP secret shown but not yet confirmed (15 minutes).
  async putPending(id: string, value: PendingRecord, ttlMs = 5 * 60_000): Promise<void> {
    await this.kv.put('challenge', hashSecret(id), value, ttlMs);
  }
  takePending(id: string): Promise<PendingRecord | undefined> {
    return this.kv.take<PendingRecord>('challenge', hashSecret(id));
  }
  getPending(id: string): Promise<PendingRecord | undefined> {
    return this.kv.get<PendingRecord>('challenge', hashSecret(id));
  }

  // Sessions (SESSION_IDLE_MS idle)
  async createSession(id: string, user: string, csrf: string): Promise<SessionRecord> {
    const now = Date.now();
    const record: SessionRecord = { user, csrf, createdAt: now, lastSeen: now };
    await this.kv.put('session', hashSecret(id), record, SESSION_IDLE_MS);
    return record;
  }
  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.kv.get<SessionRecord>('session', hashSecret(id));
  }
  /** Extends the idle expiry; written at most once a minute per session (true when it was). */
  async touchSession(id: string, record: SessionRecord, now = Date.now()): Promise<boolean> {
    if (now - record.lastSeen < 60_000) return false;
    await this.kv.put('session', hashSecret(id), { ...record, lastSeen: now }, SESSION_IDLE_MS);
    return true;
  }
  async endSession(id: string): Promise<void> {
    await this.kv.delete('session', hashSecret(id));
  }
  async endSessionsOf(user: string): Promise<number> {
    let ended = 0;
    for (const { key, value } of await this.kv.list<SessionRecord>('session')) {
      if (value.user !== user) continue;
      await this.kv.delete('session', key);
      ended++;
    }
    return ended;
  }

  // Login failures, for throttling (auth/throttle.ts)
  failures(subject: string): Promise<FailureRecord | undefined> {
    return this.kv.get<FailureRecord>('failures', subject);
  }
  async setFailures(subject: string, record: FailureRecord, ttlMs: number): Promise<void> {
    await this.kv.put('failures', subject, record, ttlMs);
  }
  async clearFailures(subject: string): Promise<void> {
    await this.kv.delete('failures', subject);
  }

  // Audit log
  async audit(entry: AuditEntry): Promise<void> {
    await this.kv.append(entry);
  }
  recentAudit(limit: number): Promise<AuditEntry[]> {
    return this.kv.recent<AuditEntry>(limit);
  }

  close(): Promise<void> {
    return this.kv.close();
  }
}

export interface PendingRecord {
  purpose: 'login' | 'register' | 'totp';
  /** Registration and TOTP: whose credential it will be. */
  user?: string;
  /** TOTP: the secret awaiting its first code. */
  secret?: string;
}

export interface FailureRecord {
  /** When each recent failure happened (within the window). */
  times: number[];
  /** Refused until then (epoch ms). */
  lockedUntil?: number;
}
