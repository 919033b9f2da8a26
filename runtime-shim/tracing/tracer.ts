// The spans Gati's pipeline makes itself (no monkey-patching): the request's SERVER span, a span per
// middleware, the handler, each `gctx.modules.<m>.<fn>` call, each `enqueue` (PRODUCER) and each
// effect run (CONSUMER, in the trace that enqueued it). Parents are found through the active
// context (AsyncLocalStorage, context-manager.ts), which exists only when tracing is on.
import type { Attributes, Context, Span, SpanContext } from '@opentelemetry/api';
import type { Middleware } from '../types.js';
import type { CompiledApp, CompiledRoute, HandlerFn } from '../server/app.js';
import type { IncomingRequest, OutgoingResponse } from '../server/wire.js';
import type { JobView, NewJob } from '../effects/types.js';
import { HttpError } from '../http-error.js';
import type { AlsContextManager } from './context-manager.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';
import { RequestFrame, withSpan } from './context-frame.js';
import { RecordedSpan, type RecorderTracer } from './recorder.js';
import { WsTrace } from './ws-trace.js';
import type { LocalSpans } from './local-spans.js';

/** The parts of @opentelemetry/api the spans need (loaded by sdk.ts). */
export interface OtelApi {
  trace: typeof import('@opentelemetry/api').trace;
  createTraceState: typeof import('@opentelemetry/api').createTraceState;
  ROOT_CONTEXT: Context;
}

// SpanKind and SpanStatusCode values (stable in the OpenTelemetry specification).
const SERVER = 1;
const CLIENT = 2;
const PRODUCER = 3;
const CONSUMER = 4;
const ERROR = 2;

/** A request's server span, from its arrival to its answer. */
export interface RequestTrace {
  readonly span: Span;
  readonly context: Context;
  /** Names the span after its route, sets the status attributes, puts `traceparent` on the answer, ends the span. */
  end(out: OutgoingResponse, route: CompiledRoute | undefined): void;
  /**
   * Calls the handler of a route without middleware inside the route's handler span, a child of the
   * server span and the active span until `handlerDone` (the pipeline calls it when the handler's
   * answer or error is known: no promise is added to end the span).
   */
  callHandler(route: CompiledRoute, ...args: Parameters<HandlerFn>): ReturnType<HandlerFn>;
  /** Ends the handler span `callHandler` started (failed when `error` is given); a no-op without one. */
  handlerDone(failed: boolean, error?: unknown): void;
}

/** What runs with an effect's span: the run's outcome marks it. */
export interface EffectTrace {
  fail(error: string): void;
}

/** The exchange as tracing sees it (pipeline.ts's Exchange). */
export interface TracedExchange {
  readonly incoming: IncomingRequest;
  readonly path: string;
  /** performance.now() on arrival (0 when the pipeline times nothing). */
  readonly started: number;
  trace: RequestTrace | undefined;
}

/** What a route's spans share, made once per route: names and frozen attribute objects (the encoder reuses their bytes). */
interface RouteSpans {
  handlerName: string;
  handlerAttributes: Attributes;
  serverName: string;
  serverAttributes: Attributes;
}

export class GatiTracer {
  private readonly routeSpans = new WeakMap<CompiledRoute, RouteSpans>();
  /** A server span's starting attributes per request method (a bounded set: past it, a fresh object). */
  private readonly methodAttributes = new Map<string, Attributes>();
  /** A WS route's message spans: name and attributes. */
  private readonly wsMessageSpans = new WeakMap<CompiledRoute, { name: string; attributes: Attributes }>();
  /** An enqueue span's starting attributes per effect. */
  private readonly enqueueAttributes = new Map<string, Attributes>();

  /** The span a call outside any recorded span gets under `lean` (records nothing, propagates nothing). */
  private readonly unrecorded: Span;
  /** Lean: recorded requests and effect runs in flight; at none (and nobody watching) the context storage pauses. */
  private leanOpen = 0;
  private readonly leanDone = (): void => {
    if (--this.leanOpen === 0 && !this.lean!.watching()) this.contexts.pause();
  };

  /**
   * `lean`: the control panel's buffer is the only sink (no OTLP endpoint). It admits a few
   * requests; the others run as if tracing were off (no context, no span objects), and a span
   * outside a recorded one is made only while a client watches.
   */
  constructor(private readonly api: OtelApi, private readonly tracer: RecorderTracer, readonly contexts: AlsContextManager, private readonly lean?: LocalSpans) {
    this.unrecorded = api.trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
  }

  /**
   * Starts the request's server span (continuing an incoming `traceparent`) and runs `step` inside
   * it, so every span and log line of the request finds it. Gati's probes are not traced.
   */
  route<X extends TracedExchange>(x: X, step: (x: X) => void): void {
    const path = x.path;
    if (path === '/_health' || path === '/_ready') return step(x);
    const incoming = x.incoming;
    const method = incoming.method;
    const lean = this.lean;
    if (lean !== undefined && !lean.admit(method, path)) {
      x.trace = new MissedRequestTrace(this.unrecorded, this.api.ROOT_CONTEXT, lean, method, path, x.started || performance.now());
      return step(x);
    }
    const parent = this.remoteParent(incoming.headers);
    // The pipeline's clock reading on arrival (when it times requests: metrics, request logs) is the span's start.
    const span = this.tracer.startIn(parent, method, SERVER, this.startAttributes(method), x.started || undefined);
    span.setAttribute('url.path', path);
    const frame = new RequestFrame(parent, span);
    if (lean !== undefined) this.leanOpen++;
    x.trace = new ServerSpan(this, span, frame, method, lean !== undefined ? this.leanDone : undefined);
    this.contexts.run(frame, step, x);
  }

  /** The spans of `route`: names and attributes, made on its first request. */
  spansOf(route: CompiledRoute): RouteSpans {
    let spans = this.routeSpans.get(route);
    if (spans === undefined) {
      // A WS route's server span is its upgrade: named `WS <route>`, an HTTP GET on the wire.
      spans = {
        handlerName: `handler ${route.key}`,
        handlerAttributes: Object.freeze({ 'gati.route': route.key }),
        serverName: `${route.method} ${route.path}`,
        serverAttributes: Object.freeze({ 'http.request.method': route.method === 'WS' ? 'GET' : route.method, 'http.route': route.path }),
      };
      this.routeSpans.set(route, spans);
    }
    return spans;
  }

  private startAttributes(method: string): Attributes {
    let attributes = this.methodAttributes.get(method);
    if (attributes === undefined) {
      attributes = Object.freeze({ 'http.request.method': method });
      if (this.methodAttributes.size < 64) this.methodAttributes.set(method, attributes);
    }
    return attributes;
  }

  /** The handler of a route with middleware, inside its span (a child of the innermost middleware's). */
  handlerInChain<T>(route: CompiledRoute, call: () => T): T {
    if (this.untraced()) return call();
    const spans = this.spansOf(route);
    return this.inSpan(spans.handlerName, 0, spans.handlerAttributes, call);
  }

  /** Starts a span (kind internal) with `parent` as its parent. */
  startChild(name: string, attributes: Attributes, parent: Context): Span {
    return this.tracer.startIn(parent, name, 0, attributes);
  }

  /**
   * The app with every middleware wrapped in its span (made once, at start). Handlers are not
   * wrapped: the pipeline runs them in their span (`RequestTrace.callHandler`, `handlerInChain`).
   */
  instrumentApp(app: CompiledApp): CompiledApp {
    const wrapped = new Map<Middleware, Middleware>();
    const wrapChain = (chain: Middleware[]) => chain.map((mw, i) => {
      let traced = wrapped.get(mw);
      if (!traced) wrapped.set(mw, (traced = this.middleware(mw, mw.name || `#${i + 1}`)));
      return traced;
    });
    return {
      ...app,
      routes: app.routes.map((r) => ({ ...r, middleware: wrapChain(r.middleware) })),
      folders: app.folders?.map((f) => ({ ...f, middleware: wrapChain(f.middleware) })),
    };
  }

  /** How the hooks of a WebSocket connection accepted on `route` run: in spans of the upgrade's trace (ws-trace.ts). */
  wsConnection(route: CompiledRoute, upgrade: Context): WsTrace | undefined {
    // Lean: an upgrade the panel did not record runs its socket's hooks untraced.
    if (this.lean !== undefined && upgrade === this.api.ROOT_CONTEXT) return undefined;
    let spans = this.wsMessageSpans.get(route);
    if (spans === undefined) this.wsMessageSpans.set(route, (spans = { name: `WS ${route.path} message`, attributes: Object.freeze({ 'http.route': route.path }) }));
    return new WsTrace(this, upgrade, spans.name, spans.attributes);
  }

  /** A module's functions, each call a span named `<module>.<fn>` (gctx.modules). */
  wrapModule(name: string, methods: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, fn] of Object.entries(methods)) {
      const spanName = `${name}.${key}`;
      const attributes = Object.freeze({ 'code.namespace': name, 'code.function': key });
      const f = fn as (...args: unknown[]) => unknown;
      out[key] = (...args: unknown[]) => (this.untraced() ? f(...args) : this.inSpan(spanName, 0, attributes, () => f(...args)));
    }
    return out;
  }

  /**
   * A call to an HTTP or container module: a CLIENT span `module <name>.<fn>`; `call` gets the
   * `traceparent` to send, so the service's own spans join the trace.
   */
  moduleCall<T>(module: string, fn: string, call: (traceparent: string | undefined) => Promise<T>): Promise<T> {
    return this.inSpan(`module ${module}.${fn}`, CLIENT, { 'rpc.system': 'gati', 'rpc.service': module, 'rpc.method': fn }, (span) => call(span === this.unrecorded ? undefined : traceparentOf(span)));
  }

  /** An enqueue's PRODUCER span; the job carries its `traceparent`, so the run joins this trace. */
  enqueue(name: string, job: NewJob, store: () => Promise<{ id: string; deduped: boolean }>): Promise<{ id: string; deduped: boolean }> {
    let attributes = this.enqueueAttributes.get(name);
    if (attributes === undefined) this.enqueueAttributes.set(name, (attributes = Object.freeze({ 'messaging.system': 'gati', 'messaging.operation.type': 'send', 'messaging.destination.name': name })));
    return this.inSpan(`enqueue ${name}`, PRODUCER, attributes, (span) => {
      if (span !== this.unrecorded) job.traceparent = traceparentOf(span);
      return store().then((stored) => {
        span.setAttribute('messaging.message.id', stored.id);
        return stored;
      });
    });
  }

  /** Runs an effect's job inside its CONSUMER span, a child of the enqueue that stored the job. */
  runEffect<T>(job: JobView, run: (trace: EffectTrace) => Promise<T>): Promise<T> {
    const ids = parseTraceparent(job.traceparent);
    // Lean: a run whose enqueue was not recorded is not either, unless a client watches.
    if (this.lean !== undefined && (ids === undefined || (ids.traceFlags & 1) === 0) && !this.lean.watching()) return run(UNTRACED_EFFECT);
    const root = this.api.ROOT_CONTEXT;
    const parent = ids ? this.api.trace.setSpanContext(root, { ...ids, isRemote: true }) : root;
    const span = this.tracer.startIn(parent, `effect ${job.name}`, CONSUMER, { 'messaging.system': 'gati', 'messaging.operation.type': 'process', 'messaging.destination.name': job.name, 'messaging.message.id': job.id, 'gati.effect.attempt': job.attempt });
    const trace: EffectTrace = { fail: (error) => span.setStatus({ code: ERROR, message: firstLine(error) }) };
    if (this.lean !== undefined) this.leanOpen++;
    const done = () => {
      span.end();
      if (this.lean !== undefined) this.leanDone();
    };
    return this.contexts.with(withSpan(parent, span), run, undefined, trace).finally(done);
  }

  /** `,"trace_id":…,"span_id":…` for a log line written inside a span, else ''. */
  logFields(): string {
    const context = this.contexts.current();
    if (context === undefined) return '';
    const span = this.api.trace.getSpan(context);
    if (span === undefined) return '';
    const ids = span.spanContext();
    return `,"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"`;
  }

  /** The active trace id ('' outside a span): `lctx.traceId`. */
  traceId(): string {
    const context = this.contexts.current();
    return (context && this.api.trace.getSpan(context)?.spanContext().traceId) ?? '';
  }

  private remoteParent(headers: IncomingRequest['headers']): Context {
    const root = this.api.ROOT_CONTEXT;
    const ids = parseTraceparent(headers.traceparent);
    if (!ids) return root;
    const parent: SpanContext = { ...ids, isRemote: true };
    const state = headers.tracestate;
    if (typeof state === 'string' && state.length <= 512) parent.traceState = this.api.createTraceState(state);
    return this.api.trace.setSpanContext(root, parent);
  }

  private middleware(mw: Middleware, name: string): Middleware {
    const spanName = `middleware ${name}`;
    const attributes = Object.freeze({ 'gati.middleware': name });
    return (req, res, gctx, lctx, next) => (this.untraced() ? mw(req, res, gctx, lctx, next) : (this.inSpan(spanName, 0, attributes, () => mw(req, res, gctx, lctx, next)) as Promise<void>));
  }

  /**
   * Lean, outside a recorded request and nobody watching: what `inSpan` would run without a span,
   * checked before the wrappers make their closures (the panel's idle cost is per request).
   */
  private untraced(): boolean {
    return this.lean !== undefined && this.contexts.current() === undefined && !this.lean.watching();
  }

  /** Runs `fn` inside a child span of `parent` (the active one unless given); the span ends when `fn` returns or its promise settles. */
  inSpan<T>(name: string, kind: number, attributes: Attributes, fn: (span: Span) => T, parent: Context = this.contexts.active()): T {
    // Lean, outside a recorded request (no context): nothing to record, nothing to make.
    if (this.lean !== undefined && parent === this.api.ROOT_CONTEXT && !this.lean.watching()) return fn(this.unrecorded);
    const span = this.tracer.startIn(parent, name, kind, attributes);
    let result: T;
    try {
      result = this.contexts.with(withSpan(parent, span), fn, undefined, span);
    } catch (error) {
      failSpan(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          failSpan(span, error);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  }
}

class ServerSpan implements RequestTrace {
  /** The route's handler span while it runs (routes without middleware). */
  private handler: Span | undefined = undefined;

  constructor(private readonly tracer: GatiTracer, readonly span: Span, readonly context: RequestFrame, private readonly method: string, private readonly ended?: () => void) {}

  callHandler(route: CompiledRoute, ...args: Parameters<HandlerFn>): ReturnType<HandlerFn> {
    const spans = this.tracer.spansOf(route);
    const handler = (this.handler = this.tracer.startChild(spans.handlerName, spans.handlerAttributes, this.context));
    this.context.activate(handler);
    // Usually the request's frame is the active context already (then this is a plain call); after
    // a body read that arrived in later packets it may not be.
    const contexts = this.tracer.contexts;
    if (contexts.current() === this.context) return route.handler(...args);
    return contexts.with(this.context, route.handler, undefined, ...args);
  }

  handlerDone(failed: boolean, error?: unknown): void {
    const handler = this.handler;
    if (handler === undefined) return;
    this.handler = undefined;
    this.context.activate(this.span);
    if (failed) failSpan(handler, error);
    handler.end();
  }

  end(out: OutgoingResponse, route: CompiledRoute | undefined): void {
    const span = this.span;
    this.handlerDone(false);
    if (route !== undefined && span instanceof RecordedSpan) {
      const spans = this.tracer.spansOf(route);
      // A HEAD answered by a GET route keeps its own method.
      if (this.method === route.method || route.method === 'WS') span.reshare(spans.serverName, spans.serverAttributes);
      else {
        span.updateName(`${this.method} ${route.path}`);
        span.setAttribute('http.route', route.path);
      }
    }
    span.setAttribute('http.response.status_code', out.status);
    if (out.status >= 500) span.setStatus({ code: ERROR });
    // The answer names the server span, so a client (or its logs) can find the trace.
    out.headers.traceparent = traceparentOf(span);
    span.end();
    this.ended?.();
  }
}

/**
 * A request the panel did not admit (lean tracing): nothing recorded, but a failed (5xx) or slow
 * answer is reported, so the panel keeps the requests worth looking at.
 */
class MissedRequestTrace implements RequestTrace {
  constructor(readonly span: Span, readonly context: Context, private readonly lean: LocalSpans, private readonly method: string, private readonly path: string, private readonly started: number) {}

  callHandler(route: CompiledRoute, ...args: Parameters<HandlerFn>): ReturnType<HandlerFn> {
    return route.handler(...args);
  }

  handlerDone(): void {}

  end(out: OutgoingResponse, route: CompiledRoute | undefined): void {
    const durationMs = performance.now() - this.started;
    if (out.status < 500 && durationMs < this.lean.slowMs) return;
    this.lean.missed({ method: this.method, path: this.path, route: route?.path, status: out.status, start: performance.timeOrigin + this.started, durationMs });
  }
}

/** The `traceparent` naming `span` (a recorded span's without making its SpanContext). */
const traceparentOf = (span: Span): string => (span instanceof RecordedSpan ? span.traceparent() : formatTraceparent(span.spanContext()));

const UNTRACED_EFFECT: EffectTrace = { fail: () => {} };

/** A throw marks the span as failed, except an HttpError below 500 (an answer the code chose). */
function failSpan(span: Span, error: unknown): void {
  if (error instanceof HttpError && error.status < 500) return;
  span.setStatus({ code: ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
}

const firstLine = (text: string) => text.split('\n', 1)[0]!.slice(0, 500);
