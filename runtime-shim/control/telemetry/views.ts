// Recorded spans as the panel's JSON (api-types.ts): SpanView, Trace and TraceSummary, made when
// the panel asks, never when a span ends.
import type { SpanContext } from '@opentelemetry/api';
import type { SpanView, Trace, TraceSummary } from '../api-types.js';

/** What the buffer keeps of a span: the recorder's RecordedSpan has these members (recorder.ts). */
export interface StoredSpan {
  spanContext(): SpanContext;
  parentSpanId: string;
  name: string;
  kind: number;
  start: number;
  end_: number;
  attributes: Record<string, unknown>;
  attributeCount?: number;
  added: Record<string, unknown> | undefined;
  statusCode: number;
  statusMessage: string | undefined;
  events: { name: string; time: number; attributes: Record<string, unknown> | undefined }[] | undefined;
}

export interface StoredTrace {
  traceId: string;
  spans: StoredSpan[];
  bytes: number;
  /** The local root (a span without a parent here: the request's server span, an effect run). */
  root: StoredSpan | undefined;
}

const KINDS: SpanView['kind'][] = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: SpanView['status'][] = ['unset', 'ok', 'error'];

export function spanView(span: StoredSpan): SpanView {
  const view: SpanView = {
    spanId: span.spanContext().spanId,
    name: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    start: span.start,
    durationMs: round(span.end_ - span.start),
    status: STATUSES[span.statusCode] ?? 'unset',
    attributes: plainAttributes(span.attributes, span.added),
  };
  if (span.parentSpanId) view.parentSpanId = span.parentSpanId;
  if (span.statusMessage) view.attributes['status.message'] = span.statusMessage;
  if (span.events?.length) view.events = span.events.map((e) => ({ name: e.name, time: e.time, ...(e.attributes ? { attributes: plainAttributes(e.attributes, undefined) } : {}) }));
  return view;
}

export function traceView(trace: StoredTrace): Trace {
  return { traceId: trace.traceId, spans: trace.spans.map(spanView).sort((a, b) => a.start - b.start) };
}

export function summarize(trace: StoredTrace): TraceSummary {
  const root = trace.root ?? trace.spans[0]!;
  const attrs = { ...root.attributes, ...root.added };
  const route = attrs['http.route'];
  const method = attrs['http.request.method'];
  const status = attrs['http.response.status_code'];
  let end = root.end_;
  let error = false;
  for (const span of trace.spans) {
    if (span.end_ > end) end = span.end_;
    if (span.statusCode === 2) error = true;
  }
  const summary: TraceSummary = {
    traceId: trace.traceId,
    name: root.name,
    start: root.start,
    durationMs: round(root.end_ - root.start),
    spanCount: trace.spans.length,
    error: error || (typeof status === 'number' && status >= 500),
  };
  if (typeof route === 'string') summary.route = route;
  if (typeof method === 'string') summary.method = method;
  if (typeof status === 'number') summary.status = status;
  return summary;
}

/** Attribute values as JSON scalars (arrays joined): what SpanView allows. */
function plainAttributes(base: Record<string, unknown>, added: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const source of [base, added]) {
    if (!source) continue;
    for (const key in source) {
      const value = source[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
      else if (Array.isArray(value)) out[key] = value.join(', ');
    }
  }
  return out;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
