// The request pipeline, independent of the HTTP engine: match → middleware → (inside `next()`)
// body, validation, version migration, handler → response. Middleware runs first so that a refusal
// (401, 429) costs no body read and reveals no schema, and so that the headers it sets (CORS) stay
// on every answer after it, problems included. An engine adapter turns its request into an
// IncomingRequest and writes the OutgoingResponse (wire.ts): node.ts through `respond` (a callback;
// no promise unless middleware, the handler or a body read makes one), bun.ts and `gati dev`
// through the promise form. This file holds the order of the steps; what each step does lives
// apart: request-context.ts (req, lctx, request ids), chain.ts (the middleware chain), body.ts,
// validation.ts (validate-then-revive, the response check), responses.ts (res and the answers),
// versions.ts (old API versions).
import type { GlobalContext, Logger, Middleware } from '../types.js';
import type { CompiledApp, CompiledRoute, MatchResult } from './app.js';
import { contentTypeOf, decodeJsonBody, readJsonBody, unreadBodyAnswer } from './body.js';
import { DONE, runChain } from './chain.js';
import { folderChains } from './folder-middleware.js';
import { logRequest, logsAt } from './log.js';
import { problem, problemAnswer } from './problem.js';
import { MiddlewareReq, RequestContext, handlerRequest, requestIdOf, type HandlerRequest, type RequestTarget } from './request-context.js';
import { Res, answerWith, bodyResponse, errorResponse, handlerRes, jsonResponse, serializerOf } from './responses.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { checkResponse, refuseInvalid } from './validation.js';
import { createVersioning, type Pin } from './versions.js';
import type { IncomingRequest, OutgoingResponse, Respond } from './wire.js';
import type { AcceptedUpgrade, WsHandlerHooks, WsRoute } from '../ws/types.js';
import { recordRequest, type HttpMetrics } from '../metrics/http-metrics.js';
import { NOT_YET, fulfilledValue, promiseOf } from './promise-peek.js';
import { activeTracing, type GatiTracer, type RequestTrace } from '../tracing/index.js';

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
  /** The process's HTTP metrics (runtime-shim/metrics/), when they are on. */
  metrics?: HttpMetrics;
}

/**
 * The pipeline: call it for a promise of the answer (wire.ts `AnswerRequest`), or use `respond`
 * (what node.ts does), which answers through a callback and costs no promise when the handler
 * returns a plain value.
 */
export interface Pipeline {
  (req: IncomingRequest): Promise<OutgoingResponse>;
  respond: Respond;
  /**
   * An `Upgrade: websocket` request: on a WS route, its middleware and the params/query/headers
   * checks run, then either `accept` (the engine's WebSocket adapter completes the upgrade) or the
   * answer that refused it (401, 400, …); off a WS route, the answer any request would get.
   */
  prepareUpgrade(req: IncomingRequest): Promise<UpgradeDecision>;
}

export type UpgradeDecision = { accept: AcceptedUpgrade } | { answer: OutgoingResponse };

interface Shared {
  app: CompiledApp;
  gctx: GlobalContext;
  options: PipelineOptions;
  logRequests: boolean;
  /** The HTTP metrics, when on (each answer is observed in `finish`). */
  metrics: HttpMetrics | undefined;
  /** Requests are timed: logged or measured. */
  timed: boolean;
  /** validation.maxErrors: the errors a 400 lists. */
  maxErrors: number;
  maxDepth: number;
  /** The middleware of a path without a route (folder-middleware.ts). */
  folderChain: (path: string) => Middleware[];
  /** Per WS route (by table index): what the WebSocket runtime gets, made once. */
  wsRoutes: Map<number, WsRoute>;
  /** Spans (runtime-shim/tracing/), or undefined when tracing is off. */
  tracing: GatiTracer | undefined;
}

type Reply = (ctx: unknown, out: OutgoingResponse) => void;

/** One request on its way through the pipeline (what the async steps carry instead of closures over many variables). */
class Exchange implements RequestTarget {
  readonly shared: Shared;
  readonly incoming: IncomingRequest;
  readonly path: string;
  readonly search: string;
  readonly requestId: string;
  /** A resolved version (its headers go on the answer); undefined without versions. */
  readonly pin: Pin | undefined;
  /** performance.now() when it arrived, when requests are logged or measured. */
  readonly started: number;
  /** Where the answer goes, with `ctx`, the engine's own argument (node.ts: the ServerResponse). */
  readonly reply: Reply;
  readonly ctx: unknown;
  /** The matched route, once matched. */
  route: CompiledRoute | undefined = undefined;
  /** What the request log names the route by. */
  routeKey: string | undefined = undefined;
  replied = false;
  /** A bad X-API-Version's 400, answered inside the middleware chain (so CORS headers reach it). */
  refusal: OutgoingResponse | undefined = undefined;
  /** The handler ran (its answer is checked and migrated; a middleware's or the pipeline's is not). */
  handlerRan = false;
  /** The params the handler's `req` gets under middleware (a copy: the validators coerce it in place). */
  handlerParams: Record<string, string> | undefined = undefined;
  /** Under middleware, a route reading a body: settle the last `next()` (bodyInChain). */
  innerDone: (() => void) | undefined = undefined;
  innerFailed: ((error: unknown) => void) | undefined = undefined;
  /** The handler's `req`, once routed. */
  req: HandlerRequest | undefined = undefined;
  /** The `res` the handler (and the middleware, when there is a chain) writes. */
  res: Res | undefined = undefined;
  /** `lctx`, once routed or under a path's middleware. */
  lctx: RequestContext | undefined = undefined;
  /** A WebSocket upgrade that passed its middleware and checks. */
  accepted: AcceptedUpgrade | undefined = undefined;
  /** The request's server span, when tracing is on. */
  trace: RequestTrace | undefined = undefined;

  // Positional: an ExchangeStart literal per request was one more object for the collector.
  constructor(shared: Shared, incoming: IncomingRequest, path: string, search: string, requestId: string, pin: Pin | undefined, started: number, reply: Reply, ctx: unknown) {
    this.shared = shared;
    this.incoming = incoming;
    this.path = path;
    this.search = search;
    this.requestId = requestId;
    this.pin = pin;
    this.started = started;
    this.reply = reply;
    this.ctx = ctx;
  }
}

export function createPipeline(app: CompiledApp, gctx: GlobalContext, options: PipelineOptions): Pipeline {
  const tracing = activeTracing();
  // Tracing on: every handler and middleware runs in its span (wrapped once, here).
  if (tracing !== undefined) app = tracing.instrumentApp(app);
  const logRequests = logsAt(options.log, 'info');
  const versioning = createVersioning(app, options.log);
  const shared: Shared = {
    app,
    gctx,
    options,
    logRequests,
    metrics: options.metrics,
    timed: logRequests || options.metrics !== undefined,
    maxErrors: app.config.validation?.maxErrors ?? CONFIG_DEFAULTS.validation.maxErrors,
    maxDepth: options.maxDepth ?? CONFIG_DEFAULTS.validation.maxDepth,
    folderChain: folderChains(app.folders),
    wsRoutes: new Map(),
    tracing,
  };
  const respond = (incoming: IncomingRequest, reply: Reply, ctx: unknown): void => {
    const started = shared.timed ? performance.now() : 0;
    let x: Exchange | undefined;
    try {
      const url = incoming.url;
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      // API versions (versions.ts): the pinned version, or the answer to a bad one or to /_versions.
      const pinned = versioning?.pin(incoming, path);
      const answer = pinned !== undefined && !('semver' in pinned) ? pinned : undefined;
      const pin = answer === undefined ? (pinned as Pin | undefined) : undefined;
      x = new Exchange(shared, incoming, path, q === -1 ? '' : url.slice(q + 1), requestIdOf(incoming), pin, started, reply, ctx);
      if (answer !== undefined) {
        // GET /_versions (200) and Gati's probes answer at once; a bad version goes through the
        // path's middleware like any other 400.
        if (answer.status === 200 || path === '/_health' || path === '/_ready') return finish(x, answer);
        x.refusal = answer;
      }
      if (tracing === undefined) route(x);
      else tracing.route(x, route);
    } catch (error) {
      failed(shared, x, reply, ctx, error);
    }
  };
  const handle = ((incoming: IncomingRequest) => new Promise<OutgoingResponse>((resolve) => respond(incoming, settle, resolve))) as Pipeline;
  handle.respond = respond as Respond;
  handle.prepareUpgrade = (incoming) => new Promise<UpgradeDecision>((resolve) => {
    const q = incoming.url.indexOf('?');
    const path = q === -1 ? incoming.url : incoming.url.slice(0, q);
    const matched = app.match('WS', path);
    // Not a WS route: the answer a plain request gets (404, or the HTTP route's own).
    if (matched === null || !('route' in matched)) return respond(incoming, (_ctx: unknown, answer: OutgoingResponse) => resolve({ answer }), undefined);
    const x: Exchange = new Exchange(shared, incoming, path, q === -1 ? '' : incoming.url.slice(q + 1), requestIdOf(incoming), undefined, shared.timed ? performance.now() : 0,
      (_ctx, answer) => resolve(x.accepted && answer.status === 101 ? { accept: x.accepted } : { answer }), undefined);
    try {
      // Tracing on: the upgrade is the connection's `WS <route>` server span (its messages' parent).
      if (tracing === undefined) upgrade(x, matched.route, matched.params);
      else tracing.route(x, (x) => upgrade(x, matched.route, matched.params));
    } catch (error) {
      failed(shared, x, x.reply, x.ctx, error);
    }
  });
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
  // One clock read for the line and the metrics sample.
  const elapsedMs = elapsedOf(x);
  if (shared.logRequests) logRequest(shared.options.log, x.requestId, x.incoming.method, x.routeKey ?? x.path, out.status, elapsedMs);
  observe(x, out, elapsedMs);
  x.replied = true;
  x.reply(x.ctx, out);
}

/** Milliseconds from the request's arrival to now, when requests are timed (logged or measured); else 0. */
const elapsedOf = (x: Exchange): number => (x.shared.timed ? performance.now() - x.started : 0);

/** The answer's metrics sample and the end of its server span (each when on): every answer passes here once. */
function observe(x: Exchange, out: OutgoingResponse, elapsedMs: number): void {
  if (x.shared.metrics !== undefined) recordRequest(x.shared.metrics, x, out.status, elapsedMs);
  if (x.trace !== undefined) x.trace.end(out, x.route);
}

/** The pipeline itself failed (not the handler): a bare 500, as the engines answer it. */
function failed(shared: Shared, x: Exchange | undefined, reply: Reply, ctx: unknown, error: unknown): void {
  shared.options.log.error({ err: error }, 'request pipeline failed');
  if (x?.replied) return;
  const out = problemAnswer(problem(500));
  if (x) {
    x.replied = true;
    observe(x, out, elapsedOf(x));
  }
  reply(ctx, out);
}

/** Runs `step` on `x` (with `arg`), turning a throw into the pipeline's 500 (for steps that run after an await). */
function guarded(x: Exchange, step: (x: Exchange) => void): void;
function guarded<A>(x: Exchange, step: (x: Exchange, arg: A) => void, arg: A): void;
function guarded<A>(x: Exchange, step: (x: Exchange, arg?: A) => void, arg?: A): void {
  try {
    step(x, arg);
  } catch (error) {
    failed(x.shared, x, x.reply, x.ctx, error);
  }
}

function route(x: Exchange): void {
  const { app, options } = x.shared;
  const { incoming, path } = x;
  const method = incoming.method;
  // Gati's probes: no middleware (a load balancer sends no token).
  if (path === '/_health' && (method === 'GET' || method === 'HEAD')) return finish(x, jsonResponse(200, { status: 'ok' }));
  if (path === '/_ready' && (method === 'GET' || method === 'HEAD')) {
    const reason = options.isReady() ? options.notReadyReason?.() ?? null : 'modules are still starting';
    return finish(x, reason === null ? jsonResponse(200, { status: 'ready' }) : problemAnswer(problem(503, reason)));
  }
  const matched = app.match(method, path);
  if (matched === null || !('route' in matched)) return unrouted(x, matched);
  const compiled = app.routes[matched.route]!;
  x.route = compiled;
  x.routeKey = compiled.key;
  x.lctx = new RequestContext(x.requestId, options.log, x.pin?.semver ?? '');
  if (compiled.middleware.length > 0) {
    // The handler gets its own params object: the validators coerce it in place, and the
    // middleware's view stays the strings that arrived.
    x.handlerParams = { ...matched.params };
    return chained(x, compiled.middleware, new MiddlewareReq(x, matched.params), handlerRes(compiled), serveInChain);
  }
  // No middleware (the common case): straight on, with no promise unless a body read or the handler makes one.
  if (x.refusal) return finish(x, x.refusal);
  const req = (x.req = handlerRequest(x, matched.params));
  if (x.pin?.old) {
    checkedRequest(x).then(
      (refused) => (refused ? guarded(x, finish, refused) : guarded(x, callHandler)),
      (error: unknown) => failed(x.shared, x, x.reply, x.ctx, error),
    );
    return;
  }
  if (compiled.readsBody) return readBodyThen(x, onBody, onBodyError);
  const refused = compiled.typed ? refuseInvalid(req, compiled.validators, x.shared.maxErrors, false) : undefined;
  if (refused) return finish(x, refused);
  callHandler(x);
}

/**
 * An upgrade on a WS route: its middleware, then (inside the last `next()`) the params, query and
 * headers checks; what passes becomes `x.accepted`, answered 101 (the engine then completes the
 * handshake). The handler's hooks run later, on the socket (runtime-shim/ws/).
 */
function upgrade(x: Exchange, index: number, params: Record<string, string>): void {
  const shared = x.shared;
  const compiled = shared.app.routes[index]!;
  x.route = compiled;
  x.routeKey = compiled.key;
  x.lctx = new RequestContext(x.requestId, shared.options.log, '');
  let wsRoute = shared.wsRoutes.get(index);
  if (!wsRoute) shared.wsRoutes.set(index, (wsRoute = wsRouteOf(compiled, shared.options.checkResponses)));
  const route = wsRoute;
  chained(x, compiled.middleware, new MiddlewareReq(x, params), new Res(101), (x, res) => {
    const req = (x.req = handlerRequest(x, { ...params }));
    const refused = compiled.typed ? refuseInvalid(req, compiled.validators, shared.maxErrors, false) : undefined;
    if (refused) return answerWith(res, refused);
    x.accepted = { route, params: req.params, query: req.query, headers: req.headers, lctx: x.lctx };
    const tracing = shared.tracing;
    if (tracing !== undefined && x.trace !== undefined) x.accepted.trace = tracing.wsConnection(compiled, x.trace.context);
  });
}

/** A WS route as the WebSocket runtime takes it: the handler's hooks, the generated message validators and `out`'s serializer. */
function wsRouteOf(compiled: CompiledRoute, checkOut: boolean): WsRoute {
  const v = compiled.validators as CompiledRoute['validators'] & { wsIn?: WsRoute['validateIn']; reviveWsIn?: WsRoute['reviveIn']; wsOut?: WsRoute['checkOut'] };
  return { key: compiled.key, handler: compiled.handler as unknown as WsHandlerHooks, validateIn: v.wsIn, reviveIn: v.reviveWsIn, checkOut: checkOut ? v.wsOut : undefined, serializeOut: compiled.serializers?.wsOut };
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
  x.lctx = new RequestContext(x.requestId, x.shared.options.log, x.pin?.semver ?? '');
  chained(x, middleware, new MiddlewareReq(x, params), res, (x, r) => answerWith(r, x.refusal ?? unroutedAnswer(x, matched)));
}

function unroutedAnswer(x: Exchange, matched: Exclude<MatchResult, { route: number }>): OutgoingResponse {
  const method = x.incoming.method;
  const path = x.path;
  const old = x.pin?.old;
  if (old && (matched === null || 'allow' in matched)) {
    const gone = old.goneResponse(method, path);
    if (gone) return gone;
  }
  if (matched === null) {
    const ws = x.shared.app.match('WS', path);
    if (ws === null || !('route' in ws)) return problemAnswer(problem(404, `no route for ${method} ${path}`));
    // A WebSocket route: a GET must ask for the upgrade (426); any other method is not allowed.
    const res = method === 'GET' || method === 'HEAD' ? problemAnswer(problem(426, `${path} is a WebSocket route: send Upgrade: websocket`)) : problemAnswer(problem(405, `${method} is not allowed on ${path}`));
    if (res.status === 426) res.headers.upgrade = 'websocket';
    else res.headers.allow = 'GET';
    return res;
  }
  if ('badEncoding' in matched) return problemAnswer(problem(400, 'the path holds invalid percent-encoding'));
  if (method === 'OPTIONS') return { status: 204, headers: { allow: allowWithOptions(matched) }, body: undefined };
  const res = problemAnswer(problem(405, `${method} is not allowed on ${path}`));
  res.headers.allow = matched.allow.join(', ');
  return res;
}

const allowWithOptions = (matched: { allow: string[] }) => [...matched.allow, 'OPTIONS'].join(', ');

/**
 * Runs `middleware` (outermost first) around `inner`, which the last `next()` calls; then answers
 * with `res`, or with the error the chain threw (keeping the headers middleware set). A chain that
 * ended in this call (chain.ts DONE, or a fulfilled promise Bun can read) is answered now.
 */
function chained(x: Exchange, middleware: Middleware[], req: MiddlewareReq, res: Res, inner: (x: Exchange, res: Res) => Promise<void> | void): void {
  x.res = res;
  const done = runChain(middleware, req, res, x.shared.gctx, x.lctx!, inner, x);
  if (done === DONE || fulfilledValue(done) !== NOT_YET) return guarded(x, chainDone);
  done.then(
    () => guarded(x, chainDone),
    (error: unknown) => guarded(x, handlerFailed, error),
  );
}

function chainDone(x: Exchange): void {
  if (x.handlerRan) return handlerDone(x, undefined);
  const res = x.res!;
  finish(x, bodyResponse(res.status, res.headers, res.body));
}

/**
 * What the last `next()` of a route's chain does: the version's refusal, the checks, the body, the
 * handler. A promise only while something is pending (a body, an old version's migration, an async
 * handler Bun cannot read yet): else the answer is on `res` when it returns, and `next()` is DONE.
 */
function serveInChain(x: Exchange, res: Res): Promise<void> | void {
  if (x.refusal) return answerWith(res, x.refusal);
  const req = (x.req = handlerRequest(x, x.handlerParams!));
  const compiled = x.route!;
  if (x.pin?.old) return checkedRequest(x).then((refused) => (refused ? answerWith(res, refused) : handlerInChain(x, res)));
  if (compiled.readsBody) return bodyInChain(x);
  const refused = compiled.typed ? refuseInvalid(req, compiled.validators, x.shared.maxErrors, false) : undefined;
  if (refused) return answerWith(res, refused);
  return handlerInChain(x, res);
}

/** The handler under middleware: what it returns becomes the body unless it set one; a promise only while it runs. */
function handlerInChain(x: Exchange, res: Res): Promise<void> | void {
  x.handlerRan = true;
  const route = x.route!;
  const { gctx, tracing } = x.shared;
  const req = x.req!;
  const lctx = x.lctx!;
  const result = tracing === undefined ? route.handler(req, res, gctx, lctx) : tracing.handlerInChain(route, () => route.handler(req, res, gctx, lctx));
  const promise = promiseOf(result);
  if (promise === undefined) return keepBody(res, result);
  const value = fulfilledValue(promise);
  if (value !== NOT_YET) return keepBody(res, value);
  return promise.then((value: unknown) => keepBody(res, value));
}

function keepBody(res: Res, value: unknown): void {
  if (res.body === undefined && value !== undefined) res.body = value;
}

/**
 * An old version's request, body included (every error of every part): checked against that
 * version and migrated up first (versions.ts), then the newest checks run. The answer when it ends
 * the request.
 */
async function checkedRequest(x: Exchange): Promise<OutgoingResponse | undefined> {
  const compiled = x.route!;
  const req = x.req!;
  const { maxErrors, maxDepth, options } = x.shared;
  const readBody = () => readJsonBody(x.incoming, options.bodyLimit, maxDepth);
  const refused = await x.pin!.old!.request({ routeKey: compiled.key, req, readsBody: compiled.readsBody, readBody, maxErrors });
  if (refused) return refused;
  return compiled.typed ? refuseInvalid(req, compiled.validators, maxErrors, compiled.readsBody) : undefined;
}

/** The body arrived: decoded (415/400) onto `req.body`, every part checked; the answer when that ends the request. */
function bodyRefusal(x: Exchange, raw: Buffer | string): OutgoingResponse | undefined {
  const compiled = x.route!;
  const decoded = decodeJsonBody(raw, contentTypeOf(x.incoming), depthToScan(compiled, x.shared.maxDepth));
  if ('response' in decoded) return decoded.response;
  const req = x.req!;
  req.body = decoded.value;
  return compiled.typed ? refuseInvalid(req, compiled.validators, x.shared.maxErrors, true) : undefined;
}

/** The body arrived (the route without middleware): checked, then the handler. */
function bodyRead(x: Exchange, raw: Buffer | string): void {
  const refused = bodyRefusal(x, raw);
  if (refused) return finish(x, refused);
  callHandler(x);
}

/**
 * Under middleware, a route that reads a body: the body (through the engine's callback form when it
 * has one and tracing is off), its checks, the handler; the promise (the last `next()`'s) settles once the answer is on
 * `res`, with no promise between the last byte and the handler.
 */
function bodyInChain(x: Exchange): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    x.innerDone = resolve;
    x.innerFailed = reject;
    readBodyThen(x, chainBodyRead, chainBodyUnread);
  });
}

/**
 * Reads the body under the body limit, then `done` or `failed` with `x`: through the engine's callback
 * form when it has one (no promise between the last byte and the handler), except with tracing on:
 * the promise form's reaction resumes in the request's context (its span, or the middleware's), so
 * the handler's span, the request line and any error line after it still find the trace; the
 * engine's callback runs in the socket's context instead.
 */
function readBodyThen(x: Exchange, done: (x: Exchange, raw: Buffer | string) => void, failed: (x: Exchange, error: unknown) => void): void {
  const incoming = x.incoming;
  const limit = x.shared.options.bodyLimit;
  if (incoming.readBodyTo && x.shared.tracing === undefined) return incoming.readBodyTo(limit, x, done, failed);
  incoming.readBody(limit).then(
    (raw) => done(x, raw),
    (error: unknown) => failed(x, error),
  );
}

function chainBodyRead(x: Exchange, raw: Buffer | string): void {
  try {
    const refused = bodyRefusal(x, raw);
    if (refused) {
      answerWith(x.res!, refused);
      return x.innerDone!();
    }
    const pending = handlerInChain(x, x.res!);
    if (pending === undefined) x.innerDone!();
    else pending.then(x.innerDone, x.innerFailed);
  } catch (error) {
    x.innerFailed!(error);
  }
}

/** The body could not be read: its answer (413, 400) on `res`, or the error (a 500) for the middleware around it. */
function chainBodyUnread(x: Exchange, error: unknown): void {
  const answer = unreadBodyAnswer(error, x.shared.options.bodyLimit);
  if (!answer) return x.innerFailed!(error);
  answerWith(x.res!, answer);
  x.innerDone!();
}

/** The nesting limit the body is scanned for: none (Infinity) when its type cannot nest past `maxDepth` anyway. */
function depthToScan(compiled: CompiledRoute, maxDepth: number): number {
  const depth = compiled.bodyDepth;
  return depth !== undefined && depth <= maxDepth ? Infinity : maxDepth;
}

const onBody = (x: Exchange, raw: Buffer | string) => guarded(x, bodyRead, raw);
const onBodyError = (x: Exchange, error: unknown) => guarded(x, bodyUnread, error);

function bodyUnread(x: Exchange, error: unknown): void {
  const answer = unreadBodyAnswer(error, x.shared.options.bodyLimit);
  if (!answer) throw error;
  finish(x, answer);
}

/**
 * The handler of a route without middleware; the answer synchronously when it returns a plain value,
 * or (on Bun) a promise already fulfilled.
 */
function callHandler(x: Exchange): void {
  const compiled = x.route!;
  const res = (x.res = handlerRes(compiled));
  let result: unknown;
  try {
    // Tracing on: the handler runs in its span, which handlerDone or handlerFailed ends.
    result = x.trace === undefined ? compiled.handler(x.req, res, x.shared.gctx, x.lctx) : x.trace.callHandler(compiled, x.req!, res, x.shared.gctx, x.lctx!);
    const promise = promiseOf(result);
    // An async handler that did not await (Bun can tell): answered now, as a plain value is.
    if (promise !== undefined && (result = fulfilledValue(promise)) === NOT_YET) {
      promise.then(
        (value: unknown) => guarded(x, handlerDone, value),
        (error: unknown) => guarded(x, handlerFailed, error),
      );
      return;
    }
  } catch (error) {
    return handlerFailed(x, error);
  }
  handlerDone(x, result);
}

/** The handler's answer (`value`: what it returned): checked in dev, migrated down for an old version, serialized. */
function handlerDone(x: Exchange, value: unknown): void {
  x.trace?.handlerDone(false);
  const res = x.res!;
  if (res.body === undefined && value !== undefined) res.body = value;
  const compiled = x.route!;
  if (x.shared.options.checkResponses && compiled.typed) checkResponse(compiled, res.status, res.body, x.lctx!.log);
  const old = x.pin?.old;
  if (old) res.body = old.response(compiled.key, res.status, res.body);
  // The newest version's body has its declared type: its compiled serializer (an old version's, migrated down, does not).
  finish(x, bodyResponse(res.status, res.headers, res.body, old ? undefined : serializerOf(compiled, res.status)));
}

function handlerFailed(x: Exchange, error: unknown): void {
  x.trace?.handlerDone(true, error);
  // Headers set before the throw (CORS) stay on the error response, or browsers cannot read it.
  const out = errorResponse(error, x.lctx!.log, x.routeKey ?? x.path);
  out.headers = { ...x.res!.headers, ...out.headers };
  finish(x, out);
}
