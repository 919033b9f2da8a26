// The backend for running at scale: Redis through BullMQ (+ ioredis), loaded only when the config
// says `effects: { backend: 'redis', url }`. One BullMQ queue holds every effect (the job name is the
// effect name). The runtime drives BullMQ by hand (getNextJob / extendLock / moveToCompleted /
// moveToFailed) so that both backends share one worker loop, one retry policy and one contract;
// like BullMQ's own Worker, a job is finished and the next one locked in one round trip (fetchNext,
// see finishAndClaim), and only one claim at a time waits on the queue's marker.
//
// Leases are BullMQ locks; BullMQ's stalled-job check puts a job whose lock ran out back in the
// queue. Retries and dead jobs are decided by the runtime: moveToFailed is told, per call, whether
// to delay the job (retryAt) or keep it in the failed set (dead). Cancelled jobs are removed from
// BullMQ and kept as snapshots in the hash `<prefix>:effects:cancelled`.
//
// Ids: a job without an idempotency key gets BullMQ's own counter id (a custom jobId makes BullMQ's
// add about 1.2× slower, bench/RESULTS.md "Effects"); a keyed job's id is derived from its key, so a
// second add with the key is the same job. BullMQ refuses integer custom ids, so a cancelled job that
// is retried comes back as `r<id>` and keeps its first id in its data (`id`).
import { createHash, randomUUID } from 'node:crypto';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { requireDependency } from '../dependency.js';
import { BackendAvailability } from './availability.js';
import { decideFailure, jobFetchedWithFinish } from './bullmq-private.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
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

interface JobData {
  payload: unknown;
  key?: string;
  /** The id the job was first given, when it was added again after a cancel (see the ids note above). */
  id?: string;
  /** W3C traceparent of the enqueue (tracing on). */
  tp?: string;
}

const STATES: Record<Exclude<JobStatus, 'cancelled'>, string[]> = {
  queued: ['waiting', 'prioritized', 'delayed'],
  running: ['active'],
  completed: ['completed'],
  dead: ['failed'],
};

export function parseRedisUrl(url: string): { url: string; prefix: string } {
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get('prefix') ?? CONFIG_DEFAULTS.effects.redisPrefix;
  parsed.searchParams.delete('prefix');
  return { url: parsed.toString(), prefix };
}

/** Reconnect delays: 500 ms, doubling, at most 5 s (ioredis calls it once per failed attempt). */
const reconnectDelay = (attempt: number) => Math.min(250 * 2 ** Math.min(attempt, 5), 5000);

/**
 * Opens the connections without waiting for Redis: a server whose Redis is down still starts (its
 * /_ready says why), and everything resumes when Redis is back. Two connections: the queue's fails
 * fast while Redis is away (no offline queue, no retries: enqueue answers 503 at once instead of
 * hanging, BullMQ's advice for a Queue) and reports availability; the workers' waits and retries
 * across an outage (BullMQ requires that of a Worker), so claims simply resume.
 */
export async function openRedisBackend(options: RedisBackendOptions): Promise<EffectBackend> {
  const { Queue: QueueClass, Worker: WorkerClass, Job: JobClass } = requireDependency<typeof import('bullmq')>('bullmq');
  const { Redis: RedisClass } = requireDependency<typeof import('ioredis')>('ioredis');
  const { url, prefix } = parseRedisUrl(options.url);
  const availability = new BackendAvailability('redis');
  const connection = new RedisClass(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: reconnectDelay });
  const workerConnection = new RedisClass(url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
  let closing = false;
  connection.on('ready', () => availability.markUp());
  connection.on('error', (error: unknown) => closing || availability.markDown(error));
  // A close after a failed attempt keeps that attempt's reason (ECONNREFUSED says more).
  connection.on('close', () => closing || !availability.up || availability.markDown(new Error('connection closed')));
  // The queue connection reports the outage; without a listener ioredis would print each failed reconnect.
  workerConnection.on('error', () => undefined);
  const queue = new QueueClass(QUEUE, { connection, prefix });
  queue.on('error', () => undefined);
  const makeWorker = (leaseMs: number) => {
    const worker = new WorkerClass(QUEUE, null, {
      connection: workerConnection,
      prefix,
      autorun: false,
      lockDuration: leaseMs,
      stalledInterval: options.stalledIntervalMs ?? Math.max(100, Math.floor(leaseMs / 2)),
      maxStalledCount: MAX_STALLED,
      drainDelay: 1,
    });
    worker.on('error', () => undefined);
    return worker;
  };
  /** The connections this function opened (BullMQ leaves connections it was given to their owner). */
  const close = async (graceful: boolean) => {
    closing = true;
    if (graceful) await Promise.all([connection.quit(), workerConnection.quit()]).catch(() => undefined);
    connection.disconnect();
    workerConnection.disconnect();
  };
  return new RedisBackend(queue, connection, prefix, makeWorker, (id) => JobClass.fromId(queue, id) as Promise<Job | undefined>, availability, close);
}

/** The BullMQ id of a keyed job: one key, one job (not an integer, which BullMQ refuses). */
const keyedJobId = (key: string) => `k${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

/** The BullMQ id of an unkeyed job added again after a cancel (add stays idempotent on it). */
const retriedJobId = (id: string) => `r${id}`;

/** The id users see: the first one the job was given. */
const publicId = (job: Job): string => (job.data as JobData).id ?? job.id!;

function view(job: Job, status: JobStatus): JobView {
  const data = job.data as JobData;
  return {
    id: publicId(job),
    name: job.name,
    payload: data.payload ?? null,
    status,
    attempt: job.attemptsStarted ?? 0,
    maxAttempts: job.opts.attempts ?? 1,
    runAt: job.timestamp + (job.delay ?? 0),
    createdAt: job.timestamp,
    lastError: job.failedReason || null,
    idempotencyKey: data.key ?? null,
    traceparent: data.tp ?? null,
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
  /**
   * BullMQ Job objects of the leases this process holds, by lock token. A job fetched with another's
   * completion (fetchNext) gets that job's token, so a lease is looked up by token and job id.
   */
  private held = new Map<string, Job>();
  private closed = false;

  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly makeWorker: (leaseMs: number) => Worker,
    private readonly fromId: (id: string) => Promise<Job | undefined>,
    readonly availability: BackendAvailability,
    private readonly closeConnections: (graceful: boolean) => Promise<void>,
  ) {}

  private get cancelledKey(): string {
    return `${this.prefix}:${QUEUE}:cancelled`;
  }

  async enqueue(job: NewJob): Promise<{ id: string; deduped: boolean }> {
    const payload = job.payload ?? null;
    const tp = job.traceparent;
    const opts: { jobId?: string; attempts: number; delay?: number } = { attempts: job.maxAttempts };
    if (job.delayMs && job.delayMs > 0) opts.delay = job.delayMs;
    if (job.idempotencyKey === undefined) return { id: (await this.queue.add(job.name, (tp === undefined ? { payload } : { payload, tp }) satisfies JobData, opts)).id!, deduped: false };
    opts.jobId = keyedJobId(job.idempotencyKey);
    // Only for the `deduped` flag: add() itself is idempotent on jobId.
    const existed = (await this.queue.getJob(opts.jobId)) !== undefined;
    const added = await this.queue.add(job.name, (tp === undefined ? { payload, key: job.idempotencyKey } : { payload, key: job.idempotencyKey, tp }) satisfies JobData, opts);
    return { id: publicId(added), deduped: existed };
  }

  /** The BullMQ job with this (public) id: the job itself, or the job retried after a cancel. */
  private async find(id: string): Promise<Job | undefined> {
    const job = await this.fromId(id);
    if (job) return publicId(job) === id ? job : undefined;
    const retried = await this.fromId(retriedJobId(id));
    return retried && publicId(retried) === id ? retried : undefined;
  }

  async claim(options: ClaimOptions): Promise<Lease | null> {
    if (this.closed) return null;
    if (!this.worker || this.leaseMs !== options.leaseMs) {
      if (this.worker) await this.worker.close();
      this.leaseMs = options.leaseMs;
      this.worker = this.makeWorker(options.leaseMs);
      void this.worker.startStalledCheckTimer();
    }
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const token = `${options.workerId}:${randomUUID()}`;
      // With block, BullMQ waits on the queue's marker (BZPOPMIN, up to drainDelay) when the queue
      // looked empty last time and no other claim of this worker is already waiting; else it does not wait.
      const job = (await this.worker.getNextJob(token, { block: options.waitMs > 0 })) as Job | undefined;
      if (job) {
        const lease = await this.accept(job, token, false);
        if (lease) return lease;
        continue;
      }
      if (this.closed || Date.now() >= deadline) return null;
    }
  }

  /**
   * A job this worker just locked becomes a lease, unless leases that ran out used up its attempts
   * (a lease that ran out counts as an attempt): then it is dead, not run again, and with fetchNext
   * the job BullMQ hands back instead is taken in its place.
   */
  private async accept(job: Job, token: string, fetchNext: boolean): Promise<Lease | null> {
    for (;;) {
      if ((job.attemptsStarted ?? 0) <= (job.opts.attempts ?? 1)) {
        this.held.set(token, job);
        return { job: view(job, 'running'), token };
      }
      decideFailure(job, null);
      const result = await job.moveToFailed(new Error(`lease expired (the worker stopped or hung) on attempt ${job.attemptsStarted - 1}`), token, fetchNext);
      const next = fetchNext ? await this.fetched(result, token) : undefined;
      if (!next) return null;
      job = next;
    }
  }

  /** The job moveToFinished(fetchNext) locked for this worker, if any. */
  private async fetched(result: unknown, token: string): Promise<Job | undefined> {
    return this.worker ? jobFetchedWithFinish(this.worker, result, token) : undefined;
  }

  private take(lease: Lease): Job | undefined {
    const job = this.held.get(lease.token);
    if (!job || publicId(job) !== lease.job.id) return undefined;
    this.held.delete(lease.token);
    return job;
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const job = this.held.get(lease.token);
    if (!job || publicId(job) !== lease.job.id) return false;
    try {
      return (await job.extendLock(lease.token, leaseMs)) === 1;
    } catch {
      return false;
    }
  }

  async complete(lease: Lease): Promise<boolean> {
    return (await this.finish(lease, null, false)).finished;
  }

  async fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean> {
    return (await this.finish(lease, { error, retryAt }, false)).finished;
  }

  /** One round trip: moveToCompleted / moveToFailed with fetchNext, as BullMQ's own worker finishes a job. */
  async finishAndClaim(lease: Lease, failure: { error: string; retryAt: number | null } | null, next: ClaimOptions): Promise<{ finished: boolean; next: Lease | null }> {
    // The next job gets the worker's lock duration, so only when the caller asks for that one.
    return this.finish(lease, failure, next.leaseMs === this.leaseMs);
  }

  private async finish(lease: Lease, failure: { error: string; retryAt: number | null } | null, fetchNext: boolean): Promise<{ finished: boolean; next: Lease | null }> {
    const job = this.take(lease);
    if (!job) return { finished: false, next: null };
    fetchNext &&= !this.closed && this.worker !== undefined;
    let result: unknown;
    try {
      if (!failure) result = await job.moveToCompleted(null, lease.token, fetchNext);
      else {
        // moveToFailed reads attempts and backoff from the in-memory opts: make it do what the runtime decided.
        decideFailure(job, failure.retryAt);
        const err = new Error(failure.error);
        err.stack = failure.error;
        result = await job.moveToFailed(err, lease.token, fetchNext);
      }
    } catch {
      // Typically the lock was lost (the lease ran out and another worker took the job).
      return { finished: false, next: null };
    }
    if (!fetchNext) return { finished: true, next: null };
    const fetched = await this.fetched(result, lease.token);
    return { finished: true, next: fetched ? await this.accept(fetched, lease.token, true).catch(() => null) : null };
  }

  async get(id: string): Promise<JobView | null> {
    const job = await this.find(id);
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
    const job = await this.find(id);
    if (job) {
      const state = await job.getState();
      if (state !== 'failed' && state !== 'completed') return false;
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    }
    const snapshot = await this.redis.hget(this.cancelledKey, id);
    if (!snapshot) return false;
    const v = JSON.parse(snapshot) as JobView;
    // A keyed job comes back under its own id; an unkeyed one under r<id> (see the ids note above).
    const data: JobData = v.idempotencyKey === null ? { payload: v.payload, id: v.id } : { payload: v.payload, key: v.idempotencyKey };
    if (v.traceparent) data.tp = v.traceparent;
    const jobId = v.idempotencyKey === null ? retriedJobId(v.id) : v.id;
    await this.queue.add(v.name, data, { jobId, attempts: v.maxAttempts });
    await this.redis.hdel(this.cancelledKey, id);
    return true;
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.find(id);
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
    // While Redis is away, BullMQ's graceful close would wait for it: then just drop the connections.
    if (this.availability.up) {
      await this.worker?.close();
      await this.queue.close();
      await this.closeConnections(true);
      return;
    }
    // Ending the connections first makes BullMQ's pending waits for them fail instead of hanging.
    await this.closeConnections(false);
    void this.worker?.close(true).catch(() => undefined);
    void this.queue.close().catch(() => undefined);
  }
}
