// The worker loop shared by both backends, shaped like BullMQ's own Worker: up to `concurrency`
// slots, each a chain that runs a job and then the next one. A backend that can finish a job and
// claim the next in one round trip (Redis: moveToFinished with fetchNext) hands that job straight
// back to the slot, so a busy queue costs one round trip per job and a slot never waits for the
// fetch loop. The fetch loop only fills free slots: one claim that waits for work at a time, then
// non-waiting claims in parallel for the other free slots once there is work. Each running job has
// a heartbeat that keeps its lease.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { EffectContext, GlobalContext, Logger } from '../types.js';
import type { ClaimOptions, EffectBackend, Lease } from './types.js';
import { nextRunAt, type RetrySettings } from './backoff.js';
import type { EffectMetrics } from './metrics.js';
import type { BackendAvailability } from './availability.js';
import { activeTracing, type EffectTrace } from '../tracing/index.js';

export interface RunnableEffect {
  name: string;
  run(payload: unknown, gctx: GlobalContext, ectx: EffectContext): unknown;
  retry: RetrySettings;
  /** Wire form → the payload type `run` declares (ISO strings back to Dates). */
  revive?(payload: unknown): unknown;
}

export interface PoolOptions {
  backend: EffectBackend;
  definitions: Map<string, RunnableEffect>;
  gctx: GlobalContext;
  log: Logger;
  metrics: EffectMetrics;
  concurrency: number;
  leaseMs: number;
  /** A networked backend's reachability: while it is down, failed claims wait for it quietly. */
  availability?: BackendAvailability | undefined;
}

/** Used for a job whose effect this build does not know (a newer deploy enqueued it): retried, then dead. */
const UNKNOWN_EFFECT_RETRY: RetrySettings = { attempts: 3, backoff: 'exponential', delayMs: 30_000 };
/** How long the fetch loop's one waiting claim waits before it looks at `stopping` again. */
const WAIT_MS = 1000;
/** After a failed claim the loop waits 1 s, doubling per failure in a row, at most this long. */
const MAX_CLAIM_BACKOFF_MS = 30_000;

export class WorkerPool {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  /** The jobs running now (job id → stops its heartbeat). */
  private readonly running = new Map<string, () => void>();
  /** One per busy slot: settles when the slot's chain of jobs ends. */
  private readonly chains = new Set<Promise<void>>();
  private slotFreed: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private readonly waiting: ClaimOptions;
  private readonly notWaiting: ClaimOptions;

  constructor(private readonly o: PoolOptions) {
    this.waiting = { workerId: this.workerId, leaseMs: o.leaseMs, waitMs: WAIT_MS };
    this.notWaiting = { workerId: this.workerId, leaseMs: o.leaseMs, waitMs: 0 };
    this.loop = this.fetchLoop();
  }

  private async fetchLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (this.chains.size >= this.o.concurrency) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let lease: Lease | null = null;
      try {
        lease = await this.o.backend.claim(this.waiting);
      } catch (error) {
        if (this.stopping) break;
        const delay = Math.min(1000 * 2 ** failures++, MAX_CLAIM_BACKOFF_MS);
        const availability = this.o.availability;
        // During an outage the availability log speaks for it; wait for the backend instead.
        if (availability && !availability.up) await availability.whenUp(delay);
        else {
          this.o.log.error({ err: String(error), retryInMs: delay }, 'effects: claiming a job failed');
          await new Promise((r) => setTimeout(r, delay));
        }
        continue;
      }
      failures = 0;
      // A job claimed while stopping still runs: stop() waits for it like any other.
      if (!lease) continue;
      this.startChain(lease);
      // There is work: fill the other free slots at once with claims that do not wait, in parallel
      // (one round trip for all of them), instead of one round trip after another.
      const free = this.o.concurrency - this.chains.size;
      if (free > 0 && !this.stopping) {
        const more = await Promise.all(Array.from({ length: free }, () => this.o.backend.claim(this.notWaiting).catch(() => null)));
        for (const l of more) if (l) this.startChain(l);
      }
    }
  }

  private startChain(first: Lease): void {
    const chain = (async () => {
      let lease: Lease | null = first;
      while (lease) {
        const current: Lease = lease;
        // Tracing on: the run is a span of the trace that enqueued it (its log lines carry the ids).
        const tracing = activeTracing();
        lease = await (tracing === undefined ? this.runJob(current) : tracing.runEffect(current.job, (trace) => this.runJob(current, trace)));
      }
    })().finally(() => {
      this.chains.delete(chain);
      this.slotFreed?.();
      this.slotFreed = undefined;
    });
    this.chains.add(chain);
  }

  /** Runs one job and records how it ended; returns the next job when the backend claimed one with that. */
  private async runJob(lease: Lease, trace?: EffectTrace): Promise<Lease | null> {
    const { job } = lease;
    const { backend, log, metrics, leaseMs } = this.o;
    const definition = this.o.definitions.get(job.name);
    const jobLog = log.child({ effect: job.name, jobId: job.id, attempt: job.attempt });
    const heartbeat = setInterval(() => {
      backend.heartbeat(lease, leaseMs).then(
        (held) => held || jobLog.warn('effects: lease lost while running; another worker may run this job again'),
        () => undefined,
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    this.running.set(job.id, () => clearInterval(heartbeat));
    const started = performance.now();
    let failure: { error: string; retryAt: number | null } | null = null;
    try {
      if (!definition) throw new Error(`no effect named '${job.name}' in this build`);
      const ectx: EffectContext = { attempt: job.attempt, jobId: job.id, log: jobLog };
      await definition.run(definition.revive ? definition.revive(job.payload) : job.payload, this.o.gctx, ectx);
    } catch (error) {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      failure = { error: message, retryAt: nextRunAt(definition?.retry ?? UNKNOWN_EFFECT_RETRY, job.attempt, job.maxAttempts) };
      trace?.fail(message);
    }
    clearInterval(heartbeat);
    this.running.delete(job.id);
    metrics.ran(job.name, failure === null ? 'completed' : failure.retryAt === null ? 'dead' : 'failed', performance.now() - started);
    if (failure) {
      const dead = failure.retryAt === null;
      jobLog.error({ err: failure.error, retryAt: dead ? null : new Date(failure.retryAt!).toISOString() }, dead ? 'effect failed; no attempts left, the job is dead' : 'effect failed; will retry');
    }
    try {
      // Once stopping, nothing more is claimed: the slot ends with this job.
      if (backend.finishAndClaim && !this.stopping) return (await backend.finishAndClaim(lease, failure, this.notWaiting)).next;
      if (failure) await backend.fail(lease, failure.error, failure.retryAt);
      else await backend.complete(lease);
    } catch (error) {
      jobLog.error({ err: String(error) }, 'effects: recording the end of a job failed; it runs again once its lease ends');
    }
    return null;
  }

  /** Stops claiming; waits for running jobs up to the deadline, then drops their heartbeats so their leases run out. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    this.slotFreed?.();
    // A claim waiting on a backend that is down would never return: stop waiting for it at the deadline.
    let loopTimer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (loopTimer = setTimeout(r, deadlineMs)))]);
    clearTimeout(loopTimer);
    // No chain starts after the loop ended, and a chain takes no next job once stopping.
    const all = Promise.all([...this.chains]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), deadlineMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      for (const stopHeartbeat of this.running.values()) stopHeartbeat();
      this.o.log.warn({ unfinished: [...this.running.keys()] }, 'effects: jobs still running at the shutdown deadline; they run again once their leases end');
    }
  }
}
