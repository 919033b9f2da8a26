// The one interface every effects backend implements (SQLite, Redis/BullMQ, SQS, Pub/Sub, Azure Queue), and the job as the
// runtime, the CLI and a control panel see it. test/effects-contract.test.ts runs one suite against each.
import type { BackendAvailability } from './availability.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'dead' | 'cancelled';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'completed', 'dead', 'cancelled'];

export interface NewJob {
  name: string;
  payload: unknown;
  /** A second enqueue with the same key returns the first job's id (deduped: true). */
  idempotencyKey?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Claims allowed before the job is dead (a claim whose lease ran out counts). */
  maxAttempts: number;
  /** W3C `traceparent` of the enqueue's span (tracing on): the run's span joins that trace. */
  traceparent?: string;
}

export interface JobView {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  /** Claims so far (1 during the first run). */
  attempt: number;
  maxAttempts: number;
  /** Epoch ms: when a queued job may run next. */
  runAt: number;
  createdAt: number;
  lastError: string | null;
  idempotencyKey: string | null;
  /** The `traceparent` stored with the job (absent or null when it was enqueued without tracing). */
  traceparent?: string | null;
}

/** A claimed job: only the holder of `token` may heartbeat, complete or fail it, and only while the lease holds. */
export interface Lease {
  job: JobView;
  token: string;
}

export interface ClaimOptions {
  /** Identifies the worker process (kept with the job while it runs). */
  workerId: string;
  /** How long the claim holds without a heartbeat; after that another worker may claim the job. */
  leaseMs: number;
  /** Wait up to this long for a job to become ready (0: do not wait). */
  waitMs: number;
}

export interface InspectQuery {
  status?: JobStatus;
  name?: string;
  /** From a previous page's `cursor`. */
  cursor?: string;
  /** Page size (default 50). */
  limit?: number;
}

export interface JobPage {
  jobs: JobView[];
  /** Pass back to get the next page; null on the last page. */
  cursor: string | null;
}

/** effect name → status → number of jobs (statuses without jobs are left out). */
export type JobCounts = Record<string, Partial<Record<JobStatus, number>>>;

export interface EffectBackend {
  readonly kind: 'sqlite' | 'redis' | 'sqs' | 'pubsub' | 'azure-queue';
  /** A backend behind a network connection reports whether it is reachable (absent: always, as SQLite's file). */
  readonly availability?: BackendAvailability;
  /** Resolves once the job is durably stored. */
  enqueue(job: NewJob): Promise<{ id: string; deduped: boolean }>;
  /** Atomically takes the ready job with the earliest run time (across processes), or null. */
  claim(options: ClaimOptions): Promise<Lease | null>;
  /** Extends the lease; false when it was lost (expired and taken by another worker, or cancelled). */
  heartbeat(lease: Lease, leaseMs: number): Promise<boolean>;
  complete(lease: Lease): Promise<boolean>;
  /** retryAt (epoch ms) queues the job again; null makes it dead, kept with its last error. */
  fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean>;
  /**
   * Optional: complete the job (or fail it, when `failure` is given, as `fail` does) and claim the
   * next ready job in the same round trip (`next.waitMs` is ignored: it never waits). The worker
   * pool runs the next job in the same slot at once. Redis has it (BullMQ's moveToFinished with
   * fetchNext), and so do the cloud queues (the finish and the claim go out at the same time); without
   * it (SQLite) the pool calls complete or fail and claims apart.
   */
  finishAndClaim?(lease: Lease, failure: { error: string; retryAt: number | null } | null, next: ClaimOptions): Promise<{ finished: boolean; next: Lease | null }>;
  get(id: string): Promise<JobView | null>;
  inspect(query: InspectQuery): Promise<JobPage>;
  /** A dead, cancelled or completed job runs again from attempt 0. False when it cannot (unknown, queued or running). */
  retry(id: string): Promise<boolean>;
  /** A queued job never runs. False when it cannot (unknown, running or finished). */
  cancel(id: string): Promise<boolean>;
  counts(): Promise<JobCounts>;
  close(): Promise<void>;
}
