// Ended spans as an OTLP/HTTP trace export body (opentelemetry/proto/collector/trace/v1,
// ExportTraceServiceRequest): protobuf (`http/protobuf`) or its JSON mapping (`http/json`).
import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { RecordedSpan, Scope } from './recorder.js';
import { ProtobufWriter, epochNanos, newIdCache, type IdCache } from './protobuf-writer.js';

// ---- protobuf ----

/** A batch being filled: each span added, and the export body once it is full or due. */
export interface PendingBatch {
  add(span: RecordedSpan): void;
  /** Spans added so far. */
  readonly size: number;
  /** The export body of the spans added; the batch is empty again afterwards. */
  seal(): Buffer | string;
}

/**
 * A protobuf batch that encodes each span as it ends, into one writer per scope: the span object is
 * garbage at once instead of waiting in a queue (long enough to survive a young-generation
 * collection, which is what made queued spans expensive), and the export only frames the bytes.
 */
export class ProtobufBatch implements PendingBatch {
  size = 0;
  private readonly scopes = new Map<Scope, ProtobufWriter>();
  /** Encoded heads of Gati's spans, by their shared (frozen) starting attributes. */
  private readonly heads: Heads = new WeakMap();
  /** The last trace id and the last span id written (a request's spans share them: idBytes). */
  private readonly ids: SpanIds = { trace: newIdCache(), span: newIdCache() };
  constructor(private readonly resource: Attributes) {}

  add(span: RecordedSpan): void {
    let w = this.scopes.get(span.scope);
    if (!w) this.scopes.set(span.scope, (w = new ProtobufWriter()));
    protoSpan(w, span, this.heads, this.ids);
    this.size++;
  }

  /** ExportTraceServiceRequest { 1 ResourceSpans { 1 Resource, 2 ScopeSpans { 1 scope, 2 spans… } } } */
  seal(): Buffer {
    // Sized for the spans' bytes and the frames around them: written once, returned without a copy.
    let bytes = 1024;
    for (const spans of this.scopes.values()) bytes += spans.pos + 64;
    const w = new ProtobufWriter(bytes);
    const resourceSpans = w.open(1);
    const res = w.open(1);
    for (const key in this.resource) keyValue(w, 1, key, this.resource[key]);
    w.close(res);
    for (const [scope, spans] of this.scopes) {
      if (spans.pos === 0) continue;
      const scopeSpans = w.open(2);
      const s = w.open(1);
      w.string(1, scope.name);
      if (scope.version) w.string(2, scope.version);
      w.close(s);
      w.bytes(spans.finish());
      w.close(scopeSpans);
      spans.pos = 0;
    }
    w.close(resourceSpans);
    this.size = 0;
    return w.finish();
  }
}

/**
 * A span's name, kind and starting attributes, encoded once: Gati's spans start with an attribute
 * object made once per route, middleware, module function or method and frozen (never written), so
 * those fields are the same bytes for every span of it.
 */
interface Head {
  name: string;
  kind: number;
  bytes: Buffer;
}
type Heads = WeakMap<Attributes, Head>;
interface SpanIds {
  trace: IdCache;
  span: IdCache;
}

function protoSpan(w: ProtobufWriter, span: RecordedSpan, heads: Heads, ids: SpanIds): void {
  const m = w.open(2);
  w.idBytes(1, span.traceId, ids.trace);
  // A child ends before its parent: the parent's id, decoded for the child's field 4, is still cached
  // when the parent's own span is written next.
  w.idBytes(2, span.spanId, ids.span);
  const state = span.traceState?.serialize();
  if (state) w.string(3, state);
  if (span.parentSpanId) w.idBytes(4, span.parentSpanId, ids.span);
  w.epochNanos(7, span.start);
  w.epochNanos(8, span.end_);
  const { attributes, added } = span;
  if (span.scope.shares && !span.shadows && Object.isFrozen(attributes)) {
    let head = heads.get(attributes);
    if (head === undefined || head.name !== span.name || head.kind !== span.kind) heads.set(attributes, (head = encodeHead(span.name, span.kind, attributes)));
    w.bytes(head.bytes);
  } else {
    nameAndKind(w, span.name, span.kind);
    for (const key in attributes) if (added === undefined || !(key in added)) keyValue(w, 9, key, attributes[key]);
  }
  for (const key in added) keyValue(w, 9, key, added[key]);
  if (span.droppedAttributes) w.uint(10, span.droppedAttributes);
  for (const event of span.events ?? []) {
    const e = w.open(11);
    w.epochNanos(1, event.time);
    w.string(2, event.name);
    for (const key in event.attributes) keyValue(w, 3, key, event.attributes[key]);
    w.close(e);
  }
  for (const link of span.links ?? []) {
    const l = w.open(13);
    w.hexBytes(1, link.context.traceId);
    w.hexBytes(2, link.context.spanId);
    const linkState = link.context.traceState?.serialize();
    if (linkState) w.string(3, linkState);
    for (const key in link.attributes) keyValue(w, 4, key, link.attributes[key]);
    w.close(l);
  }
  if (span.statusCode) {
    const st = w.open(15);
    if (span.statusMessage) w.string(2, span.statusMessage);
    w.uint(3, span.statusCode);
    w.close(st);
  }
  w.close(m);
}

function nameAndKind(w: ProtobufWriter, name: string, kind: number): void {
  w.string(5, name);
  w.uint(6, kind + 1); // OTLP's enum is one above the API's (0 is UNSPECIFIED there)
}

function encodeHead(name: string, kind: number, attributes: Attributes): Head {
  const w = new ProtobufWriter(256);
  nameAndKind(w, name, kind);
  for (const key in attributes) keyValue(w, 9, key, attributes[key]);
  return { name, kind, bytes: Buffer.from(w.finish()) };
}

/** KeyValue { 1 key, 2 AnyValue }; an undefined value (unset attribute) is left out. */
function keyValue(w: ProtobufWriter, field: number, key: string, value: AttributeValue | undefined): void {
  if (value === undefined || value === null) return;
  const kv = w.open(field);
  w.string(1, key);
  anyValue(w, 2, value);
  w.close(kv);
}

/** AnyValue { 1 string, 2 bool, 3 int, 4 double, 5 ArrayValue { 1 AnyValue } } */
function anyValue(w: ProtobufWriter, field: number, value: unknown): void {
  const v = w.open(field);
  if (typeof value === 'string') w.string(1, value);
  else if (typeof value === 'boolean') w.uint(2, value ? 1 : 0);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) w.int64(3, value);
    else w.double(4, value);
  } else if (Array.isArray(value)) {
    const array = w.open(5);
    for (const item of value) {
      if (item === null || item === undefined) w.close(w.open(1)); // an empty AnyValue keeps the positions
      else anyValue(w, 1, item);
    }
    w.close(array);
  } else w.string(1, String(value));
  w.close(v);
}

// ---- JSON (the protobuf JSON mapping OTLP specifies: ids as hex, 64-bit integers as strings) ----

/** A JSON batch: the spans kept until the export, then written as one body. */
export class JsonBatch implements PendingBatch {
  private scopes = new Map<Scope, Record<string, unknown>[]>();
  size = 0;
  constructor(private readonly resource: Attributes) {}

  add(span: RecordedSpan): void {
    const list = this.scopes.get(span.scope);
    if (list) list.push(jsonSpan(span));
    else this.scopes.set(span.scope, [jsonSpan(span)]);
    this.size++;
  }

  seal(): string {
    const scopeSpans = [...this.scopes].map(([scope, spans]) => ({
      scope: scope.version ? { name: scope.name, version: scope.version } : { name: scope.name },
      spans,
    }));
    this.scopes = new Map();
    this.size = 0;
    return JSON.stringify({ resourceSpans: [{ resource: { attributes: jsonAttributes(this.resource) }, scopeSpans }] });
  }
}

function jsonSpan(span: RecordedSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind + 1,
    startTimeUnixNano: String(epochNanos(span.start)),
    endTimeUnixNano: String(epochNanos(span.end_)),
    attributes: jsonAttributes(span.added ? { ...span.attributes, ...span.added } : span.attributes),
  };
  const state = span.traceState?.serialize();
  if (state) out.traceState = state;
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId;
  if (span.droppedAttributes) out.droppedAttributesCount = span.droppedAttributes;
  if (span.events) out.events = span.events.map((e) => ({ timeUnixNano: String(epochNanos(e.time)), name: e.name, attributes: jsonAttributes(e.attributes) }));
  if (span.links) out.links = span.links.map(jsonLink);
  if (span.statusCode) out.status = span.statusMessage ? { code: span.statusCode, message: span.statusMessage } : { code: span.statusCode };
  return out;
}

function jsonLink(link: Link): Record<string, unknown> {
  const out: Record<string, unknown> = { traceId: link.context.traceId, spanId: link.context.spanId, attributes: jsonAttributes(link.attributes) };
  const state = link.context.traceState?.serialize();
  if (state) out.traceState = state;
  return out;
}

function jsonAttributes(attributes: Attributes | undefined): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && value !== null) out.push({ key, value: jsonValue(value) });
  }
  return out;
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { intValue: String(value) };
    // JSON has no NaN or Infinity (JSON.stringify would write null): proto3's JSON mapping spells them.
    return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => (v === null || v === undefined ? {} : jsonValue(v))) } };
  return { stringValue: String(value) };
}
