// The backend for running at scale: Redis through BullMQ (+ ioredis), loaded only when the config
// says `effects: { backend: 'redis', url }`. One BullMQ queue holds every effect (the job name is the
// effect name). The runtime drives BullMQ by hand (getNextJob / extendLock / moveToCompleted /
// moveToFailed) so that both backends share one worker loop, one retry policy and one contract.
//
// Leases are BullMQ locks; BullMQ's stalled-job check puts a job whose lock ran out back in the
// queue. Retries and dead jobs are decided by the runtime: moveToFailed is told, per call, whether
// to delay the job (retryAt) or keep it in the failed set (dead). Cancelled jobs are removed from
// BullMQ and kept as snapshots in the hash `<prefix>:effects:cancelled`.
import { createHash, randomUUID } from 'node:crypto';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClaimOptions, EffectBackend, InspectQuery, JobCounts, JobPage, JobStatus, JobView, Lease, NewJob } from './types.js';

export interface RedisBackendOptions {
  /** redis://host:port/db; a `prefix` query parameter sets the key prefix (default "gati"). */
  url: string;
  /** How often lost leases are looked for (default: half the lease). */
  stalledIntervalMs?: number;
}

const QUEUE = 'effects';
/** Lost leases put a job back at most this many times before the runtime counts it (see claim). */
const MAX_STALLED = 1_000_000;
/** Jobs fetched ahead (see `prefetched`); the worker loop takes them as fast as jobs finish. */
const MAX_PREFETCHED = 8;

interface JobData {
  payload: unknown;
  key?: string;
}

const STATES: Record<Exclude<JobStatus, 'cancelled'>, string[]> = {
  queued: ['waiting', 'prioritized', 'delayed'],
  running: ['active'],
  completed: ['completed'],
  dead: ['failed'],
};

export function parseRedisUrl(url: string): { url: string; prefix: string } {
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get('prefix') ?? 'gati';
  parsed.searchParams.delete('prefix');
  return { url: parsed.toString(), prefix };
}

export async function openRedisBackend(options: RedisBackendOptions): Promise<EffectBackend> {
  const [{ Queue: QueueClass, Worker: WorkerClass, Job: JobClass }, { Redis: RedisClass }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const { url, prefix } = parseRedisUrl(options.url);
  const connection = new RedisClass(url, { maxRetriesPerRequest: null });
  const queue = new QueueClass(QUEUE, { connection, prefix });
  await queue.waitUntilReady();
  const makeWorker = (leaseMs: number) =>
    new WorkerClass(QUEUE, null, {
      connection,
      prefix,
      autorun: false,
      lockDuration: leaseMs,
      stalledInterval: options.stalledIntervalMs ?? Math.max(100, Math.floor(leaseMs / 2)),
      maxStalledCount: MAX_STALLED,
      drainDelay: 1,
    });
  return new RedisBackend(queue, connection, prefix, makeWorker, (id) => JobClass.fromId(queue, id) as Promise<Job | undefined>);
}

// Our own ids (BullMQ refuses integer custom ids, and a cancelled job keeps its id when retried).
const jobIdFor = (key: string | undefined) => (key === undefined ? `j${randomUUID()}` : `k${createHash('sha256').update(key).digest('hex').slice(0, 40)}`);

function view(job: Job, status: JobStatus): JobView {
  const data = job.data as JobData;
  return {
    id: job.id!,
    name: job.name,
    payload: data.payload ?? null,
    status,
    attempt: job.attemptsStarted ?? 0,
    maxAttempts: job.opts.attempts ?? 1,
    runAt: job.timestamp + (job.delay ?? 0),
    createdAt: job.timestamp,
    lastError: job.failedReason || null,
    idempotencyKey: data.key ?? null,
  };
}

function statusOf(state: string): JobStatus | null {
  for (const [status, states] of Object.entries(STATES)) if (states.includes(state)) return status as JobStatus;
  return null;
}

class RedisBackend implements EffectBackend {
  readonly kind = 'redis' as const;
  private worker: Worker | undefined;
  private leaseMs = 0;
  /** BullMQ Job objects of the leases this process holds (they carry the lock token's job state). */
  private held = new Map<string, Job>();
  private closed = false;
  /**
   * Jobs fetched by moveToCompleted/moveToFailed(fetchNext) — one round trip for "finish this, take
   * the next", as BullMQ's own worker does. The next claim() returns them first; close() puts any
   * left back in the queue.
   */
  private prefetched: { job: Job; token: string; at: number }[] = [];
  private prefetch = false;

  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly makeWorker: (leaseMs: number) => Worker,
    private readonly fromId: (id: string) => Promise<Job | undefined>,
  ) {}

  private get cancelledKey(): string {
    return `${this.prefix}:${QUEUE}:cancelled`;
  }

  async enqueue(job: NewJob): Promise<{ id: string; deduped: boolean }> {
    const jobId = jobIdFor(job.idempotencyKey);
    // Only for the `deduped` flag: add() itself is idempotent on jobId.
    const existed = job.idempotencyKey !== undefined && (await this.queue.getJob(jobId)) !== undefined;
    const data: JobData = job.idempotencyKey === undefined ? { payload: job.payload ?? null } : { payload: job.payload ?? null, key: job.idempotencyKey };
    const opts: { jobId: string; attempts: number; delay?: number } = { jobId, attempts: job.maxAttempts };
    if (job.delayMs && job.delayMs > 0) opts.delay = job.delayMs;
    const added = await this.queue.add(job.name, data, opts);
    return { id: added.id ?? jobId, deduped: existed };
  }

  async claim(options: ClaimOptions): Promise<Lease | null> {
    if (this.closed) return null;
    if (!this.worker || this.leaseMs !== options.leaseMs) {
      if (this.worker) await this.worker.close();
      this.leaseMs = options.leaseMs;
      this.worker = this.makeWorker(options.leaseMs);
      void this.worker.startStalledCheckTimer();
    }
    this.prefetch = options.prefetch === true;
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      let ready = this.prefetched.shift();
      // A job that waited in the buffer for a good part of its lease gets the lease renewed first.
      if (ready && Date.now() - ready.at > options.leaseMs / 3 && (await ready.job.extendLock(ready.token, options.leaseMs).catch(() => 0)) !== 1) ready = undefined;
      const token = ready?.token ?? `${options.workerId}:${randomUUID()}`;
      const job = ready?.job ?? ((await this.worker.getNextJob(token, { block: options.waitMs > 0 })) as Job | undefined);
      if (job) {
        // A lease that ran out counts as an attempt: past maxAttempts the job is dead, not run again.
        if ((job.attemptsStarted ?? 0) > (job.opts.attempts ?? 1)) {
          job.opts.attempts = 0;
          await job.moveToFailed(new Error(`lease expired (the worker stopped or hung) on attempt ${job.attemptsStarted - 1}`), token, false);
          continue;
        }
        this.held.set(token, job);
        return { job: view(job, 'running'), token };
      }
      if (this.closed || Date.now() >= deadline) return null;
    }
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const job = this.held.get(lease.token);
    if (!job) return false;
    try {
      return (await job.extendLock(lease.token, leaseMs)) === 1;
    } catch {
      return false;
    }
  }

  async complete(lease: Lease): Promise<boolean> {
    const job = this.held.get(lease.token);
    this.held.delete(lease.token);
    if (!job) return false;
    try {
      await this.keepNext(await job.moveToCompleted(null, lease.token, this.canPrefetch()), lease.token);
      return true;
    } catch {
      return false;
    }
  }

  async fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean> {
    const job = this.held.get(lease.token);
    this.held.delete(lease.token);
    if (!job) return false;
    // moveToFailed reads attempts and backoff from the in-memory opts: make it do what the runtime decided.
    if (retryAt === null) job.opts.attempts = 0;
    else {
      job.opts.attempts = job.attemptsMade + 2;
      job.opts.backoff = { type: 'fixed', delay: Math.max(0, retryAt - Date.now()) };
    }
    try {
      const err = new Error(error);
      err.stack = error;
      await this.keepNext(await job.moveToFailed(err, lease.token, this.canPrefetch()), lease.token);
      return true;
    } catch {
      return false;
    }
  }

  private canPrefetch(): boolean {
    return this.prefetch && !this.closed && this.worker !== undefined && this.prefetched.length < MAX_PREFETCHED;
  }

  private async keepNext(result: unknown, token: string): Promise<void> {
    if (!Array.isArray(result) || !result[0] || !this.worker || this.closed) return;
    const worker = this.worker as unknown as { nextJobFromJobData(data: unknown, id: unknown, token: string): Promise<Job | undefined> };
    const job = await worker.nextJobFromJobData(result[0], result[1], token);
    if (job) this.prefetched.push({ job, token, at: Date.now() });
  }

  async get(id: string): Promise<JobView | null> {
    const job = await this.fromId(id);
    if (job) {
      const status = statusOf(await job.getState());
      if (status) return view(job, status);
    }
    const cancelled = await this.redis.hget(this.cancelledKey, id);
    return cancelled ? (JSON.parse(cancelled) as JobView) : null;
  }

  async inspect(query: InspectQuery): Promise<JobPage> {
    const limit = Math.max(1, query.limit ?? 50);
    const out: JobView[] = [];
    const types =
      query.status === 'cancelled' ? ['cancelled'] : query.status ? STATES[query.status] : [...Object.values(STATES).flat(), 'cancelled'];
    // BullMQ pages each state's list by position, so the cursor is "<state index>:<position>" and the
    // states are read one after the other; a name filter reads further until the page is full.
    const [t, p] = (query.cursor ?? '0:0').split(':').map(Number);
    let ti = t || 0;
    let position = p || 0;
    const chunk = Math.max(limit, 200);
    while (ti < types.length) {
      const type = types[ti]!;
      if (type === 'cancelled') {
        for (const v of (await this.cancelledJobs()).slice(position)) {
          position++;
          if (query.name && v.name !== query.name) continue;
          out.push(v);
          if (out.length === limit) return { jobs: out, cursor: `${ti}:${position}` };
        }
        break;
      }
      const jobs = (await this.queue.getJobs([type] as never, position, position + chunk - 1, true)) as (Job | undefined)[];
      for (const job of jobs) {
        position++;
        if (!job || (query.name && job.name !== query.name)) continue;
        out.push(view(job, statusOf(type)!));
        if (out.length === limit) return { jobs: out, cursor: `${ti}:${position}` };
      }
      if (jobs.length < chunk) {
        ti++;
        position = 0;
      }
    }
    return { jobs: out, cursor: null };
  }

  /** Cancelled jobs (snapshots kept when they were removed from BullMQ), oldest first. */
  private async cancelledJobs(): Promise<JobView[]> {
    const all = Object.values(await this.redis.hgetall(this.cancelledKey)).map((s) => JSON.parse(s) as JobView);
    return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.fromId(id);
    if (job) {
      const state = await job.getState();
      if (state !== 'failed' && state !== 'completed') return false;
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    }
    const snapshot = await this.redis.hget(this.cancelledKey, id);
    if (!snapshot) return false;
    const v = JSON.parse(snapshot) as JobView;
    const data: JobData = v.idempotencyKey === null ? { payload: v.payload } : { payload: v.payload, key: v.idempotencyKey };
    await this.queue.add(v.name, data, { jobId: v.id, attempts: v.maxAttempts });
    await this.redis.hdel(this.cancelledKey, id);
    return true;
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.fromId(id);
    if (!job || statusOf(await job.getState()) !== 'queued') return false;
    const snapshot = { ...view(job, 'cancelled') };
    // remove() refuses a job that a worker locked meanwhile, so a running job is never cancelled.
    try {
      await job.remove();
    } catch {
      return false;
    }
    await this.redis.hset(this.cancelledKey, id, JSON.stringify(snapshot));
    return true;
  }

  async counts(): Promise<JobCounts> {
    const out: JobCounts = {};
    for (const status of ['queued', 'running', 'completed', 'dead'] as const) {
      for (let start = 0; ; start += 1000) {
        const jobs = (await this.queue.getJobs(STATES[status] as never, start, start + 999, true)).filter(Boolean) as Job[];
        for (const job of jobs) {
          const byName = (out[job.name] ??= {});
          byName[status] = (byName[status] ?? 0) + 1;
        }
        if (jobs.length < 1000) break;
      }
    }
    for (const s of Object.values(await this.redis.hgetall(this.cancelledKey))) {
      const name = (JSON.parse(s) as JobView).name;
      const byName = (out[name] ??= {});
      byName.cancelled = (byName.cancelled ?? 0) + 1;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { job, token } of this.prefetched.splice(0)) {
      // Back to the queue as if never claimed: it was fetched ahead, never run.
      await job.moveToWait(token).catch(() => undefined);
      await this.redis.hincrby(`${this.prefix}:${QUEUE}:${job.id}`, 'ats', -1).catch(() => undefined);
    }
    await this.worker?.close();
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }
}
