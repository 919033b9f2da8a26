// `gctx.modules.<name>`: a fixed object whose methods call the module's current client through its
// slot. Replacing the slot's client (a restarted process, a hot swap) is one assignment: calls made
// before it finish on the old client, calls after it go to the new one. The slot counts each
// client's calls in flight, so that a swap closes the old client only once they are done.
import type { ModuleClient } from './http-module-client.js';

/** Where a module's current instance comes from (GET /_control/api/modules, `gati modules`). */
export type ModuleKind = 'local' | 'npm' | 'http' | 'container' | 'process' | 'worker';

export interface ModuleOrigin {
  kind: ModuleKind;
  /** The file, package, URL or command it was loaded from. */
  source: string;
}

interface Held {
  client: ModuleClient;
  origin: ModuleOrigin;
  inFlight: number;
  /** Called when inFlight drops to 0 after the client was replaced. */
  drained?: () => void;
}

export class ModuleSlot {
  private held: Held;
  /** How many times the client was replaced by a swap. */
  swaps = 0;
  /** Calls made through the slot, and those that threw or rejected (counts only: no clock on the in-process path). */
  calls = 0;
  errors = 0;

  constructor(client: ModuleClient, origin: ModuleOrigin) {
    this.held = { client, origin, inFlight: 0 };
  }

  get client(): ModuleClient {
    return this.held.client;
  }

  get origin(): ModuleOrigin {
    return this.held.origin;
  }

  get inFlight(): number {
    return this.held.inFlight;
  }

  /**
   * Calls `fn` on the current client. An in-process client (`invoke`) answers as the function does,
   * a plain value for a synchronous function; the others answer a promise.
   */
  call(fn: string, args: unknown[]): unknown {
    const held = this.held;
    held.inFlight++;
    this.calls++;
    let result: unknown;
    try {
      result = held.client.invoke ? held.client.invoke(fn, args) : held.client.call(fn, args);
    } catch (error) {
      this.errors++;
      settle(held);
      throw error;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      // The caller gets the function's own promise (no extra tick); the count follows it on the side.
      const done = () => settle(held);
      const failed = () => {
        this.errors++;
        settle(held);
      };
      (result as PromiseLike<unknown>).then(done, failed);
      return result;
    }
    settle(held);
    return result;
  }

  /** Puts `next` in place at once (the first client of a slot: nothing to drain); returns the one it replaced. */
  set(next: ModuleClient, origin: ModuleOrigin): ModuleClient {
    const previous = this.held.client;
    this.held = { client: next, origin, inFlight: 0 };
    return previous;
  }

  /**
   * A hot swap: new calls go to `next` from now on; resolves once the calls in flight on the old
   * client are done (or `drainMs` passed) and the old client is closed.
   */
  async replace(next: ModuleClient, origin: ModuleOrigin, drainMs: number): Promise<void> {
    const old = this.held;
    this.held = { client: next, origin, inFlight: 0 };
    this.swaps++;
    if (old.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        timer.unref?.();
        old.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await old.client.close();
  }
}

function settle(held: Held): void {
  held.inFlight--;
  if (held.inFlight === 0) held.drained?.();
}

/**
 * The methods of `gctx.modules.<name>`: the interface file's (or the module's) functions when
 * known; any name otherwise (a module without an interface is typed loosely, `then` excepted so
 * that the object is never mistaken for a promise).
 */
export function moduleFacade(slot: ModuleSlot, functions: string[] | undefined): Record<string, (...args: unknown[]) => unknown> {
  const method = (fn: string) => (...args: unknown[]) => slot.call(fn, args);
  if (functions) return Object.freeze(Object.fromEntries(functions.map((fn) => [fn, method(fn)])));
  const made = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(Object.freeze({}) as Record<string, (...args: unknown[]) => unknown>, {
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
