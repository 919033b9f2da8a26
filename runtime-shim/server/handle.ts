// The request pipeline, independent of the HTTP engine: match → middleware → (inside `next()`)
// body, validation, version migration, handler → response. Middleware runs first so that a refusal
// (401, 429) costs no body read and reveals no schema, and so that the headers it sets (CORS) stay
// on every answer after it, problems included. An engine adapter turns its request into an
// IncomingRequest and writes the OutgoingResponse: node.ts through `respond` (a callback; no promise
// unless middleware, the handler or a body read makes one), bun.ts and `gati dev` through the promise form.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../http-error.js';
import type { GlobalContext, LocalContext, Logger, Middleware, MiddlewareRequest } from '../types.js';
import type { CompiledApp, CompiledRoute, MatchResult } from './app.js';
import { problem, problemResponse } from './problem.js';
import { toValidationErrors, validationProblem, type InvalidRequest } from './validation-errors.js';
import { checkBody, checkUrlParts } from './validate-request.js';
import { BODY_TIMEOUT_DETAIL, BodyTimeoutError, BodyTooLargeError, decodeJsonBody } from './body.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { folderChains } from './folder-middleware.js';
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
  /** Deepest nesting of arrays and objects a JSON body may have (`validation.maxDepth`, default 64). */
  maxDepth?: number;
  /** Check responses against the declared types and log mismatches (`gati dev`). */
  checkResponses: boolean;
  log: Logger;
  /** False until modules have initialised: /_ready answers 503. */
  isReady(): boolean;
  /** Once initialised, why the process cannot do its work (the effects backend is down): /_ready answers 503 with it. */
  notReadyReason?(): string | null;
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
  /** validation.maxErrors: the errors a 400 lists. */
  maxErrors: number;
  maxDepth: number;
  /** The middleware of a path without a route (folder-middleware.ts). */
  folderChain: (path: string) => Middleware[];
}

/** One request on its way through the pipeline (what the async steps carry instead of closures over many variables). */
class Exchange {
  /** The matched route, once matched. */
  route: CompiledRoute | undefined = undefined;
  /** What the request log names the route by. */
  routeKey: string | undefined = undefined;
  replied = false;
  /** The URL parts' errors, held while the body is read so that its errors are reported with them. */
  invalid: InvalidRequest | undefined = undefined;
  /** A bad X-API-Version's 400, answered inside the middleware chain (so CORS headers reach it). */
  refusal: OutgoingResponse | undefined = undefined;
  /** The handler ran (its answer is checked and migrated; a middleware's or the pipeline's is not). */
  handlerRan = false;
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
  const shared: Shared = {
    app,
    gctx,
    options,
    logRequests,
    maxErrors: app.config.validation?.maxErrors ?? CONFIG_DEFAULTS.validation.maxErrors,
    maxDepth: options.maxDepth ?? CONFIG_DEFAULTS.validation.maxDepth,
    folderChain: folderChains(app.folders),
  };
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
        x = new Exchange(shared, incoming, path, q === -1 ? '' : url.slice(q + 1), requestId, undefined, started, reply, ctx);
        // GET /_versions (200) and Gati's probes answer at once; a bad version goes through the
        // path's middleware like any other 400.
        if (pin.status === 200 || path === '/_health' || path === '/_ready') return finish(x, pin);
        x.refusal = pin;
        route(x);
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
  // Gati's probes: no middleware (a load balancer sends no token).
  if (path === '/_health' && (method === 'GET' || method === 'HEAD')) return finish(x, json(200, { status: 'ok' }));
  if (path === '/_ready' && (method === 'GET' || method === 'HEAD')) {
    const reason = options.isReady() ? options.notReadyReason?.() ?? null : 'modules are still starting';
    return finish(x, reason === null ? json(200, { status: 'ready' }) : problemResponse(problem(503, reason)));
  }
  const matched = app.match(method, path);
  if (matched === null || !('route' in matched)) return unrouted(x, matched);
  const compiled = app.routes[matched.route]!;
  x.route = compiled;
  x.routeKey = compiled.key;
  const lctx = new RequestContext(x.requestId, options.log, x.pin?.semver ?? '');
  if (compiled.middleware.length > 0) {
    // The handler gets its own params object: the validators coerce it in place, and the
    // middleware's view stays the strings that arrived.
    const inner = (res: Res) => serveInChain(x, compiled, { ...matched.params }, res, lctx);
    return chained(x, compiled.middleware, new MiddlewareReq(x, matched.params), newRes(compiled), lctx, inner);
  }
  // No middleware (the common case): straight on, with no promise unless a body read or the handler makes one.
  if (x.refusal) return finish(x, x.refusal);
  const req = handlerRequest(x, matched.params);
  const old = x.pin?.old;
  if (old) {
    // A client of an old version: its request is checked against that version and migrated up.
    prepareOld(x, compiled, req, old).then(
      (answer) => (answer ? guarded(x, finish, answer, 0, 0) : guarded(x, callHandler, compiled, req, lctx)),
      (error: unknown) => failed(x.shared, x, x.reply, x.ctx, error),
    );
    return;
  }
  x.invalid = compiled.typed ? checkUrlParts(req, compiled.validators, x.shared.maxErrors) : undefined;
  if (x.invalid && !compiled.readsBody) return finish(x, problemResponse(validationProblem(x.invalid)));
  if (compiled.readsBody) {
    incoming.readBody(options.bodyLimit).then(
      (raw) => guarded(x, bodyRead, raw, req, lctx),
      (error: unknown) => guarded(x, bodyUnread, error, 0, 0),
    );
    return;
  }
  callHandler(x, compiled, req, lctx);
}

/**
 * A path without a route of this method: 404, 405 with `Allow`, 204 to an OPTIONS, 410 for a route
 * an old version lost, 400 for broken percent-encoding; under the middleware of that path (for a
 * 405 or an OPTIONS, the chain of the route another method has there; else the folders' chain).
 */
function unrouted(x: Exchange, matched: Exclude<MatchResult, { route: number }>): void {
  const { app } = x.shared;
  let params: Record<string, string> = {};
  let compiled: CompiledRoute | undefined;
  if (matched !== null && 'allow' in matched) {
    const target = app.match(matched.allow[0]!, x.path);
    if (target !== null && 'route' in target) {
      compiled = app.routes[target.route]!;
      params = target.params;
    }
  }
  const middleware = compiled ? compiled.middleware : x.shared.folderChain(x.path);
  const preflight = x.incoming.method === 'OPTIONS' && matched !== null && 'allow' in matched;
  if (preflight && compiled) x.routeKey = `OPTIONS ${compiled.path}`;
  if (middleware.length === 0) return finish(x, x.refusal ?? unroutedAnswer(x, matched));
  const res = new Res(preflight ? 204 : 200);
  // An OPTIONS answer names the methods even when a middleware (cors) answers the preflight itself.
  if (preflight) res.headers.allow = allowWithOptions(matched as { allow: string[] });
  const lctx = new RequestContext(x.requestId, x.shared.options.log, x.pin?.semver ?? '');
  chained(x, middleware, new MiddlewareReq(x, params), res, lctx, (r) => answerWith(r, x.refusal ?? unroutedAnswer(x, matched)));
}

function unroutedAnswer(x: Exchange, matched: Exclude<MatchResult, { route: number }>): OutgoingResponse {
  const method = x.incoming.method;
  const path = x.path;
  const old = x.pin?.old;
  if (old && (matched === null || 'allow' in matched)) {
    const gone = old.goneResponse(method, path);
    if (gone) return gone;
  }
  if (matched === null) return problemResponse(problem(404, `no route for ${method} ${path}`));
  if ('badEncoding' in matched) return problemResponse(problem(400, 'the path holds invalid percent-encoding'));
  if (method === 'OPTIONS') return { status: 204, headers: { allow: allowWithOptions(matched) }, body: undefined };
  const res = problemResponse(problem(405, `${method} is not allowed on ${path}`));
  res.headers.allow = matched.allow.join(', ');
  return res;
}

const allowWithOptions = (matched: { allow: string[] }) => [...matched.allow, 'OPTIONS'].join(', ');

function handlerRequest(x: Exchange, params: Record<string, string>): HandlerRequest {
  const incoming = x.incoming;
  return {
    method: incoming.method,
    path: x.path,
    ip: incoming.ip,
    params: params as Record<string, unknown>,
    query: parseQuery(x.search) as Record<string, unknown>,
    headers: incoming.headers as Record<string, unknown>,
    body: undefined as unknown,
  };
}

/**
 * Runs `middleware` (outermost first) around `inner`, which the last `next()` calls; then answers
 * with `res`, or with the error the chain threw (keeping the headers middleware set).
 */
function chained(x: Exchange, middleware: Middleware[], req: MiddlewareReq, res: Res, lctx: RequestContext, inner: (res: Res) => Promise<void> | void): void {
  runChain(middleware, req, res, x.shared.gctx, lctx, inner).then(
    () => guarded(x, chainDone, res, lctx, 0),
    (error: unknown) => guarded(x, handlerFailed, res, lctx, error),
  );
}

function chainDone(x: Exchange, res: Res, lctx: RequestContext): void {
  if (x.handlerRan) return handlerDone(x, res, lctx, undefined);
  finish(x, bodyResponse(res.status, res.headers, res.body));
}

/** What the last `next()` of a route's chain does: the version's refusal, the checks, the body, the handler. */
async function serveInChain(x: Exchange, compiled: CompiledRoute, params: Record<string, string>, res: Res, lctx: RequestContext): Promise<void> {
  if (x.refusal) return answerWith(res, x.refusal);
  const req = handlerRequest(x, params);
  const old = x.pin?.old;
  const refused = old ? await prepareOld(x, compiled, req, old) : await prepareNewest(x, compiled, req);
  if (refused) return answerWith(res, refused);
  x.handlerRan = true;
  const result = await compiled.handler(req, res, x.shared.gctx, lctx);
  if (res.body === undefined && result !== undefined) res.body = result;
}

/** The newest version's checks of a request, body included (every error of every part); the answer when it ends the request. */
async function prepareNewest(x: Exchange, compiled: CompiledRoute, req: HandlerRequest): Promise<OutgoingResponse | undefined> {
  const max = x.shared.maxErrors;
  const invalid = compiled.typed ? checkUrlParts(req, compiled.validators, max) : undefined;
  if (compiled.readsBody) {
    const decoded = await readJson(x.incoming, x.shared.options.bodyLimit, x.shared.maxDepth);
    if ('response' in decoded) return decoded.response;
    req.body = decoded.value;
  }
  const all = compiled.typed && compiled.readsBody ? checkBody(req, compiled.validators, max, invalid) : invalid;
  return all ? problemResponse(validationProblem(all)) : undefined;
}

/**
 * The pipeline's own answer (a problem, a 204 with Allow) written into the chain's `res`: headers a
 * middleware set stay, and a middleware after `next()` sees the status and the problem document.
 */
function answerWith(res: Res, out: OutgoingResponse): void {
  res.status = out.status;
  const headers = out.headers;
  for (const name in headers) res.headers[name] = headers[name]!;
  res.body = out.body === undefined ? undefined : JSON.parse(out.body);
}

/** The view of the request a middleware gets (types.ts `MiddlewareRequest`): as it arrived, read lazily. */
class MiddlewareReq implements MiddlewareRequest {
  private parsedQuery: Record<string, string | string[]> | undefined = undefined;
  constructor(private readonly x: Exchange, readonly params: Readonly<Record<string, string>>) {}
  get method(): string {
    return this.x.incoming.method;
  }
  get path(): string {
    return this.x.path;
  }
  get ip(): string {
    return this.x.incoming.ip;
  }
  get headers(): Readonly<Record<string, string | string[] | undefined>> {
    return this.x.incoming.headers;
  }
  get query(): Readonly<Record<string, string | string[]>> {
    return (this.parsedQuery ??= parseQuery(this.x.search));
  }
}

/** The body arrived: decoded (415/400), checked against its type, then the handler. */
function bodyRead(x: Exchange, raw: Buffer | string, req: HandlerRequest, lctx: RequestContext): void {
  const decoded = decodeJsonBody(raw, headerValue(x.incoming.headers['content-type']), x.shared.maxDepth);
  if ('problem' in decoded) return finish(x, problemResponse(decoded.problem));
  const compiled = x.route!;
  req.body = decoded.value;
  const invalid = compiled.typed ? checkBody(req, compiled.validators, x.shared.maxErrors, x.invalid) : undefined;
  if (invalid) return finish(x, problemResponse(validationProblem(invalid)));
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
  const max = x.shared.maxErrors;
  const oldFailed = await old.request(compiled.key, req, compiled.readsBody, () => readJson(x.incoming, x.shared.options.bodyLimit, x.shared.maxDepth), max);
  if (oldFailed) return oldFailed;
  if (!compiled.typed) return undefined;
  const invalid = checkUrlParts(req, compiled.validators, max);
  const all = compiled.readsBody ? checkBody(req, compiled.validators, max, invalid) : invalid;
  return all ? problemResponse(validationProblem(all)) : undefined;
}

/** The handler of a route without middleware; the answer synchronously when it returns a plain value. */
function callHandler(x: Exchange, compiled: CompiledRoute, req: HandlerRequest, lctx: RequestContext): void {
  const res = newRes(compiled);
  let result: unknown;
  try {
    result = compiled.handler(req, res, x.shared.gctx, lctx);
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
  const out = errorResponse(error, lctx.log, x.routeKey ?? x.path);
  out.headers = { ...res.headers, ...out.headers };
  finish(x, out);
}

/** The JSON body, or the 413/415/400 answer. */
async function readJson(incoming: IncomingRequest, limit: number, maxDepth: number): Promise<{ value: unknown } | { response: OutgoingResponse }> {
  let raw: Buffer | string;
  try {
    raw = await incoming.readBody(limit);
  } catch (error) {
    const response = unreadBodyResponse(error, limit);
    if (response) return { response };
    throw error;
  }
  const decoded = decodeJsonBody(raw, headerValue(incoming.headers['content-type']), maxDepth);
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

/** Middleware outermost first, then `inner`; a middleware that does not call next ends it. */
function runChain(middleware: Middleware[], req: MiddlewareRequest, res: Res, gctx: GlobalContext, lctx: LocalContext, inner: (res: Res) => Promise<void> | void): Promise<void> {
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
