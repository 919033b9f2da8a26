// The per-process context handlers get as `gctx`: modules (their exported functions, `init` run
// at start, `close` at shutdown), effects, config and the log.
import type { GlobalContext, Logger } from '../types.js';
import type { CompiledApp, EffectEntry } from './app.js';
import { toValidationErrors } from './validation-errors.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { activeTracing } from '../tracing/index.js';
import { createConfigModules, InProcessModuleClient, ModuleSlot, moduleFacade } from '../modules/index.js';

/** Which work a process does: serve routes, run effect jobs, or both (the default). */
export type Role = 'all' | 'api' | 'worker';

export interface ProcessContext {
  gctx: GlobalContext;
  /** Opens the effects backend (and starts workers unless the role is 'api'), then runs every module's init, in name order. */
  init(): Promise<void>;
  /** Stops the workers (running jobs get `deadlineMs` to finish), then runs every module's close, in reverse order; errors are logged, not thrown. */
  close(deadlineMs?: number): Promise<void>;
  /** Why this process cannot do all its work right now (the effects backend is unreachable), or null. */
  notReady(): string | null;
  /** Every module's slot, by name: where its client is replaced (a hot swap, modules/module-swapper.ts). */
  moduleSlots: Map<string, ModuleSlot>;
}

/** `hub`: where `gctx.ws.publish` goes (websockets.ts); without one a publish reaches nobody. */
export function createProcessContext(app: CompiledApp, log: Logger, role: Role = 'all', hub?: { publish(topic: string, msg: unknown): void }): ProcessContext {
  const modules: Record<string, object> = {};
  // The app's own modules and npm packages run in-process (a synchronous function stays synchronous);
  // each has a slot all the same, so that it can be hot-swapped (`gati modules swap`).
  const localSlots = new Map<string, ModuleSlot>();
  for (const [name, ns] of Object.entries(app.modules)) {
    const methods: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(ns)) if (typeof value === 'function' && key !== 'init' && key !== 'close') methods[key] = value;
    // Tracing on: each call is a span (runtime-shim/tracing/).
    const traced = activeTracing()?.wrapModule(name, methods) ?? methods;
    const npm = app.config.modules?.[name]?.npm;
    // An npm module's calls are checked against its types (its interface file or its declarations).
    const validators = npm ? app.remoteModules?.[name]?.validators : undefined;
    const slot = new ModuleSlot(new InProcessModuleClient(name, traced, () => ns.close?.(), validators), npm ? { kind: 'npm', source: npm } : { kind: 'local', source: `src/modules/${name}` });
    localSlots.set(name, slot);
    modules[name] = moduleFacade(slot, Object.keys(methods));
  }
  // HTTP and container modules: each call makes its own CLIENT span (http-module-client.ts).
  const configModules = createConfigModules(app, log);
  Object.assign(modules, configModules.facades);
  const moduleSlots = new Map([...localSlots, ...configModules.slots]);
  const gctx = {
    modules: Object.freeze(modules),
    effects: {
      enqueue: () => Promise.reject(new Error('effects are not configured in this process')),
    },
    config: app.config,
    log,
    ws: { publish: hub ? (topic: string, msg: unknown) => hub.publish(topic, msg) : () => {} },
  } as unknown as GlobalContext;
  const names = Object.keys(app.modules).sort();
  let effects: { stop(deadlineMs: number): Promise<void>; notReady(): string | null } | undefined;
  return {
    gctx,
    notReady: () => effects?.notReady() ?? null,
    moduleSlots,
    async init() {
      // Before the app's own modules: their init may call a service.
      await configModules.init();
      if (app.effects.length) {
        // Loaded only by apps with effects: the backends' libraries stay out of the others.
        const { createEffectsRuntime, effectsConfigFor } = await import('../effects/index.js');
        // In a deploy environment (GATI_ENV), its own `deploy.<env>.effects` if it has one.
        const { config, key } = effectsConfigFor(app.config);
        const runtime = await createEffectsRuntime({ definitions: app.effects.map(definition), config, configKey: key, root: app.root, log: log.child({ component: 'effects' }) });
        (gctx as { effects: unknown }).effects = runtime.effects;
        if (role !== 'api') runtime.startWorkers(gctx);
        effects = runtime;
      }
      for (const name of names) await app.modules[name]!.init?.(gctx);
    },
    async close(deadlineMs = CONFIG_DEFAULTS.server.shutdownTimeoutMs) {
      try {
        await effects?.stop(deadlineMs);
      } catch (error) {
        log.error({ err: error }, 'stopping the effect workers failed');
      }
      for (const name of [...names].reverse()) {
        try {
          // The instance serving now: the app's own, or the one a hot swap put in its place.
          await localSlots.get(name)!.client.close();
        } catch (error) {
          log.error({ err: error, module: name }, 'module close failed');
        }
      }
      await configModules.close();
    },
  };
}

/** The entry's effect (with its generated AJV validator) as the effects runtime takes it. */
function definition(effect: EffectEntry) {
  const validate = effect.validate;
  return {
    name: effect.name,
    run: effect.run as (payload: unknown, gctx: GlobalContext, ectx: never) => unknown,
    retry: effect.retry,
    revive: effect.revive,
    validate: validate
      ? (payload: unknown) => (validate(payload) ? { ok: true as const } : { ok: false as const, errors: toValidationErrors('payload', validate.errors) })
      : undefined,
  };
}
