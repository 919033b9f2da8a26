// A request checked against one version's generated validators (dist/validators/…): the URL
// strings coerced, each part validated, then revived (dates), collecting every error of every part.
// The newest version (handle.ts) and every old version (versions.ts) go through these two
// functions with validators made by the same emitter, so coercion, the unknown-key policy and the
// error shape are the same whatever version a client is pinned to.
import type { RouteValidators } from './app.js';
import { InvalidRequest } from './validation-errors.js';

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * Params, query and headers, in that order. Returns `invalid` with this request's errors added
 * (made on the first error), or `invalid` as given when they all passed.
 */
export function checkUrlParts(req: RequestParts, v: RouteValidators, maxErrors: number, invalid?: InvalidRequest): InvalidRequest | undefined {
  if (v.params) {
    v.coerceParams?.(req.params);
    if (!v.params(req.params)) (invalid ??= new InvalidRequest(maxErrors)).add('params', v.params);
    else if (v.reviveParams) req.params = v.reviveParams(req.params) as Record<string, unknown>;
  }
  if (v.query) {
    v.coerceQuery?.(req.query);
    if (!v.query(req.query)) (invalid ??= new InvalidRequest(maxErrors)).add('query', v.query);
    else if (v.reviveQuery) req.query = v.reviveQuery(req.query) as Record<string, unknown>;
  }
  if (v.headers) {
    // Headers are the engine's object: coerce a copy so the raw headers stay as received.
    req.headers = { ...req.headers };
    v.coerceHeaders?.(req.headers);
    if (!v.headers(req.headers)) (invalid ??= new InvalidRequest(maxErrors)).add('headers', v.headers);
    else if (v.reviveHeaders) req.headers = v.reviveHeaders(req.headers) as Record<string, unknown>;
  }
  return invalid;
}

/** The body, after the URL parts (whose errors `invalid` may already hold). */
export function checkBody(req: RequestParts, v: RouteValidators, maxErrors: number, invalid?: InvalidRequest): InvalidRequest | undefined {
  if (!v.body || (req.body === undefined && v.bodyOptional)) return invalid;
  if (!v.body(req.body)) {
    invalid ??= new InvalidRequest(maxErrors);
    invalid.add('body', v.body);
  } else if (v.reviveBody && !invalid) req.body = v.reviveBody(req.body);
  return invalid;
}
