// The worker loop shared by both backends: one claim at a time (like BullMQ's own worker), up to
// `concurrency` jobs running, each with a heartbeat that keeps its lease while it runs.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { EffectContext, GlobalContext, Logger } from '../types.js';
import type { EffectBackend, Lease } from './types.js';
import { nextRunAt, type RetrySettings } from './backoff.js';
import type { EffectMetrics } from './metrics.js';

export interface RunnableEffect {
  name: string;
  run(payload: unknown, gctx: GlobalContext, ectx: EffectContext): unknown;
  retry: RetrySettings;
}

export interface PoolOptions {
  backend: EffectBackend;
  definitions: Map<string, RunnableEffect>;
  gctx: GlobalContext;
  log: Logger;
  metrics: EffectMetrics;
  concurrency: number;
  leaseMs: number;
}

/** Used for a job whose effect this build does not know (a newer deploy enqueued it): retried, then dead. */
const UNKNOWN_EFFECT_RETRY: RetrySettings = { attempts: 3, backoff: 'exponential', delayMs: 30_000 };

export class WorkerPool {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private readonly running = new Map<string, { done: Promise<void>; stopHeartbeat(): void }>();
  private slotFreed: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(private readonly o: PoolOptions) {
    this.loop = this.fetchLoop();
  }

  private async fetchLoop(): Promise<void> {
    while (!this.stopping) {
      if (this.running.size >= this.o.concurrency) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let lease: Lease | null = null;
      try {
        lease = await this.o.backend.claim({ workerId: this.workerId, leaseMs: this.o.leaseMs, waitMs: 1000, prefetch: true });
      } catch (error) {
        if (this.stopping) break;
        this.o.log.error({ err: String(error) }, 'effects: claiming a job failed; retrying in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      // A job claimed while stopping still runs: stop() waits for it like any other.
      if (!lease) continue;
      this.start(lease);
      // There is work: fill the other free slots at once with claims that do not wait, in parallel
      // (as BullMQ's worker does), instead of one round trip after another.
      const free = this.o.concurrency - this.running.size;
      if (free > 0 && !this.stopping) {
        const more = await Promise.all(
          Array.from({ length: free }, () => this.o.backend.claim({ workerId: this.workerId, leaseMs: this.o.leaseMs, waitMs: 0, prefetch: true }).catch(() => null)),
        );
        for (const l of more) if (l) this.start(l);
      }
    }
  }

  private start(lease: Lease): void {
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
    const started = performance.now();
    const done = (async () => {
      try {
        if (!definition) throw new Error(`no effect named '${job.name}' in this build`);
        const ectx: EffectContext = { attempt: job.attempt, jobId: job.id, log: jobLog };
        await definition.run(job.payload, this.o.gctx, ectx);
        clearInterval(heartbeat);
        await backend.complete(lease);
        metrics.add(job.name, 'completed');
      } catch (error) {
        clearInterval(heartbeat);
        const message = error instanceof Error ? error.stack ?? error.message : String(error);
        const retryAt = nextRunAt(definition?.retry ?? UNKNOWN_EFFECT_RETRY, job.attempt, job.maxAttempts);
        metrics.add(job.name, 'failed');
        if (retryAt === null) metrics.add(job.name, 'dead');
        jobLog.error({ err: message, retryAt: retryAt === null ? null : new Date(retryAt).toISOString() }, retryAt === null ? 'effect failed; no attempts left, the job is dead' : 'effect failed; will retry');
        await backend.fail(lease, message, retryAt).catch(() => false);
      } finally {
        metrics.add(job.name, 'durationMsSum', performance.now() - started);
        metrics.add(job.name, 'durationCount');
        this.running.delete(job.id);
        this.slotFreed?.();
        this.slotFreed = undefined;
      }
    })();
    this.running.set(job.id, { done, stopHeartbeat: () => clearInterval(heartbeat) });
  }

  /** Stops claiming; waits for running jobs up to the deadline, then drops their heartbeats so their leases run out. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    this.slotFreed?.();
    await this.loop;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), deadlineMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      for (const r of this.running.values()) r.stopHeartbeat();
      this.o.log.warn({ unfinished: [...this.running.keys()] }, 'effects: jobs still running at the shutdown deadline; they run again once their leases end');
    }
  }
}
