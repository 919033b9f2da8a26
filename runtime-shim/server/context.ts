// The per-process context handlers get as `gctx`: modules (their exported functions, `init` run
// at start, `close` at shutdown), effects, config and the log.
import type { GlobalContext, Logger } from '../types.js';
import type { CompiledApp } from './app.js';

export interface ProcessContext {
  gctx: GlobalContext;
  /** Runs every module's init, in name order. */
  init(): Promise<void>;
  /** Runs every module's close, in reverse order; errors are logged, not thrown. */
  close(): Promise<void>;
}

export function createProcessContext(app: CompiledApp, log: Logger): ProcessContext {
  const modules: Record<string, Record<string, unknown>> = {};
  for (const [name, ns] of Object.entries(app.modules)) {
    const methods: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(ns)) if (typeof value === 'function' && key !== 'init' && key !== 'close') methods[key] = value;
    modules[name] = Object.freeze(methods);
  }
  const gctx = {
    modules: Object.freeze(modules),
    effects: {
      enqueue: () => Promise.reject(new Error('effects are not configured in this process')),
    },
    config: app.config,
    log,
  } as unknown as GlobalContext;
  const names = Object.keys(app.modules).sort();
  return {
    gctx,
    async init() {
      for (const name of names) await app.modules[name]!.init?.(gctx);
    },
    async close() {
      for (const name of [...names].reverse()) {
        try {
          await app.modules[name]!.close?.();
        } catch (error) {
          log.error({ err: error, module: name }, 'module close failed');
        }
      }
    },
  };
}
