// What a request looks like from inside: the middleware's `req` (as it arrived), the handler's
// `req` (to be coerced, validated and revived), `lctx`, the request id and the query string parsed.
import { randomUUID } from 'node:crypto';
import type { LocalContext, Logger, MiddlewareRequest } from '../types.js';
import { headerOf, type IncomingRequest } from './wire.js';
import { activeTraceId } from '../tracing/index.js';

/** A request as the pipeline has split it: what the views below read. */
export interface RequestTarget {
  readonly incoming: IncomingRequest;
  /** The URL up to `?`. */
  readonly path: string;
  /** The URL after `?`. */
  readonly search: string;
}

/** The view of the request a middleware gets (types.ts `MiddlewareRequest`): as it arrived, read lazily. */
export class MiddlewareReq implements MiddlewareRequest {
  private parsedQuery: Record<string, string | string[]> | undefined = undefined;
  constructor(private readonly target: RequestTarget, readonly params: Readonly<Record<string, string>>) {}
  get method(): string {
    return this.target.incoming.method;
  }
  get path(): string {
    return this.target.path;
  }
  get ip(): string {
    return this.target.incoming.ip;
  }
  get headers(): Readonly<Record<string, string | string[] | undefined>> {
    return this.target.incoming.headers;
  }
  get query(): Readonly<Record<string, string | string[]>> {
    return (this.parsedQuery ??= parseQuery(this.target.search));
  }
}

/** The handler's `req`: its parts are replaced as they are coerced, validated, revived and migrated. */
export interface HandlerRequest {
  method: string;
  path: string;
  readonly ip: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

export function handlerRequest(target: RequestTarget, params: Record<string, string>): HandlerRequest {
  return new HandlerReq(target.incoming, target.path, params, parseQuery(target.search));
}

const INCOMING = Symbol('incoming');
const HEADERS = Symbol('headers');

/**
 * `ip` is read on first use, like the middleware's: on Bun (`server.requestIP`) and Deno
 * (`info.remoteAddr`) the address is a native call per request, 17% of a GET's JavaScript time on
 * Bun, and most handlers never ask. So is `headers`: on Bun and Deno the record is a view
 * (web-headers.ts, a Proxy) made when first read, and most handlers read none. What they come
 * from sits under symbols, out of `Object.keys`; `JSON.stringify(req)` still lists the headers
 * (toJSON).
 */
class HandlerReq implements HandlerRequest {
  readonly method: string;
  body: unknown = undefined;
  private readonly [INCOMING]: IncomingRequest;
  private [HEADERS]: Record<string, unknown> | undefined = undefined;

  constructor(incoming: IncomingRequest, public path: string, public params: Record<string, unknown>, public query: Record<string, unknown>) {
    this.method = incoming.method;
    this[INCOMING] = incoming;
  }

  /** The request's header record, or what the validators made of it (they replace it). */
  get headers(): Record<string, unknown> {
    return (this[HEADERS] ??= this[INCOMING].headers as Record<string, unknown>);
  }

  set headers(value: Record<string, unknown>) {
    this[HEADERS] = value;
  }

  get ip(): string {
    return this[INCOMING].ip;
  }

  /** What `JSON.stringify(req)` gave when `headers` was a field. */
  toJSON(): Record<string, unknown> {
    return { path: this.path, params: this.params, query: this.query, method: this.method, body: this.body, headers: this.headers };
  }
}

/** `lctx`, with its request-bound logger and its state bag made on first use (most requests use neither). */
export class RequestContext implements LocalContext {
  readonly startedAt = Date.now();
  private bag: Record<string, unknown> | undefined = undefined;
  private bound: Logger | undefined = undefined;

  constructor(readonly requestId: string, private readonly baseLog: Logger, readonly version: string) {}

  get state(): Record<string, unknown> {
    return (this.bag ??= {});
  }

  get log(): Logger {
    return (this.bound ??= this.baseLog.child({ reqId: this.requestId }));
  }

  /** The active span's trace id, read when asked ('' with tracing off). */
  get traceId(): string {
    return activeTraceId();
  }
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
const ID_PREFIX = randomUUID().slice(0, 8);
let idCounter = 0;

/**
 * The client's X-Request-Id when it is a sane one, else one made here: a random per-process prefix
 * and a counter, unique, unguessable across processes, and far cheaper per request than a UUID.
 */
export function requestIdOf(incoming: IncomingRequest): string {
  const given = headerOf(incoming, 'x-request-id');
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : `${ID_PREFIX}-${(++idCounter).toString(36)}`;
}

/** `a=1&a=2&b=x` → `{ a: ['1', '2'], b: 'x' }`; keys with a prototype meaning are dropped. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!search) return out;
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}
