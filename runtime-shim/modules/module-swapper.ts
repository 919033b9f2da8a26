// Hot swap of one module of a running server (`gati modules swap`, the control panel's
// POST /_control/api/modules/:name/swap, a save under `gati dev`): the new instance is started and
// health-checked first (a service's GET /_health, a process's, a worker's import and init); only
// then do new calls go to it (one assignment in the module's slot), while the calls in flight
// finish on the old instance, which is closed once they are done. A source that does not come up
// changes nothing: the old instance keeps serving, and the error says why.
import type { CompiledApp } from '../server/app.js';
import type { Logger } from '../types.js';
import { CONFIG_DEFAULTS, MODULE_DEFAULTS } from '../defaults.js';
import { HttpModuleClient, type ModuleClient } from './http-module-client.js';
import type { ModuleOrigin, ModuleSlot } from './module-slot.js';
import { acquireModuleProcess, releaseModuleProcess, waitHealthy, type ModuleProcess } from './module-process.js';
import { WorkerModuleClient } from './worker-module-client.js';
import { parseSwapSource, type SwapSource } from './swap-source.js';

export interface ModuleState {
  name: string;
  kind: ModuleOrigin['kind'];
  source: string;
  state: 'serving' | 'swapping';
  inFlight: number;
  swaps: number;
  /** Calls since the process started, and how many of them failed (any instance). */
  calls: number;
  errors: number;
  /** The circuit breaker's state, for a module called over HTTP. */
  circuit?: 'closed' | 'open' | 'half-open';
}

export interface SwapOutcome {
  name: string;
  kind: ModuleOrigin['kind'];
  source: string;
  /** From the request to the new instance taking calls. */
  ms: number;
}

/** A swap refused: `status` 404 (no such module), 400 (a source that cannot be read) or 502 (it did not come up). */
export class SwapError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface ModuleSwapper {
  list(): ModuleState[];
  /** `to`: as `gati modules swap --to` takes it, or already parsed (`gati dev` names a module's emitted file). */
  swap(name: string, to: string | SwapSource): Promise<SwapOutcome>;
}

export function createModuleSwapper(slots: Map<string, ModuleSlot>, app: CompiledApp, log: Logger): ModuleSwapper {
  const swapping = new Map<string, Promise<unknown>>();
  return {
    list: () =>
      [...slots].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, slot]) => {
        const circuit = slot.client.circuit?.();
        return { name, ...slot.origin, state: swapping.has(name) ? 'swapping' : 'serving', inFlight: slot.inFlight, swaps: slot.swaps, calls: slot.calls, errors: slot.errors, ...(circuit ? { circuit } : {}) };
      }),
    async swap(name, to) {
      const slot = slots.get(name);
      if (!slot) throw new SwapError(404, `no module named ${name} (the app's modules: ${[...slots.keys()].sort().join(', ') || 'none'})`);
      const source = typeof to === 'string' ? parseSwapSource(to, app.root) : to;
      if ('error' in source) throw new SwapError(400, `gati modules swap ${name}: ${source.error}`);
      // One swap of a module at a time: a second waits for the first.
      const before = swapping.get(name) ?? Promise.resolve();
      const run = before.catch(() => undefined).then(async () => {
        const started = performance.now();
        const { client, origin } = await startInstance(name, source, app, log);
        const drained = slot.replace(client, origin, MODULE_DEFAULTS.swapDrainMs);
        const ms = performance.now() - started;
        log.info({ module: name, kind: origin.kind, source: origin.source, ms: Math.round(ms) }, `module ${name} swapped`);
        void drained.catch((error: unknown) => log.error({ module: name, err: error }, `module ${name}: closing the previous instance failed`));
        return { name, ...origin, ms };
      });
      swapping.set(name, run);
      try {
        return await run;
      } finally {
        if (swapping.get(name) === run) swapping.delete(name);
      }
    },
  };
}

async function startInstance(name: string, source: SwapSource, app: CompiledApp, log: Logger): Promise<{ client: ModuleClient; origin: ModuleOrigin }> {
  const timeoutMs = app.config.modules?.[name]?.timeoutMs ?? CONFIG_DEFAULTS.modules.timeoutMs;
  // An npm module's validators check values in place (Dates as Dates): right for a worker thread,
  // whose values are structured clones. Over HTTP (a URL, a command) its calls are JSON: the build
  // made it the wire-form validators too (dates as strings, revived in the result), as a service's.
  const inProcessBoundary = app.config.modules?.[name]?.npm !== undefined;
  const entry = app.remoteModules?.[name];
  const validators = entry?.validators;
  const wireValidators = inProcessBoundary ? entry?.wireValidators : validators;
  if (source.kind === 'http') {
    if (!(await waitHealthy(source.url, MODULE_DEFAULTS.swapHealthMs, () => false))) throw new SwapError(502, `module ${name}: ${source.url}/_health did not answer 200 within ${MODULE_DEFAULTS.swapHealthMs} ms; the current instance keeps serving`);
    return { client: new HttpModuleClient({ name, baseUrl: source.url, timeoutMs, validators: wireValidators }), origin: { kind: 'http', source: source.url } };
  }
  if (source.kind === 'process') {
    const local = await acquireModuleProcess({ name, command: source.command, cwd: app.root, log: log.child({ component: 'modules' }), startTimeoutMs: MODULE_DEFAULTS.swapHealthMs });
    if (!local.startedHealthy) {
      await releaseModuleProcess(local);
      throw new SwapError(502, `module ${name}: ${source.command.join(' ')} did not answer GET /_health with 200 within ${MODULE_DEFAULTS.swapHealthMs} ms (or it exited); the current instance keeps serving`);
    }
    return { client: processClient(new HttpModuleClient({ name, baseUrl: local.url, timeoutMs, validators: wireValidators }), local), origin: { kind: 'process', source: source.command.join(' ') } };
  }
  try {
    const client = await WorkerModuleClient.start({ name, url: source.url, config: app.config, log: log.child({ module: name }), startTimeoutMs: MODULE_DEFAULTS.swapHealthMs, validators, inProcessBoundary });
    return { client, origin: { kind: 'worker', source: source.source } };
  } catch (error) {
    throw new SwapError(502, `module ${name}: ${source.source} could not be loaded: ${(error as Error).message}; the current instance keeps serving`);
  }
}

/** The client of a module's local process: closing it also lets the process go (stopped when no one else uses it). */
export function processClient(client: HttpModuleClient, local: ModuleProcess): ModuleClient {
  return {
    call: (fn, args) => client.call(fn, args),
    circuit: () => client.circuit(),
    async close() {
      client.close();
      await releaseModuleProcess(local);
    },
  };
}
