// The request pipeline, independent of the HTTP engine: match → validate → middleware + handler
// → response. An engine adapter turns its request into an IncomingRequest and writes the
// OutgoingResponse: node.ts through `respond` (a callback; no promise unless the handler or a body
// read makes one), bun.ts and `gati dev` through the promise form.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../http-error.js';
import type { GlobalContext, LocalContext, Logger } from '../types.js';
import type { CompiledApp, CompiledRoute, RouteValidators } from './app.js';
import { problem, problemResponse, type Problem } from './problem.js';
import { toValidationErrors, validationProblem } from './validation-errors.js';
import { BODY_TIMEOUT_DETAIL, BodyTimeoutError, BodyTooLargeError, decodeJsonBody } from './body.js';
import { logRequest, logsAt } from './log.js';
import { createVersioning, type OldVersion, type Pin } from './versions.js';

export interface IncomingRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  /** Lowercase names. */
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  /**
   * Reads the whole body; rejects with BodyTooLargeError past `limit` bytes. The fetch-style
   * engines may hand over the text (they decode UTF-8 natively, cheaper than a Buffer round trip).
   */
  readBody(limit: number): Promise<Buffer | string>;
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | undefined;
}

export interface PipelineOptions {
  bodyLimit: number;
  /** Check responses against the declared types and log mismatches (`gati dev`). */
  checkResponses: boolean;
  log: Logger;
  /** False until modules have initialised: /_ready answers 503. */
  isReady(): boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Calls `reply(ctx, out)` once with the answer to `req`: synchronously when nothing on the way awaits. */
export type Respond = <C>(req: IncomingRequest, reply: (ctx: C, out: OutgoingResponse) => void, ctx: C) => void;

/**
 * The pipeline: call it for a promise of the answer, or use `respond` (what node.ts does), which
 * answers through a callback and costs no promise when the handler returns a plain value.
 */
export interface Pipeline {
  (req: IncomingRequest): Promise<OutgoingResponse>;
  respond: Respond;
}

interface Shared {
  app: CompiledApp;
  gctx: GlobalContext;
  options: PipelineOptions;
  logRequests: boolean;
}

/** One request on its way through the pipeline (what the async steps carry instead of closures over many variables). */
class Exchange {
  /** The matched route, once matched. */
  route: CompiledRoute | undefined = undefined;
  /** What the request log names the route by. */
  routeKey: string | undefined = undefined;
  replied = false;
  constructor(
    readonly shared: Shared,
    readonly incoming: IncomingRequest,
    readonly path: string,
    readonly search: string,
    readonly requestId: string,
    /** A resolved version (its headers go on the answer); undefined without versions. */
    readonly pin: Pin | undefined,
    readonly started: number,
    readonly reply: (ctx: unknown, out: OutgoingResponse) => void,
    readonly ctx: unknown,
  ) {}
}

export function createPipeline(app: CompiledApp, gctx: GlobalContext, options: PipelineOptions): Pipeline {
  const logRequests = logsAt(options.log, 'info');
  const versioning = createVersioning(app, options.log);
  const shared: Shared = { app, gctx, options, logRequests };
  const respond = (incoming: IncomingRequest, reply: (ctx: unknown, out: OutgoingResponse) => void, ctx: unknown): void => {
    const started = logRequests ? performance.now() : 0;
    let x: Exchange | undefined;
    try {
      const url = incoming.url;
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const given = incoming.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
      // API versions (versions.ts): the pinned version, or the answer to a bad one or to /_versions.
      const pin = versioning?.pin(incoming, path);
      if (pin !== undefined && !('semver' in pin)) {
        x = new Exchange(shared, incoming, path, '', requestId, undefined, started, reply, ctx);
        finish(x, pin);
        return;
      }
      x = new Exchange(shared, incoming, path, q === -1 ? '' : url.slice(q + 1), requestId, pin, started, reply, ctx);
      route(x);
    } catch (error) {
      failed(shared, x, reply, ctx, error);
    }
  };
  const handle = ((incoming: IncomingRequest) => new Promise<OutgoingResponse>((resolve) => respond(incoming, settle, resolve))) as Pipeline;
  handle.respond = respond as Respond;
  return handle;
}

const settle = (resolve: unknown, out: OutgoingResponse) => (resolve as (out: OutgoingResponse) => void)(out);

/** The last step of every answer: the version's headers, the request id, the request log line. */
function finish(x: Exchange, out: OutgoingResponse): void {
  const headers = out.headers;
  const pin = x.pin;
  if (pin !== undefined) {
    const extra = pin.headers;
    for (const name in extra) headers[name] = extra[name]!;
  }
  headers['x-request-id'] = x.requestId;
  const shared = x.shared;
  if (shared.logRequests) logRequest(shared.options.log, x.requestId, x.incoming.method, x.routeKey ?? x.path, out.status, Math.round((performance.now() - x.started) * 100) / 100);
  x.replied = true;
  x.reply(x.ctx, out);
}

/** The pipeline itself failed (not the handler): a bare 500, as the engines answer it. */
function failed(shared: Shared, x: Exchange | undefined, reply: (ctx: unknown, out: OutgoingResponse) => void, ctx: unknown, error: unknown): void {
  shared.options.log.error({ err: error }, 'request pipeline failed');
  if (x?.replied) return;
  if (x) x.replied = true;
  reply(ctx, problemResponse(problem(500)));
}

/** Runs `step` on `x`, turning a throw into the pipeline's 500 (for steps that run after an await). */
function guarded<A, B, C>(x: Exchange, step: (x: Exchange, a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
  try {
    step(x, a, b, c);
  } catch (error) {
    failed(x.shared, x, x.reply, x.ctx, error);
  }
}

function route(x: Exchange): void {
  const { app, options } = x.shared;
  const { incoming, path } = x;
  const method = incoming.method;
  if (path === '/_health' && (method === 'GET' || method === 'HEAD')) return finish(x, json(200, { status: 'ok' }));
  if (path === '/_ready' && (method === 'GET' || method === 'HEAD')) {
    return finish(x, options.isReady() ? json(200, { status: 'ready' }) : problemResponse(problem(503, 'modules are still starting')));
  }
  const matched = app.match(method, path);
  const old = x.pin?.old;
  if (old && (matched === null || 'allow' in matched)) {
    const gone = old.goneResponse(method, path);
    if (gone) return finish(x, gone);
  }
  if (matched === null) return finish(x, problemResponse(problem(404, `no route for ${method} ${path}`)));
  if ('allow' in matched) {
    if (method === 'OPTIONS') {
      options_(x, matched.allow).then((out) => guarded(x, finish, out, 0, 0), (error: unknown) => failed(x.shared, x, x.reply, x.ctx, error));
      return;
    }
    const res = problemResponse(problem(405, `${method} is not allowed on ${path}`));
    res.headers.allow = matched.allow.join(', ');
    return finish(x, res);
  }
  if ('badEncoding' in matched) return finish(x, problemResponse(problem(400, 'the path holds invalid percent-encoding')));
  const compiled = app.routes[matched.route]!;
  x.route = compiled;
  x.routeKey = compiled.key;
  const lctx = new RequestContext(x.requestId, options.log, x.pin?.semver ?? '');
  const req: HandlerRequest = {
    method,
    path,
    ip: incoming.ip,
    params: matched.params as Record<string, unknown>,
    query: parseQuery(x.search) as Record<string, unknown>,
    headers: incoming.headers as Record<string, unknown>,
    body: undefined as unknown,
  };
  if (old) {
    // A client of an old version: its request is checked against that version and migrated up.
    prepareOld(x, compiled, req, old).then(
      (answer) => (answer ? guarded(x, finish, answer, 0, 0) : guarded(x, callHandler, compiled, req, lctx)),
      (error: unknown) => failed(x.shared, x, x.reply, x.ctx, error),
    );
    return;
  }
  const urlProblem = compiled.typed ? validateUrlParts(req, compiled.validators) : undefined;
  if (urlProblem) return finish(x, problemResponse(urlProblem));
  if (compiled.readsBody) {
    incoming.readBody(options.bodyLimit).then(
      (raw) => guarded(x, bodyRead, raw, req, lctx),
      (error: unknown) => guarded(x, bodyUnread, error, 0, 0),
    );
    return;
  }
  callHandler(x, compiled, req, lctx);
}

/** The body arrived: decoded (415/400), checked against its type, then the handler. */
function bodyRead(x: Exchange, raw: Buffer | string, req: HandlerRequest, lctx: RequestContext): void {
  const decoded = decodeJsonBody(raw, headerValue(x.incoming.headers['content-type']));
  if ('problem' in decoded) return finish(x, problemResponse(decoded.problem));
  req.body = decoded.value;
  const compiled = x.route!;
  const v = compiled.validators;
  if (compiled.typed && v.body) {
    if (!v.body(req.body)) return finish(x, problemResponse(validationProblem('body', v.body)));
    if (v.reviveBody) req.body = v.reviveBody(req.body);
  }
  callHandler(x, compiled, req, lctx);
}

function bodyUnread(x: Exchange, error: unknown): void {
  const answer = unreadBodyResponse(error, x.shared.options.bodyLimit);
  if (!answer) throw error;
  finish(x, answer);
}

/** 413 past the limit, 408 (and close) for a body that stopped arriving; undefined for other errors. */
function unreadBodyResponse(error: unknown, limit: number): OutgoingResponse | undefined {
  if (error instanceof BodyTooLargeError) return problemResponse(problem(413, `the body is larger than ${limit} bytes`));
  if (!(error instanceof BodyTimeoutError)) return undefined;
  const res = problemResponse(problem(408, BODY_TIMEOUT_DETAIL));
  res.headers.connection = 'close';
  return res;
}

interface HandlerRequest {
  method: string;
  path: string;
  ip: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/** An old version's client: the request checked against that version and migrated up, then the newest checks; the answer when it ends the request. */
async function prepareOld(x: Exchange, compiled: CompiledRoute, req: HandlerRequest, old: OldVersion): Promise<OutgoingResponse | undefined> {
  const oldFailed = await old.request(compiled.key, req, compiled.readsBody, () => readJson(x.incoming, x.shared.options.bodyLimit));
  if (oldFailed) return oldFailed;
  const v = compiled.validators;
  const urlProblem = compiled.typed ? validateUrlParts(req, v) : undefined;
  if (urlProblem) return problemResponse(urlProblem);
  if (compiled.readsBody && compiled.typed && v.body) {
    if (!v.body(req.body)) return problemResponse(validationProblem('body', v.body));
    if (v.reviveBody) req.body = v.reviveBody(req.body);
  }
  return undefined;
}

/** Middleware and handler; the answer synchronously when the handler returns a plain value. */
function callHandler(x: Exchange, compiled: CompiledRoute, req: HandlerRequest, lctx: RequestContext): void {
  const res = newRes(compiled);
  let result: unknown;
  try {
    // Without middleware (the common case) the handler is called here: no chain, no extra promise.
    result = compiled.middleware.length === 0 ? compiled.handler(req, res, x.shared.gctx, lctx) : runChain(compiled, req, res, x.shared.gctx, lctx);
    // Another library's thenable is adopted as `await` would (it settles once, a throwing then rejects).
    const promise = result instanceof Promise ? result : isThenable(result) ? Promise.resolve(result) : undefined;
    if (promise !== undefined) {
      promise.then(
        (value: unknown) => guarded(x, handlerDone, res, lctx, value),
        (error: unknown) => guarded(x, handlerFailed, res, lctx, error),
      );
      return;
    }
  } catch (error) {
    return handlerFailed(x, res, lctx, error);
  }
  handlerDone(x, res, lctx, result);
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function handlerDone(x: Exchange, res: Res, lctx: RequestContext, value: unknown): void {
  if (res.body === undefined && value !== undefined) res.body = value;
  const compiled = x.route!;
  if (x.shared.options.checkResponses && compiled.typed) checkResponse(compiled, res.status, res.body, lctx.log);
  const old = x.pin?.old;
  if (old) res.body = old.response(compiled.key, res.status, res.body);
  finish(x, bodyResponse(res.status, res.headers, res.body));
}

function handlerFailed(x: Exchange, res: Res, lctx: RequestContext, error: unknown): void {
  // Headers set before the throw (CORS) stay on the error response, or browsers cannot read it.
  const out = errorResponse(error, lctx.log, x.route!.key);
  out.headers = { ...res.headers, ...out.headers };
  finish(x, out);
}

/**
 * OPTIONS on a path without an OPTIONS route: the middleware of the path's route runs (so `cors`
 * answers preflights), then 204 with `Allow`.
 */
async function options_(x: Exchange, allow: string[]): Promise<OutgoingResponse> {
  const { app, gctx, options } = x.shared;
  const { incoming, path } = x;
  const target = app.match(allow[0]!, path);
  const headers: Record<string, string | string[]> = { allow: [...allow, 'OPTIONS'].join(', ') };
  if (!target || !('route' in target)) return { status: 204, headers, body: undefined };
  const compiled = app.routes[target.route]!;
  const lctx = new RequestContext(x.requestId, options.log, '');
  const req = { method: 'OPTIONS', path, ip: incoming.ip, params: target.params, query: parseQuery(x.search), headers: incoming.headers, body: undefined };
  const res = newRes(compiled);
  res.status = 204;
  try {
    await runChain({ ...compiled, handler: async () => undefined }, req, res, gctx, lctx);
  } catch (error) {
    return errorResponse(error, lctx.log, compiled.key);
  }
  x.routeKey = `OPTIONS ${compiled.path}`;
  return bodyResponse(res.status, { ...headers, ...res.headers }, res.body);
}

/** The JSON body, or the 413/415/400 answer. */
async function readJson(incoming: IncomingRequest, limit: number): Promise<{ value: unknown } | { response: OutgoingResponse }> {
  let raw: Buffer | string;
  try {
    raw = await incoming.readBody(limit);
  } catch (error) {
    const response = unreadBodyResponse(error, limit);
    if (response) return { response };
    throw error;
  }
  const decoded = decodeJsonBody(raw, headerValue(incoming.headers['content-type']));
  return 'problem' in decoded ? { response: problemResponse(decoded.problem) } : decoded;
}

/**
 * Request ids made here are a random per-process prefix and a counter: unique, unguessable across
 * processes, and far cheaper per request than a UUID.
 */
const ID_PREFIX = randomUUID().slice(0, 8);
let idCounter = 0;
function nextRequestId(): string {
  return `${ID_PREFIX}-${(++idCounter).toString(36)}`;
}

/** `lctx`, with its request-bound logger and its state bag made on first use (most requests use neither). */
class RequestContext implements LocalContext {
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
}

/** Params, query, headers: coerced, checked and revived in that order; the first problem ends it. */
function validateUrlParts(req: HandlerRequest, v: RouteValidators): Problem | undefined {
  if (v.params) {
    v.coerceParams?.(req.params);
    if (!v.params(req.params)) return validationProblem('params', v.params);
    if (v.reviveParams) req.params = v.reviveParams(req.params) as Record<string, unknown>;
  }
  if (v.query) {
    v.coerceQuery?.(req.query);
    if (!v.query(req.query)) return validationProblem('query', v.query);
    if (v.reviveQuery) req.query = v.reviveQuery(req.query) as Record<string, unknown>;
  }
  if (v.headers) {
    // Headers are the engine's object: coerce a copy so the raw headers stay as received.
    req.headers = { ...req.headers };
    v.coerceHeaders?.(req.headers);
    if (!v.headers(req.headers)) return validationProblem('headers', v.headers);
    if (v.reviveHeaders) req.headers = v.reviveHeaders(req.headers) as Record<string, unknown>;
  }
  return undefined;
}

/** The handler's `res` (a class: `json` is shared, not a closure per request). */
class Res {
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

function newRes(route: CompiledRoute): Res {
  return new Res(route.statuses[0] ?? 200);
}

/** Middleware outermost first, then the handler; a middleware that does not call next ends it. */
async function runChain(route: CompiledRoute, req: unknown, res: Res, gctx: GlobalContext, lctx: LocalContext): Promise<void> {
  const { middleware, handler } = route;
  if (middleware.length === 0) {
    const result = await handler(req, res, gctx, lctx);
    if (res.body === undefined && result !== undefined) res.body = result;
    return;
  }
  const call = async (i: number): Promise<void> => {
    if (i < middleware.length) {
      let called = false;
      await middleware[i]!(req as never, res as never, gctx, lctx, () => {
        if (called) return Promise.reject(new Error('next() called twice'));
        called = true;
        return call(i + 1);
      });
      return;
    }
    const result = await handler(req, res, gctx, lctx);
    if (res.body === undefined && result !== undefined) res.body = result;
  };
  await call(0);
}

function errorResponse(error: unknown, log: Logger, routeKey: string): OutgoingResponse {
  if (error instanceof HttpError) {
    const res = error.body === undefined ? problemResponse(problem(error.status, error.message)) : bodyResponse(error.status, {}, error.body);
    Object.assign(res.headers, error.headers);
    return res;
  }
  log.error({ err: error, route: routeKey }, 'handler failed');
  return problemResponse(problem(500, 'the server failed to answer; the error is in its log under this request id'));
}

function checkResponse(route: CompiledRoute, status: number, body: unknown, log: Logger): void {
  const validate = route.validators[`s${status}`];
  if (!route.statuses.includes(status)) {
    if (status < 400) log.error({ route: route.key, status, declared: route.statuses }, `response check: ${route.key} answered ${status}, which its type does not declare`);
    return;
  }
  if (!validate) return;
  const wire = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (!validate(wire)) {
    const [first] = toValidationErrors('response', validate.errors);
    log.error({ route: route.key, status, path: first?.path, problem: first?.message }, `response check: ${route.key} ${status} body does not match its type at ${first?.path}: ${first?.message}`);
  }
}

function bodyResponse(status: number, headers: Record<string, string | string[]>, body: unknown): OutgoingResponse {
  if (body === undefined || status === 204 || status === 304) return { status, headers, body: undefined };
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
  return { status, headers, body: JSON.stringify(body) };
}

function json(status: number, body: unknown): OutgoingResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
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
