// The answers the pipeline builds: the handler's `res`, a body as JSON, an error as a problem
// document (or the HttpError's own body), and the pipeline's own answer written into a middleware
// chain's `res`.
import { HttpError } from '../http-error.js';
import type { Logger } from '../types.js';
import type { CompiledRoute, Serialize } from './app.js';
import { problem, problemAnswer } from './problem.js';
import { JSON_TYPE, type OutgoingResponse } from './wire.js';

/** The handler's and the middleware's `res` (a class: `json` is shared, not a closure per request). */
export class Res {
  status: number;
  headers: Record<string, string | string[]> = {};
  body: unknown = undefined;

  constructor(status: number) {
    this.status = status;
  }

  json(body: unknown): void {
    this.body = body;
  }
}

/** A route's `res`, with its first declared status as the default. */
export function handlerRes(route: CompiledRoute): Res {
  return new Res(route.statuses[0] ?? 200);
}

/**
 * `body` as JSON (no body for 204, 304 or `undefined`), JSON's content type unless one is set.
 * `serialize`: the route's compiled serializer of this status (the same text as JSON.stringify).
 */
export function bodyResponse(status: number, headers: Record<string, string | string[]>, body: unknown, serialize: Serialize = JSON.stringify): OutgoingResponse {
  if (body === undefined || status === 204 || status === 304) return { status, headers, body: undefined };
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
  return { status, headers, body: serialize(body) };
}

/** Per route, its compiled serializers by status: made once, so no `s${status}` key is built per request. */
const serializersByStatus = new WeakMap<CompiledRoute, Map<number, Serialize>>();

/** The route's compiled serializer of `status`, or undefined (an undeclared status, or a bundle without serializers). */
export function serializerOf(route: CompiledRoute, status: number): Serialize | undefined {
  let table = serializersByStatus.get(route);
  if (table === undefined) {
    table = new Map();
    for (const declared of route.statuses) {
      const serialize = route.serializers?.[`s${declared}`];
      if (serialize) table.set(declared, serialize);
    }
    serializersByStatus.set(route, table);
  }
  return table.get(status);
}

export function jsonResponse(status: number, body: unknown): OutgoingResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

/** What a handler's or a middleware's throw answers: an HttpError as it says, anything else a logged 500. */
export function errorResponse(error: unknown, log: Logger, routeKey: string): OutgoingResponse {
  if (error instanceof HttpError) {
    const res = error.body === undefined ? problemAnswer(problem(error.status, error.message)) : bodyResponse(error.status, {}, error.body);
    Object.assign(res.headers, error.headers);
    return res;
  }
  log.error({ err: error, route: routeKey }, 'handler failed');
  return problemAnswer(problem(500, 'the server failed to answer; the error is in its log under this request id'));
}

/**
 * The pipeline's own answer (a problem, a 204 with Allow) written into the chain's `res`: headers a
 * middleware set stay, and a middleware after `next()` sees the status and the problem document.
 */
export function answerWith(res: Res, out: OutgoingResponse): void {
  res.status = out.status;
  const headers = out.headers;
  for (const name in headers) res.headers[name] = headers[name]!;
  res.body = out.body === undefined ? undefined : JSON.parse(out.body);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}
