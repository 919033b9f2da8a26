// The config's HTTP and container modules (`modules.<name>` with `http` or `container`) as
// `gctx.modules.<name>`: one slot per module holding its client (http-module-client.ts). The base
// URL is GATI_MODULE_<NAME>_URL when set, else `http`, else, for a container, the local process of
// `dev.command` (module-process.ts) or `http://127.0.0.1:<port>` (the image run by hand). npm
// modules are not here: the server entry imports their packages (emitters/bundle/entry.ts), and
// they are called in-process like the files of src/modules.
import type { CompiledApp } from '../server/app.js';
import type { ModuleSourceConfig } from '../config.js';
import type { Logger } from '../types.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { HttpModuleClient } from './http-module-client.js';
import { moduleError } from './module-errors.js';
import { ModuleSlot, moduleFacade, notStartedClient } from './module-slot.js';
import { acquireModuleProcess, releaseModuleProcess, type ModuleProcess } from './module-process.js';
import { moduleUrlEnv } from './module-url.js';
import { runtimeName } from '../runtime-name.js';

export { ModuleSlot } from './module-slot.js';
export { HttpModuleClient, type ModuleClient } from './http-module-client.js';
export { runningModuleProcesses } from './module-process.js';
export { moduleUrlEnv } from './module-url.js';

export interface ConfigModules {
  /** `gctx.modules.<name>` of each HTTP and container module. */
  facades: Record<string, object>;
  /** Each module's slot: replacing its client redirects every later call (hot swap). */
  slots: Map<string, ModuleSlot>;
  /** Starts the `dev.command` processes (waiting for their health), then connects every client. */
  init(): Promise<void>;
  /** Closes the clients' idle connections and stops the processes this context started. */
  close(): Promise<void>;
}

/** Whether `source` is called over HTTP (not an npm package). */
export function isHttpModule(source: ModuleSourceConfig): boolean {
  return source.http !== undefined || source.container !== undefined;
}

/** The rule of `gati dev` and `gati start`: a container module with `dev.command` and no URL in the environment runs locally. */
export function runsLocally(name: string, source: ModuleSourceConfig, env: NodeJS.ProcessEnv): boolean {
  return source.container !== undefined && source.dev?.command !== undefined && !env[moduleUrlEnv(name)];
}

export function createConfigModules(app: CompiledApp, log: Logger, env: NodeJS.ProcessEnv = process.env): ConfigModules {
  const entries = Object.entries(app.config.modules ?? {}).filter(([, source]) => isHttpModule(source)).sort(([a], [b]) => (a < b ? -1 : 1));
  const slots = new Map<string, ModuleSlot>();
  const facades: Record<string, object> = {};
  for (const [name] of entries) {
    const slot = new ModuleSlot(notStartedClient((fn) => moduleError(503, name, fn, `module ${name} is not started`)));
    slots.set(name, slot);
    facades[name] = moduleFacade(slot, app.remoteModules?.[name]?.functions);
  }
  const processes: ModuleProcess[] = [];
  return {
    facades,
    slots,
    async init() {
      await Promise.all(entries.map(async ([name, source]) => {
        let base = env[moduleUrlEnv(name)] || source.http;
        if (!base && runsLocally(name, source, env) && runtimeName() === 'deno') {
          // Gati's Deno permissions allow no subprocesses (model/engines.ts): the service is started by hand.
          log.error({ module: name }, `module ${name}: dev.command cannot run on Deno (no subprocesses); start it yourself and set ${moduleUrlEnv(name)}`);
        } else if (!base && runsLocally(name, source, env)) {
          const local = await acquireModuleProcess({ name, command: source.dev!.command, cwd: app.root, log: log.child({ component: 'modules' }) });
          processes.push(local);
          base = local.url;
        }
        base ||= `http://127.0.0.1:${source.container?.port ?? CONFIG_DEFAULTS.modules.port}`;
        const client = new HttpModuleClient({ name, baseUrl: base, timeoutMs: source.timeoutMs ?? CONFIG_DEFAULTS.modules.timeoutMs, validators: app.remoteModules?.[name]?.validators });
        slots.get(name)!.swap(client).close();
      }));
    },
    async close() {
      for (const slot of slots.values()) slot.client.close();
      await Promise.all(processes.splice(0).map((p) => releaseModuleProcess(p)));
    },
  };
}

/**
 * `gati start --workers N`: the primary runs the `dev.command` processes once and hands their URLs
 * to the workers it forks through GATI_MODULE_<NAME>_URL. They stop when the primary exits.
 */
export async function startModuleProcessesForWorkers(app: CompiledApp, log: Logger): Promise<void> {
  for (const [name, source] of Object.entries(app.config.modules ?? {})) {
    if (!runsLocally(name, source, process.env)) continue;
    const local = await acquireModuleProcess({ name, command: source.dev!.command, cwd: app.root, log });
    process.env[moduleUrlEnv(name)] = local.url;
  }
}
