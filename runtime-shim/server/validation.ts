// Requests and responses checked against one version's generated validators (dist/validators/…):
// the URL strings coerced, each part validated and then revived (dates), every error of every part
// collected into one 400. The newest version (pipeline.ts) and every old version (versions.ts) go
// through these functions with validators made by the same emitter, so coercion, the unknown-key
// policy and the error shape are the same whatever version a client is pinned to.
import type { CompiledRoute, RouteValidators, ValidateFn } from './app.js';
import { problemAnswer } from './problem.js';
import { InvalidRequest, toValidationErrors, validationProblem, type ValidationError } from './validation-errors.js';
import type { Logger } from '../types.js';
import type { OutgoingResponse } from './wire.js';

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * Validate-then-revive, the one place it is written: `req[part]` is checked; its errors are added
 * to `invalid` (made on the first error); it is revived only while the request is still valid
 * (an invalid one is answered 400, its values are never used).
 */
function checkPart(req: RequestParts, part: keyof RequestParts, validate: ValidateFn, revive: ((value: unknown) => unknown) | undefined, maxErrors: number, invalid: InvalidRequest | undefined): InvalidRequest | undefined {
  if (!validate(req[part])) (invalid ??= new InvalidRequest(maxErrors)).add(part, validate);
  else if (revive && !invalid) (req as unknown as Record<string, unknown>)[part] = revive(req[part]);
  return invalid;
}

/**
 * Params, query and headers, in that order, each coerced from its strings first. Returns `invalid`
 * with this request's errors added (made on the first error), or `invalid` as given when they all passed.
 */
export function checkUrlParts(req: RequestParts, v: RouteValidators, maxErrors: number, invalid?: InvalidRequest): InvalidRequest | undefined {
  if (v.params) {
    v.coerceParams?.(req.params);
    invalid = checkPart(req, 'params', v.params, v.reviveParams, maxErrors, invalid);
  }
  if (v.query) {
    v.coerceQuery?.(req.query);
    invalid = checkPart(req, 'query', v.query, v.reviveQuery, maxErrors, invalid);
  }
  if (v.headers) {
    // Headers are the engine's object: coerce a copy so the raw headers stay as received.
    req.headers = { ...req.headers };
    v.coerceHeaders?.(req.headers);
    invalid = checkPart(req, 'headers', v.headers, v.reviveHeaders, maxErrors, invalid);
  }
  return invalid;
}

/** The body, after the URL parts (whose errors `invalid` may already hold). */
export function checkBody(req: RequestParts, v: RouteValidators, maxErrors: number, invalid?: InvalidRequest): InvalidRequest | undefined {
  if (!v.body || (req.body === undefined && v.bodyOptional)) return invalid;
  return checkPart(req, 'body', v.body, v.reviveBody, maxErrors, invalid);
}

/** Every part of a request (the body too when `withBody`): the 400 listing all their errors, or undefined when it is valid. */
export function refuseInvalid(req: RequestParts, v: RouteValidators, maxErrors: number, withBody: boolean): OutgoingResponse | undefined {
  const urlParts = checkUrlParts(req, v, maxErrors);
  const invalid = withBody ? checkBody(req, v, maxErrors, urlParts) : urlParts;
  return invalid ? problemAnswer(validationProblem(invalid)) : undefined;
}

/** `wire` (a body as it goes out, after a JSON round trip) against a response validator: its first mismatch, or undefined when it matches. */
export function responseMismatch(validate: ValidateFn, wire: unknown): Partial<ValidationError> | undefined {
  if (validate(wire)) return undefined;
  return toValidationErrors('response', validate.errors)[0] ?? {};
}

/** `gati dev` (validation.responses): a handler's answer against its declared statuses and bodies; a mismatch is logged, the answer goes out as it is. */
export function checkResponse(route: CompiledRoute, status: number, body: unknown, log: Logger): void {
  if (!route.statuses.includes(status)) {
    if (status < 400) log.error({ route: route.key, status, declared: route.statuses }, `response check: ${route.key} answered ${status}, which its type does not declare`);
    return;
  }
  const validate = route.validators[`s${status}`];
  if (!validate) return;
  const first = responseMismatch(validate, body === undefined ? undefined : JSON.parse(JSON.stringify(body)));
  if (first) log.error({ route: route.key, status, path: first.path, problem: first.message }, `response check: ${route.key} ${status} body does not match its type at ${first.path}: ${first.message}`);
}
