// `gctx.modules.<name>` of a config module: a fixed object whose methods call the module's current
// client through its slot. Replacing the slot's client (a restarted process, a hot swap) is one
// assignment: calls made before it finish on the old client, calls after it go to the new one.
import type { ModuleClient } from './http-module-client.js';

export class ModuleSlot {
  constructor(public client: ModuleClient) {}

  /** Puts `next` in place and returns the client it replaced (for the caller to close once drained). */
  swap(next: ModuleClient): ModuleClient {
    const previous = this.client;
    this.client = next;
    return previous;
  }
}

/**
 * The methods of `gctx.modules.<name>`: the interface file's functions when there is one; any
 * name otherwise (a module without an interface is typed loosely, `then` excepted so that the
 * object is never mistaken for a promise).
 */
export function moduleFacade(slot: ModuleSlot, functions: string[] | undefined): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const method = (fn: string) => (...args: unknown[]) => slot.client.call(fn, args);
  if (functions) return Object.freeze(Object.fromEntries(functions.map((fn) => [fn, method(fn)])));
  const made = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.freeze({}) as Record<string, (...args: unknown[]) => Promise<unknown>>, {
    get(_target, key) {
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
      let fn = made.get(key);
      if (!fn) made.set(key, (fn = method(key)));
      return fn;
    },
  });
}

/** The slot's client until the process context's init() runs: no call is possible before the server starts. */
export function notStartedClient(error: (fn: string) => Error): ModuleClient {
  return { call: (fn) => Promise.reject(error(fn)), close() {} };
}
