// The embedded default: one SQLite file (better-sqlite3 on Node, node:sqlite on Bun and Deno: see
// sqlite-driver.ts; loaded only when an app has effects).
//
// Durability: WAL mode. Writes that must survive a power cut (enqueue, and retry/cancel from the
// CLI) commit with synchronous=FULL: the WAL is fsynced before enqueue resolves. The worker's own
// writes (claim, heartbeat, complete, fail) commit with synchronous=NORMAL: no fsync, so a power
// cut may undo the last of them, which only means a job runs again (delivery is at least once
// anyway); the WAL is ordered, so the next FULL commit also makes them durable, and a process crash
// loses nothing. Enqueues arriving in the same tick share one FULL transaction (group commit).
// Claims run in BEGIN IMMEDIATE transactions, which take SQLite's write lock, so two workers (in
// one process or many) never claim the same job.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ClaimOptions, EffectBackend, InspectQuery, JobCounts, JobPage, JobStatus, JobView, Lease, NewJob } from './types.js';
import { JOB_STATUSES } from './types.js';
import { openDatabase, type Database } from './sqlite-driver.js';

interface Row {
  id: number;
  name: string;
  payload: string;
  status: JobStatus;
  attempt: number;
  max_attempts: number;
  run_at: number;
  created_at: number;
  last_error: string | null;
  idempotency_key: string | null;
  traceparent: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  idempotency_key TEXT UNIQUE,
  last_error TEXT,
  traceparent TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (status, run_at, id);
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs (status, lease_until);
CREATE INDEX IF NOT EXISTS jobs_name ON jobs (name, status, id);
`;

export interface SqliteBackendOptions {
  path: string;
  /** How often a waiting claim looks for jobs written by other processes (default 100 ms). */
  pollMs?: number;
}

export async function openSqliteBackend(options: SqliteBackendOptions): Promise<EffectBackend> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = await openDatabase(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);
  // A database made before jobs carried their trace context gets the column.
  const columns = db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'traceparent')) db.exec('ALTER TABLE jobs ADD COLUMN traceparent TEXT');
  return new SqliteBackend(db, options.pollMs ?? 100);
}

const toView = (r: Row): JobView => ({
  id: String(r.id),
  name: r.name,
  payload: JSON.parse(r.payload) as unknown,
  status: r.status,
  attempt: r.attempt,
  maxAttempts: r.max_attempts,
  runAt: r.run_at,
  createdAt: r.created_at,
  lastError: r.last_error,
  idempotencyKey: r.idempotency_key,
  traceparent: r.traceparent,
});

interface Pending {
  job: NewJob;
  payload: string;
  resolve(value: { id: string; deduped: boolean }): void;
  reject(error: unknown): void;
}

const COLUMNS = 'id, name, payload, status, attempt, max_attempts, run_at, created_at, last_error, idempotency_key, traceparent';

class SqliteBackend implements EffectBackend {
  readonly kind = 'sqlite' as const;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Claims waiting in this process, woken by a local enqueue. */
  private waiters = new Set<() => void>();
  private readonly s;
  private readonly insertBatch;
  private readonly claimOne;

  constructor(private readonly db: Database, private readonly pollMs: number) {
    this.s = {
      insert: db.prepare(`INSERT INTO jobs (name, payload, status, max_attempts, run_at, idempotency_key, created_at, updated_at, traceparent)
        VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`),
      byKey: db.prepare('SELECT id FROM jobs WHERE idempotency_key = ?'),
      expired: db.prepare(`UPDATE jobs SET status = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'queued' END,
        last_error = CASE WHEN attempt >= max_attempts THEN 'lease expired (the worker stopped or hung) on attempt ' || attempt ELSE last_error END,
        run_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
        WHERE status = 'running' AND lease_until <= ?`),
      next: db.prepare(`UPDATE jobs SET status = 'running', attempt = attempt + 1, lease_owner = ?, lease_until = ?, updated_at = ?
        WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1) RETURNING ${COLUMNS}`),
      nextRunAt: db.prepare(`SELECT MIN(run_at) AS t FROM jobs WHERE status = 'queued'`),
      nextLeaseEnd: db.prepare(`SELECT MIN(lease_until) AS t FROM jobs WHERE status = 'running'`),
      heartbeat: db.prepare(`UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`),
      complete: db.prepare(`UPDATE jobs SET status = 'completed', lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`),
      fail: db.prepare(`UPDATE jobs SET status = ?, run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`),
      get: db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`),
      retry: db.prepare(`UPDATE jobs SET status = 'queued', attempt = 0, run_at = ?, updated_at = ? WHERE id = ? AND status IN ('dead', 'cancelled', 'completed')`),
      cancel: db.prepare(`UPDATE jobs SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'queued'`),
      counts: db.prepare('SELECT name, status, COUNT(*) AS n FROM jobs GROUP BY name, status ORDER BY name'),
    };
    this.insertBatch = db.transaction((batch: Pending[], now: number) =>
      batch.map((p) => {
        const key = p.job.idempotencyKey ?? null;
        const row = this.s.insert.get(p.job.name, p.payload, p.job.maxAttempts, now + Math.max(0, p.job.delayMs ?? 0), key, now, now, p.job.traceparent ?? null) as { id: number } | undefined;
        if (row) return { id: String(row.id), deduped: false };
        return { id: String((this.s.byKey.get(key) as { id: number }).id), deduped: true };
      }),
    );
    this.claimOne = db.transaction((token: string, leaseMs: number, now: number) => {
      this.s.expired.run(now, now, now);
      return this.s.next.get(token, now + leaseMs, now, now) as Row | undefined;
    });
  }

  enqueue(job: NewJob): Promise<{ id: string; deduped: boolean }> {
    if (this.closed) return Promise.reject(new Error('the effects backend is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ job, payload: JSON.stringify(job.payload ?? null), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Group commit: every enqueue of this tick in one transaction, resolved after its commit. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const results = this.durably(() => this.insertBatch.immediate(batch, Date.now()));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      // One bad row must not fail its neighbours: retry them one by one.
      if (batch.length > 1) {
        for (const p of batch) {
          try {
            p.resolve(this.durably(() => this.insertBatch.immediate([p], Date.now()))[0]!);
          } catch (e) {
            p.reject(e);
          }
        }
      } else batch[0]!.reject(error);
    }
    for (const wake of this.waiters) wake();
  }

  /** Runs one write with synchronous=FULL (fsync at commit), then returns to NORMAL. */
  private durably<T>(write: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  async claim(options: ClaimOptions): Promise<Lease | null> {
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      if (this.closed) return null;
      const token = `${options.workerId}:${randomUUID()}`;
      const row = this.claimOne.immediate(token, options.leaseMs, Date.now());
      if (row) return { job: toView(row), token };
      const now = Date.now();
      if (now >= deadline) return null;
      const next = Math.min(
        (this.s.nextRunAt.get() as { t: number | null }).t ?? Infinity,
        (this.s.nextLeaseEnd.get() as { t: number | null }).t ?? Infinity,
      );
      await this.sleep(Math.max(1, Math.min(deadline, next, now + this.pollMs) - now));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    return this.s.heartbeat.run(now + leaseMs, now, Number(lease.job.id), lease.token).changes === 1;
  }

  async complete(lease: Lease): Promise<boolean> {
    return this.s.complete.run(Date.now(), Number(lease.job.id), lease.token).changes === 1;
  }

  async fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean> {
    const now = Date.now();
    const changed = this.s.fail.run(retryAt === null ? 'dead' : 'queued', retryAt ?? now, error, now, Number(lease.job.id), lease.token).changes === 1;
    if (changed && retryAt !== null) for (const wake of this.waiters) wake();
    return changed;
  }

  async get(id: string): Promise<JobView | null> {
    const row = /^\d+$/.test(id) ? (this.s.get.get(Number(id)) as Row | undefined) : undefined;
    return row ? toView(row) : null;
  }

  async inspect(query: InspectQuery): Promise<JobPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) where.push('status = ?'), params.push(query.status);
    if (query.name) where.push('name = ?'), params.push(query.name);
    if (query.cursor) where.push('id > ?'), params.push(Number(query.cursor));
    const limit = Math.max(1, query.limit ?? 50);
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`).all(...params, limit + 1) as Row[];
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    return { jobs: page.map(toView), cursor: more ? String(page[page.length - 1]!.id) : null };
  }

  async retry(id: string): Promise<boolean> {
    const changed = /^\d+$/.test(id) && this.durably(() => this.s.retry.run(Date.now(), Date.now(), Number(id))).changes === 1;
    if (changed) for (const wake of this.waiters) wake();
    return changed;
  }

  async cancel(id: string): Promise<boolean> {
    return /^\d+$/.test(id) && this.durably(() => this.s.cancel.run(Date.now(), Number(id))).changes === 1;
  }

  async counts(): Promise<JobCounts> {
    const out: JobCounts = {};
    for (const r of this.s.counts.all() as { name: string; status: JobStatus; n: number }[]) {
      if (JOB_STATUSES.includes(r.status)) (out[r.name] ??= {})[r.status] = r.n;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.length) this.flush();
    this.closed = true;
    for (const wake of this.waiters) wake();
    this.db.close();
  }
}
