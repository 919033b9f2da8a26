// The effects runtime the server (and the worker process) calls: gctx.effects.enqueue for handlers,
// a worker pool, graceful stop, the backend for inspection, and counters.
import type { EffectsConfig } from '../config.js';
import type { EffectContext, Effects, EnqueueOptions, GlobalContext, Logger } from '../types.js';
import type { EffectBackend } from './types.js';
import { openBackend } from './open-backend.js';
import { EffectPayloadError, EffectsUnavailableError, UnknownEffectError } from './errors.js';
import { logOutages } from './availability.js';
import { EffectMetrics } from './metrics.js';
import { WorkerPool, type RunnableEffect } from './worker-pool.js';
import { CONFIG_DEFAULTS, EFFECT_DEFAULTS } from '../defaults.js';
import { activeTracing } from '../tracing/index.js';

export type { EffectBackend, JobView, JobStatus, JobPage, JobCounts, Lease, NewJob, InspectQuery, ClaimOptions } from './types.js';
export { EffectPayloadError, EffectsUnavailableError, UnknownEffectError, RETRY_AFTER_SECONDS } from './errors.js';
export { BackendAvailability, logOutages } from './availability.js';
export { openBackend, sqlitePath } from './open-backend.js';
export { EffectsConfigError, effectsConfigFor, backendTarget, formatConfigError } from './effects-config.js';
export { retryDelay, nextRunAt } from './backoff.js';
// runWorker (run-worker.ts) builds on this file, so it is imported from there, not re-exported here.

export interface EffectDefinition {
  name: string;
  run(payload: unknown, gctx: GlobalContext, ectx: EffectContext): unknown | Promise<unknown>;
  retry: { attempts: number; backoff: 'fixed' | 'exponential'; delayMs: number };
  /** Precompiled payload validator (emitted by the validators emitter), run on the wire form; absent = accept anything. */
  validate?(payload: unknown): { ok: true } | { ok: false; errors: { path: string; message: string }[] };
  /** Turns the stored wire form back into the declared type (ISO strings → Dates) before `run`; absent when it holds no Date. */
  revive?(payload: unknown): unknown;
}

export interface EffectsRuntimeOptions {
  definitions: EffectDefinition[];
  config: EffectsConfig | undefined;
  /** app root: the sqlite default lives in <root>/.gati/data/ */
  root: string;
  /** The config key `config` came from, for configuration errors (default 'effects'). */
  configKey?: string;
  log: Logger;
}

export interface StartWorkersOptions {
  /** Jobs run at once in this process (default: effects.concurrency, else 4). */
  concurrency?: number;
  /** How long a claim holds without a heartbeat (default 30 s; heartbeats every third of it). */
  leaseMs?: number;
}

export interface EffectsRuntime {
  /** What handlers get as gctx.effects: enqueue validates the payload (a wrong payload throws EffectPayloadError naming the path, in the handler, never a poisoned job) and resolves with the job id once durably stored. */
  effects: Effects;
  startWorkers(gctx: GlobalContext, options?: StartWorkersOptions): void;
  /** Graceful: stop claiming, let running jobs finish up to deadlineMs, leave unfinished ones to be re-claimed after their lease. */
  stop(deadlineMs: number): Promise<void>;
  backend: EffectBackend;
  /** Why the backend cannot be used right now (for /_ready), or null when it can. */
  notReady(): string | null;
  /** counters: enqueued, completed, failed, dead, and duration sums, per effect name. */
  metrics(): Record<string, number>;
}

/** The payload as it is stored and as another process reads it back: a JSON copy (undefined → null). */
function toWire(payload: unknown): unknown {
  const text = JSON.stringify(payload);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

/** At start, how long to wait for a networked backend to answer before serving without it. */
export const CONNECT_WAIT_MS = 3_000;

export async function createEffectsRuntime(options: EffectsRuntimeOptions): Promise<EffectsRuntime> {
  const definitions = new Map<string, EffectDefinition>(options.definitions.map((d) => [d.name, d]));
  const backend = await openBackend(options.config, options.root, options.configKey);
  const availability = backend.availability;
  const stopOutageLog = availability ? logOutages(availability, options.log) : () => undefined;
  // Serve at once if Redis answers quickly or refuses; an outage is logged and reported by /_ready.
  await availability?.settled(CONNECT_WAIT_MS);
  const metrics = new EffectMetrics();
  const unwatchQueue = metrics.watchQueue({ effects: [...definitions.keys()], counts: () => backend.counts() });
  const pools: WorkerPool[] = [];
  let stopped = false;

  const effects: Effects = {
    async enqueue(name: string, payload: unknown, enqueueOptions?: EnqueueOptions): Promise<string> {
      const definition = definitions.get(name);
      if (!definition) throw new UnknownEffectError(name, [...definitions.keys()]);
      // The job travels as JSON: validate what will be stored (Dates as ISO strings, anything with
      // toJSON in its wire form), on a copy, so the caller's object is never touched.
      const wire = toWire(payload);
      const checked = definition.validate?.(wire);
      if (checked && !checked.ok) throw new EffectPayloadError(name, checked.errors);
      const job = { name, payload: wire, maxAttempts: Math.max(1, definition.retry.attempts) } as Parameters<EffectBackend['enqueue']>[0];
      if (enqueueOptions?.delayMs !== undefined) job.delayMs = enqueueOptions.delayMs;
      if (enqueueOptions?.idempotencyKey !== undefined) job.idempotencyKey = enqueueOptions.idempotencyKey;
      // A backend that is known to be down answers 503 at once (the outage is logged once, apart).
      if (availability && !availability.up) throw new EffectsUnavailableError(name, backend.kind);
      // Tracing on: the enqueue is a span, and the job carries its traceparent.
      const tracing = activeTracing();
      const { id, deduped } = await (tracing === undefined ? store(name, job) : tracing.enqueue(name, job, () => store(name, job)));
      metrics.add(name, deduped ? 'deduped' : 'enqueued');
      return id;
    },
  } as Effects;

  async function store(name: string, job: Parameters<EffectBackend['enqueue']>[0]): Promise<{ id: string; deduped: boolean }> {
    try {
      return await backend.enqueue(job);
    } catch (error) {
      if (!availability) throw error;
      if (availability.up) options.log.error({ err: String(error), effect: name }, 'effects: enqueue failed');
      throw new EffectsUnavailableError(name, backend.kind, { cause: error });
    }
  }

  return {
    effects,
    backend,
    notReady: () => (availability && !availability.up ? `the effects backend (${backend.kind}) is unreachable (${availability.reason}); retrying in the background` : null),
    metrics: () => metrics.snapshot(),
    startWorkers(gctx, startOptions) {
      if (stopped) throw new Error('the effects runtime is stopped');
      pools.push(
        new WorkerPool({
          backend,
          definitions: definitions as Map<string, RunnableEffect>,
          availability,
          gctx,
          log: options.log,
          metrics,
          concurrency: Math.max(1, startOptions?.concurrency ?? options.config?.concurrency ?? CONFIG_DEFAULTS.effects.concurrency),
          leaseMs: startOptions?.leaseMs ?? EFFECT_DEFAULTS.leaseMs,
        }),
      );
    },
    async stop(deadlineMs) {
      if (stopped) return;
      stopped = true;
      await Promise.all(pools.map((p) => p.stop(deadlineMs)));
      stopOutageLog();
      unwatchQueue();
      // Whatever the pools left running keeps going until the process ends, but cannot write any more.
      await backend.close();
    },
  };
}
