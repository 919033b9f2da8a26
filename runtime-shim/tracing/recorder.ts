// Gati's span recorder: OpenTelemetry's Tracer and Span (the @opentelemetry/api interfaces, so the
// app's own spans made through the global API join Gati's traces) kept as compact records that the
// batch (batch.ts) encodes as OTLP directly. It replaces @opentelemetry/sdk-trace-base, whose span
// objects and OTLP transformer cost more per request than the budget (docs/observability.md, "Why
// Gati records spans itself").
import type {
  Attributes, AttributeValue, Context, Exception, HrTime, Link, Span, SpanContext, SpanOptions, SpanStatus,
  TimeInput, Tracer, TracerProvider,
} from '@opentelemetry/api';
import type { Sample } from './sampler.js';
import { newSpanId, newTraceId } from './ids.js';
import { withSpan } from './context-frame.js';

/** The parts of @opentelemetry/api the recorder needs (loaded by sdk.ts). */
export interface RecorderApi {
  trace: typeof import('@opentelemetry/api').trace;
  context: typeof import('@opentelemetry/api').context;
}

/** Where ended spans go (the batch). */
export interface SpanSink {
  push(span: RecordedSpan): void;
}

/** The instrumentation scope of a tracer (`getTracer(name, version)`). */
export interface Scope {
  name: string;
  version: string;
  /** Gati's own tracer: its attribute objects are prepared once per route and shared, never written. */
  shares?: boolean;
}

// The SDK's default span limits.
const MAX_ATTRIBUTES = 128;
const MAX_EVENTS = 128;
const MAX_LINKS = 128;

const ORIGIN_MS = performance.timeOrigin;
/** The starting attributes of a span with none (never written: `setAttribute` writes to `added`). */
const EMPTY: Attributes = Object.freeze({}) as Attributes;
/** What the sampler is told about a recorded parent (sampled, by construction): no SpanContext made for it. */
const RECORDED_PARENT: SpanContext = Object.freeze({ traceId: '', spanId: '', traceFlags: 1 });

/** The keys of Gati's shared (frozen, never written) attribute objects, counted once each. */
const sharedCounts = new WeakMap<Attributes, number>();
function sharedCount(attributes: Attributes): number {
  let n = sharedCounts.get(attributes);
  if (n === undefined) {
    n = Object.keys(attributes).length;
    if (Object.isFrozen(attributes)) sharedCounts.set(attributes, n);
  }
  return n;
}

export interface RecordedEvent {
  name: string;
  /** Milliseconds since the Unix epoch (fractional). */
  time: number;
  attributes: Attributes | undefined;
}

/** A sampled span: what OTLP exports of it, nothing more. */
export class RecordedSpan implements Span {
  /** Milliseconds since the Unix epoch (fractional). */
  start: number;
  end_ = 0;
  /** The attributes the span started with (Gati's: an object shared by the spans of a route, never written). */
  attributes: Attributes;
  /** The attributes set since (these win over the same key in `attributes`). */
  added: Attributes | undefined = undefined;
  attributeCount: number;
  /** Whether `added` holds a key of `attributes` (the encoder then leaves that starting one out). */
  shadows = false;
  droppedAttributes = 0;
  statusCode = 0;
  statusMessage: string | undefined = undefined;
  events: RecordedEvent[] | undefined = undefined;
  links: Link[] | undefined = undefined;
  readonly spanId: string;
  private ended = false;
  /** The SpanContext, made when first asked for (a span nobody asks about costs no object for it). */
  private ids: SpanContext | undefined = undefined;

  constructor(
    private readonly sink: SpanSink,
    readonly scope: Scope,
    readonly traceId: string,
    readonly parentSpanId: string,
    public name: string,
    readonly kind: number,
    attributes: Attributes | undefined,
    startTime: TimeInput | undefined,
    readonly traceState: SpanContext['traceState'],
  ) {
    this.spanId = newSpanId();
    this.start = startTime === undefined ? ORIGIN_MS + performance.now() : epochMs(startTime);
    // Gati's own attribute objects are kept as given (shared between the spans of a route: later
    // attributes go to `added`); anyone else's are copied now (the caller may change them later).
    this.attributes = EMPTY;
    this.attributeCount = 0;
    if (attributes !== undefined) {
      if (scope.shares) {
        this.attributes = attributes;
        this.attributeCount = sharedCount(attributes);
      }
      if (!scope.shares || this.attributeCount > MAX_ATTRIBUTES) {
        this.attributeCount = 0;
        this.attributes = EMPTY;
        this.setAttributes(attributes);
      }
    }
  }

  spanContext(): SpanContext {
    return (this.ids ??= { traceId: this.traceId, spanId: this.spanId, traceFlags: 1, traceState: this.traceState });
  }

  /** The W3C `traceparent` naming this span (sampled), without making its SpanContext. */
  traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-01`;
  }

  /**
   * Gati's own spans only: a new name and new shared starting attributes (the server span once its
   * route is known: the route's prepared, frozen object, so the encoder reuses its bytes).
   */
  reshare(name: string, attributes: Attributes): void {
    if (this.ended) return;
    this.name = name;
    this.attributes = attributes;
    let count = sharedCount(attributes);
    let shadows = false;
    for (const key in this.added) {
      if (!(key in attributes)) count++;
      else shadows = true;
    }
    this.attributeCount = count;
    this.shadows = shadows;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.ended || value === undefined || value === null) return this;
    const added = (this.added ??= {});
    if (!(key in added)) {
      if (key in this.attributes) this.shadows = true;
      else if (this.attributeCount >= MAX_ATTRIBUTES) {
        this.droppedAttributes++;
        return this;
      } else this.attributeCount++;
    }
    added[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]!);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const events = (this.events ??= []);
    if (events.length >= MAX_EVENTS) return this;
    const isTime = typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const at = isTime ? (attributesOrTime as TimeInput) : time;
    events.push({ name, time: at === undefined ? ORIGIN_MS + performance.now() : epochMs(at), attributes: isTime ? undefined : (attributesOrTime as Attributes | undefined) });
    return this;
  }

  addLink(link: Link): this {
    if (!this.ended && (this.links ??= []).length < MAX_LINKS) this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended || this.statusCode === 1) return this; // OK is final (the specification)
    this.statusCode = status.code;
    this.statusMessage = status.code === 2 ? status.message : undefined;
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.end_ = endTime === undefined ? ORIGIN_MS + performance.now() : Math.max(epochMs(endTime), this.start);
    this.sink.push(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.name) attributes['exception.type'] = exception.name;
      else if (exception.code !== undefined) attributes['exception.type'] = String(exception.code);
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attributes, time);
  }
}

/** The instrumentation scope of the spans Gati's pipeline makes. */
export const GATI_SCOPE = 'gati';

/** OpenTelemetry's TracerProvider over the recorder: the global one while tracing is on. */
export class RecorderProvider implements TracerProvider {
  private readonly tracers = new Map<string, RecorderTracer>();
  constructor(private readonly api: RecorderApi, private readonly sample: Sample, private readonly sink: SpanSink) {}

  getTracer(name: string, version = ''): RecorderTracer {
    const key = `${name}@${version}`;
    let tracer = this.tracers.get(key);
    if (!tracer) this.tracers.set(key, (tracer = new RecorderTracer(this.api, this.sample, this.sink, { name, version, shares: name === GATI_SCOPE })));
    return tracer;
  }
}

export class RecorderTracer implements Tracer {
  constructor(private readonly api: RecorderApi, private readonly sample: Sample, private readonly sink: SpanSink, private readonly scope: Scope) {}

  startSpan(name: string, options: SpanOptions = {}, context?: Context): Span {
    const parentSpan = options.root ? undefined : this.api.trace.getSpan(context ?? this.api.context.active());
    const span = this.start(parentSpan, name, options.kind ?? 0, options.attributes, options.startTime);
    if (options.links?.length && span instanceof RecordedSpan) span.addLinks(options.links);
    return span;
  }

  /** `startSpan` without the options object (Gati's own spans: no links, a parent context, a start time as `performance.now()` gives it, else now). */
  startIn(context: Context, name: string, kind: number, attributes: Attributes | undefined, startTime?: number): Span {
    return this.start(this.api.trace.getSpan(context), name, kind, attributes, startTime);
  }

  private start(parentSpan: Span | undefined, name: string, kind: number, attributes: Attributes | undefined, startTime: TimeInput | undefined): Span {
    if (parentSpan instanceof RecordedSpan) {
      // A recorded parent (Gati's spans, nearly always): valid ids and sampled, by construction.
      const { traceId, spanId, traceState } = parentSpan;
      if (!this.sample(RECORDED_PARENT, traceId)) return this.api.trace.wrapSpanContext({ traceId, spanId: newSpanId(), traceFlags: 0, traceState });
      return new RecordedSpan(this.sink, this.scope, traceId, spanId, name, kind, attributes, startTime, traceState);
    }
    const parent = parentSpan?.spanContext();
    // Remote and other parents' ids are checked.
    const valid = parent !== undefined && this.api.trace.isSpanContextValid(parent);
    const traceId = valid ? parent.traceId : newTraceId();
    if (!this.sample(valid ? parent : undefined, traceId)) {
      // Not sampled: ids that propagate (flags 00), nothing recorded.
      return this.api.trace.wrapSpanContext({ traceId, spanId: newSpanId(), traceFlags: 0, traceState: valid ? parent.traceState : undefined });
    }
    return new RecordedSpan(this.sink, this.scope, traceId, valid ? parent.spanId : '', name, kind, attributes, startTime, valid ? parent.traceState : undefined);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as (span: Span) => ReturnType<F>;
    const options = (args.length > 1 ? args[0] : undefined) as SpanOptions | undefined;
    const context = (args.length > 2 ? args[1] : undefined) as Context | undefined;
    const parent = context ?? this.api.context.active();
    const span = this.startSpan(name, options, parent);
    return this.api.context.with(withSpan(parent, span), fn, undefined, span) as ReturnType<F>;
  }
}

/** A TimeInput as milliseconds since the Unix epoch. */
function epochMs(time: TimeInput): number {
  if (typeof time === 'number') return time < ORIGIN_MS / 2 ? ORIGIN_MS + time : time; // performance.now() values too, as the SDK takes them
  if (time instanceof Date) return time.getTime();
  const [s, ns] = time as HrTime;
  return s * 1000 + ns / 1e6;
}
