// The entry of a process that only runs jobs (`gati start --role worker`, dist/worker.mjs): opens
// the runtime, runs jobs until SIGTERM or SIGINT, then stops gracefully (running jobs get up to
// shutdownMs to finish; the rest are claimed again by another worker once their leases end).
import type { EffectsConfig } from '../config.js';
import type { GlobalContext, Logger } from '../types.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { createEffectsRuntime, type EffectDefinition, type EffectsRuntime } from './index.js';

export interface RunWorkerOptions {
  definitions: EffectDefinition[];
  config: EffectsConfig | undefined;
  root: string;
  log: Logger;
  /** The worker's global context; its `effects` is set to the runtime's, so jobs can enqueue jobs. */
  gctx: GlobalContext;
  concurrency?: number;
  leaseMs?: number;
  /** Time running jobs get after a signal (default 10 s). */
  shutdownMs?: number;
  /** Signals that stop the worker (default SIGTERM and SIGINT). */
  signals?: NodeJS.Signals[];
}

export interface WorkerHandle {
  runtime: EffectsRuntime;
  /** Stops as a signal would. */
  stop(): Promise<void>;
  /** Settles once the worker has stopped. */
  done: Promise<void>;
}

export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  const runtime = await createEffectsRuntime({ definitions: options.definitions, config: options.config, root: options.root, log: options.log });
  options.gctx.effects = runtime.effects;
  const startOptions: { concurrency?: number; leaseMs?: number } = {};
  if (options.concurrency !== undefined) startOptions.concurrency = options.concurrency;
  if (options.leaseMs !== undefined) startOptions.leaseMs = options.leaseMs;
  runtime.startWorkers(options.gctx, startOptions);
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping: Promise<void> | undefined;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const stop = () => {
    stopping ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      try {
        await runtime.stop(options.shutdownMs ?? CONFIG_DEFAULTS.server.shutdownTimeoutMs);
      } catch (error) {
        options.log.error({ err: String(error) }, 'effects worker: error while stopping');
      }
      options.log.info('effects worker stopped');
      finished();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    options.log.info({ signal }, 'effects worker: stopping');
    void stop();
  };
  for (const s of signals) process.on(s, onSignal);
  options.log.info({ backend: runtime.backend.kind, definitions: options.definitions.map((d) => d.name) }, 'effects worker started');
  return { runtime, stop, done };
}
