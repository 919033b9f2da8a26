// The types a Gati app is written against (docs/handlers.md, docs/middleware.md, docs/effects.md).
// The compiler reads the type arguments of Handler/Req/Res; these declarations give editors the same view.
import type { GatiConfig } from './config.js';

/** The keys a handler's input type may declare; each is validated before the handler runs. */
export interface RequestShape {
  params?: object;
  query?: object;
  headers?: object;
  body?: unknown;
}

/** True when O is a map of HTTP status codes to bodies (`{ 202: A; 409: B }`), false for a plain 200 body. */
export type IsStatusMap<O> = [O] extends [object]
  ? [keyof O] extends [never] ? false : [keyof O] extends [number] ? (O extends readonly unknown[] ? false : true) : false
  : false;

/** The declared outputs as a status map: a plain type T means `{ 200: T }`. */
export type StatusMap<O> = IsStatusMap<O> extends true ? O : { 200: O };
export type DeclaredStatus<O> = keyof StatusMap<O> & number;
export type ResponseBody<O> = Exclude<StatusMap<O>[keyof StatusMap<O>], void | undefined>;

type Field<S, K extends keyof RequestShape, Fallback> = S extends { [P in K]: infer T } ? T : S extends { [P in K]?: infer T } ? T | undefined : Fallback;

export interface Req<S extends RequestShape = RequestShape> {
  readonly method: string;
  /** The path without the query string, as received. */
  readonly path: string;
  /** Path parameters, coerced to their declared types; `params['*']` holds a trailing wildcard. */
  readonly params: Field<S, 'params', Record<string, string>>;
  /** Query parameters, coerced to their declared types. */
  readonly query: Field<S, 'query', Record<string, string | string[]>>;
  readonly headers: Field<S, 'headers', {}> & Record<string, string | string[] | undefined>;
  readonly body: Field<S, 'body', unknown>;
}

export interface Res<O = unknown> {
  /** The status to answer with (default 200, or the only declared status). */
  status: IsStatusMap<O> extends true ? DeclaredStatus<O> : number;
  headers: Record<string, string | string[]>;
  body: ResponseBody<O> | undefined;
  /** Sets the body (and returns nothing, so `return res.json(x)` ends a handler). */
  json(body: ResponseBody<O>): void;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Filled by `.gati/generated/context.ts` through declaration merging: one key per module file. */
export interface GatiModules {}
/** Filled by `.gati/generated/context.ts`: effect name → payload type. */
export interface GatiEffects {}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** A second enqueue with the same key returns the first job instead of adding one. */
  idempotencyKey?: string;
}

export interface Effects {
  /** Resolves with the job id once the job is durably stored. */
  enqueue<K extends keyof GatiEffects & string>(name: K, payload: GatiEffects[K], options?: EnqueueOptions): Promise<string>;
}

/** Per process. */
export interface GlobalContext {
  modules: GatiModules;
  effects: Effects;
  config: GatiConfig;
  log: Logger;
  /** Publishes to WebSocket topics (docs/websockets.md). */
  ws: WsPublisher;
}

/** Per request. */
export interface LocalContext {
  readonly requestId: string;
  /** The resolved API version (semver) answering this request. */
  readonly version: string;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  readonly log: Logger;
  /** A bag for middleware and handler to share per-request values. */
  readonly state: Record<string, unknown>;
  /** The request's OpenTelemetry trace id (32 hex digits); '' when tracing is off (docs/observability.md). */
  readonly traceId: string;
}

export interface EffectContext {
  readonly attempt: number;
  readonly jobId: string;
  readonly log: Logger;
}

/**
 * `Handler<Input, Output>`: Input has the optional keys params, query, headers, body; Output is one
 * type (status 200) or a map of status codes to body types (`{ 204: void }` for no body).
 */
export type Handler<I extends RequestShape = RequestShape, O = unknown> = (
  req: Req<I>,
  res: Res<O>,
  gctx: GlobalContext,
  lctx: LocalContext,
) => Promise<ResponseBody<O> | void> | ResponseBody<O> | void;

/**
 * What a middleware sees of the request. Middleware runs before the body is read and before
 * anything is validated (so that a refusal costs no body read and reveals no schema): params and
 * query are the strings as they arrived (URL-decoded, not yet coerced, defaulted or checked), the
 * headers are the raw headers, and there is no body. The handler gets its own, validated `req`;
 * this one does not change when `next()` returns.
 */
export interface MiddlewareRequest {
  readonly method: string;
  /** The path without the query string, as received (still percent-encoded). */
  readonly path: string;
  /** The client address as the engine reports it (proxy headers are not read). */
  readonly ip: string;
  /**
   * The matched route's path parameters, URL-decoded strings; on a 405 or OPTIONS answer those of
   * the route whose chain runs (another method's), on a 404 `{}`.
   */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters as strings; a repeated key is an array. Not coerced or defaulted. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Lowercase names, as received. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * `next()` runs the rest: the inner middleware, then reading the body, validation, version
 * migration and the handler. It resolves once `res` holds the answer, a 400/404/405/413/415 problem
 * included (`res.status` says which); it rejects only when the handler or an inner middleware throws.
 */
export type Middleware = (
  req: MiddlewareRequest,
  res: Res<any>,
  gctx: GlobalContext,
  lctx: LocalContext,
  next: () => Promise<void>,
) => Promise<void> | void;

export interface RetryPolicy {
  attempts?: number;
  backoff?: 'fixed' | 'exponential';
  delayMs?: number;
}

/** The messages of a WebSocket route: `in` is what clients send, `out` what the server sends. */
export interface WsMessages {
  in?: unknown;
  out?: unknown;
}

type MessageIn<M extends WsMessages> = M extends { in: infer T } ? T : unknown;
type MessageOut<M extends WsMessages> = M extends { out: infer T } ? T : unknown;

/**
 * One WebSocket connection as a handler sees it. `params`, `query` and `headers` are those of the
 * upgrade request, validated and coerced as a handler's input is.
 */
export interface WsConnection<S extends Omit<RequestShape, 'body'> = {}, M extends WsMessages = WsMessages> {
  /** Unique per connection, in this process. */
  readonly id: string;
  readonly params: Field<S, 'params', Record<string, string>>;
  readonly query: Field<S, 'query', Record<string, string | string[]>>;
  readonly headers: Field<S, 'headers', {}> & Record<string, string | string[] | undefined>;
  /** Per-connection state, kept from `open` to `close`. */
  data: Record<string, unknown>;
  /** Sends one JSON text frame. */
  send(msg: MessageOut<M>): void;
  close(code?: number, reason?: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Sends to every other subscriber of `topic` (not to this connection). */
  publish(topic: string, msg: MessageOut<M>): void;
}

/**
 * Filled by `.gati/generated/context.ts`: WebSocket route key → the handler's type. `gctx.ws.publish`
 * takes the union of their `out` messages (anything while the app has no typed WebSocket route).
 */
export interface GatiWsRoutes {}

/** The `out` message type of a `WsHandler` type. */
export type WsOutOf<H> = H extends WsHandler<any, infer M> ? MessageOut<M> : unknown;
type AnyWsOut = [keyof GatiWsRoutes] extends [never] ? unknown : { [K in keyof GatiWsRoutes]: WsOutOf<GatiWsRoutes[K]> }[keyof GatiWsRoutes];

/** `gctx.ws`: publish to every subscriber of a topic, from any handler or effect. */
export interface WsPublisher {
  publish(topic: string, msg: AnyWsOut): void;
}

/**
 * `WsHandler<Input, { in; out }>`: Input has the optional keys params, query, headers (of the upgrade
 * request; a WebSocket route has no body); `in` types and validates each incoming message, `out`
 * types what `send` and `publish` take.
 */
export interface WsHandler<I extends Omit<RequestShape, 'body'> = {}, M extends WsMessages = WsMessages> {
  open?(ws: WsConnection<I, M>, gctx: GlobalContext, lctx: LocalContext): void | Promise<void>;
  message?(ws: WsConnection<I, M>, msg: MessageIn<M>, gctx: GlobalContext, lctx: LocalContext): void | Promise<void>;
  close?(ws: WsConnection<I, M>, code: number, reason: string): void | Promise<void>;
}
