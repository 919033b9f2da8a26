// The middleware chain: outermost first, each one's `next()` calling the next, the last one's
// calling `inner` (the route's checks and handler, or the pipeline's own answer). It adds no promise
// of its own: a step hands back the middleware's promise as it is, and when `inner` finishes in the
// call (no body to read, a handler that returned a value or, on Bun, a fulfilled promise) `next()`
// returns DONE, so a chain whose middleware return `next()` ends in the call that started it.
import type { GlobalContext, LocalContext, Middleware, MiddlewareRequest } from '../types.js';
import { promiseOf } from './promise-peek.js';
import type { Res } from './responses.js';

/** What a step that finished in the call returns: one shared, fulfilled promise (`runChain`'s caller answers at once on it). */
export const DONE: Promise<void> = Promise.resolve();

/**
 * Runs `middleware` around `inner(arg, res)`; a middleware that does not call `next` ends the chain
 * there. Never throws: a throw, in a middleware or in `inner`, is the promise's rejection (and
 * `next()`'s, for the middleware around it).
 */
export function runChain<A>(middleware: Middleware[], req: MiddlewareRequest, res: Res, gctx: GlobalContext, lctx: LocalContext, inner: (arg: A, res: Res) => Promise<void> | void, arg: A): Promise<void> {
  return new ChainRun(middleware, req, res, gctx, lctx, inner, arg).step(0);
}

/** One request's way through a chain: what every `next()` needs, in one object instead of a closure per step over it. */
class ChainRun<A> {
  constructor(
    readonly middleware: Middleware[],
    readonly req: MiddlewareRequest,
    readonly res: Res,
    readonly gctx: GlobalContext,
    readonly lctx: LocalContext,
    readonly inner: (arg: A, res: Res) => Promise<void> | void,
    readonly arg: A,
  ) {}

  step(i: number): Promise<void> {
    try {
      if (i === this.middleware.length) return asPromise(this.inner(this.arg, this.res));
      let called = false;
      return asPromise(this.middleware[i]!(this.req, this.res, this.gctx, this.lctx, () => {
        if (called) return Promise.reject(new Error('next() called twice'));
        called = true;
        return this.step(i + 1);
      }));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** A step's outcome as a promise: a promise as it is, a thenable adopted (as `await` would), anything else DONE. */
function asPromise(result: unknown): Promise<void> {
  return (promiseOf(result) as Promise<void> | undefined) ?? DONE;
}
