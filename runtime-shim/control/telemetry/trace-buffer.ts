// The recent traces of this process: ended spans grouped by trace id, in a Map whose insertion order
// is the eviction order (oldest trace first), bounded by trace count and by an estimate of bytes. A
// span costs the recorder a Map lookup and an array push; spans become the panel's JSON only when
// it asks (views.ts).
import type { SpanSink } from '../../tracing/recorder.js';
import type { MissedRequest } from '../../tracing/local-spans.js';
import type { TraceSummary } from '../api-types.js';
import { summarize, type StoredSpan, type StoredTrace } from './views.js';

export interface TraceFilter {
  route?: string;
  /** An exact status, or a class: `5xx`, `4xx`, `error`. */
  status?: string;
  minMs?: number;
  maxMs?: number;
  /** Only traces whose root ended after this epoch millisecond. */
  since?: number;
  limit: number;
}

// SpanKind values (the OpenTelemetry specification).
const SERVER = 1;
const CONSUMER = 4;

export class TraceBuffer implements SpanSink {
  private readonly traces = new Map<string, StoredTrace>();
  private bytes = 0;
  /** Told when a trace's local root ends (the SSE stream's `trace` event). */
  onRoot: ((trace: StoredTrace) => void) | undefined;

  constructor(private readonly maxTraces: number, private readonly maxBytes: number) {}

  push(span: StoredSpan): void {
    const traceId = span.spanContext().traceId;
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      this.traces.set(traceId, (trace = { traceId, spans: [], bytes: 0, root: undefined }));
      if (this.traces.size > this.maxTraces) this.evictOldest();
    }
    const bytes = spanBytes(span);
    trace.spans.push(span);
    trace.bytes += bytes;
    this.bytes += bytes;
    if (span.parentSpanId === '' || span.kind === SERVER || span.kind === CONSUMER) {
      if (trace.root === undefined || span.start <= trace.root.start) trace.root = span;
      this.onRoot?.(trace);
    }
    while (this.bytes > this.maxBytes && this.traces.size > 1) this.evictOldest();
  }

  /** A request that was not recorded but failed or was slow: a trace of its one (made-up) server span. */
  pushMissed(missed: MissedRequest, traceId: string, spanId: string): void {
    const name = missed.route === undefined ? missed.method : `${missed.method} ${missed.route}`;
    const attributes: Record<string, string | number | boolean> = { 'http.request.method': missed.method, 'url.path': missed.path, 'http.response.status_code': missed.status, 'gati.control.unsampled': true };
    if (missed.route !== undefined) attributes['http.route'] = missed.route;
    const ids = { traceId, spanId, traceFlags: 0 };
    this.push({
      spanContext: () => ids, parentSpanId: '', name, kind: SERVER, start: missed.start, end_: missed.start + missed.durationMs,
      attributes, attributeCount: 5, added: undefined, statusCode: missed.status >= 500 ? 2 : 0, statusMessage: undefined, events: undefined,
    });
  }

  get(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId);
  }

  /** Summaries of the traces with an ended root, newest first. */
  query(filter: TraceFilter): TraceSummary[] {
    const out: TraceSummary[] = [];
    const all = [...this.traces.values()];
    for (let i = all.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const trace = all[i]!;
      if (trace.root === undefined) continue;
      const summary = summarize(trace);
      if (matches(summary, filter)) out.push(summary);
    }
    return out.sort((a, b) => b.start - a.start);
  }

  get size(): { traces: number; bytes: number } {
    return { traces: this.traces.size, bytes: this.bytes };
  }

  private evictOldest(): void {
    const oldest = this.traces.keys().next();
    if (oldest.done) return;
    this.bytes -= this.traces.get(oldest.value)!.bytes;
    this.traces.delete(oldest.value);
  }
}

export function matches(summary: TraceSummary, filter: TraceFilter): boolean {
  if (filter.route !== undefined && summary.route !== filter.route && summary.name !== filter.route && `${summary.method} ${summary.route}` !== filter.route) return false;
  if (filter.status !== undefined && !statusMatches(summary, filter.status)) return false;
  if (filter.minMs !== undefined && summary.durationMs < filter.minMs) return false;
  if (filter.maxMs !== undefined && summary.durationMs > filter.maxMs) return false;
  if (filter.since !== undefined && summary.start + summary.durationMs <= filter.since) return false;
  return true;
}

function statusMatches(summary: TraceSummary, status: string): boolean {
  if (status === 'error') return summary.error;
  if (/^[1-5]xx$/i.test(status)) return summary.status !== undefined && Math.floor(summary.status / 100) === Number(status[0]);
  return summary.status === Number(status);
}

/** About what a span holds: its object, ids and name, each attribute and event (the attribute objects of Gati's own spans are shared by a route's spans, but counted anyway). */
function spanBytes(span: StoredSpan): number {
  let n = 240 + span.name.length * 2;
  n += (span.attributeCount ?? 8) * 72;
  if (span.events !== undefined) n += span.events.length * 160;
  return n;
}
