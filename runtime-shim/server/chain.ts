// The middleware chain: outermost first, each one's `next()` calling the next, the last one's
// calling `inner` (the route's checks and handler, or the pipeline's own answer).
import type { GlobalContext, LocalContext, Middleware, MiddlewareRequest } from '../types.js';
import type { Res } from './responses.js';

/** Runs `middleware` around `inner`; a middleware that does not call `next` ends the chain there. */
export function runChain(middleware: Middleware[], req: MiddlewareRequest, res: Res, gctx: GlobalContext, lctx: LocalContext, inner: (res: Res) => Promise<void> | void): Promise<void> {
  const call = async (i: number): Promise<void> => {
    if (i === middleware.length) return inner(res);
    let called = false;
    await middleware[i]!(req, res, gctx, lctx, () => {
      if (called) return Promise.reject(new Error('next() called twice'));
      called = true;
      return call(i + 1);
    });
  };
  return call(0);
}
