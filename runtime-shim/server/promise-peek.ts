// An already-fulfilled promise's value, taken without waiting for a microtask, on the engine that
// can tell: Bun (`Bun.peek`). An `async` handler that returns without awaiting (most GETs) hands
// back a promise that is already fulfilled; taking its value at once lets the request finish in the
// same call, so the fetch adapter returns the Response itself: no `then` closures, no promise for
// Bun.serve to wait on (bench/RESULTS.md, issue 24). Node and Deno offer no such look: there, and
// for a pending or rejected promise (a rejection keeps its `then`, so it is handled as before), the
// caller waits as it always did.

interface Peek {
  (promise: Promise<unknown>): unknown;
  status(promise: Promise<unknown>): 'pending' | 'fulfilled' | 'rejected';
}

const peek = (globalThis as { Bun?: { peek?: Peek } }).Bun?.peek;

/** What `fulfilledValue` returns for a promise whose value cannot be had now. */
export const NOT_YET: unique symbol = Symbol('not yet');

/** `promise`'s value if it is fulfilled and the engine can read it now, else NOT_YET. */
export function fulfilledValue(promise: Promise<unknown>): unknown {
  return peek !== undefined && peek.status(promise) === 'fulfilled' ? peek(promise) : NOT_YET;
}

/** Whether `value` is a thenable (another library's promise), which is adopted as `await` would adopt it. */
export function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * What a handler or middleware returned, as the promise to wait on: a promise as it is, another
 * library's thenable adopted as `await` would (it settles once, a throwing `then` rejects), and
 * undefined for a plain value (nothing to wait on).
 */
export function promiseOf(value: unknown): Promise<unknown> | undefined {
  return value instanceof Promise ? value : isThenable(value) ? Promise.resolve(value) : undefined;
}
