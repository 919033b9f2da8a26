// Spans kept in this process for the control panel (runtime-shim/control/telemetry/), beside or
// instead of the OTLP export. The panel registers its sink before the server starts; tracing reads
// it once at start. Kept on globalThis (a registered symbol): `gati dev` loads each build's bundled
// runtime beside its own, and both must find the same sink.
import type { SpanSink } from './recorder.js';

/** A request that was not recorded but failed (5xx) or was slow: the panel keeps it as a one-span trace. */
export interface MissedRequest {
  method: string;
  path: string;
  /** The route template, when one matched. */
  route: string | undefined;
  status: number;
  /** Epoch milliseconds. */
  start: number;
  durationMs: number;
}

export interface LocalSpans {
  /** Where ended recorded spans go (besides the OTLP batch when an endpoint is set). */
  sink: SpanSink;
  /**
   * Without an OTLP endpoint: whether this request is recorded (the panel's own sampling: a few a
   * second per path while nobody watches, every one while a client holds the traces stream).
   */
  admit(method: string, path: string): boolean;
  /** Whether spans outside any request (an effect's run whose enqueue was not recorded) are recorded. */
  watching(): boolean;
  /** Requests not admitted whose answer took this long are still reported (`missed`). */
  slowMs: number;
  missed(request: MissedRequest): void;
}

const KEY = Symbol.for('gati.tracing.localSpans');
type Holder = { [KEY]?: LocalSpans };

export function setLocalSpans(local: LocalSpans | undefined): void {
  (globalThis as Holder)[KEY] = local;
}

export function localSpans(): LocalSpans | undefined {
  return (globalThis as Holder)[KEY];
}

/** Both sinks: the OTLP batch and the panel's buffer. */
export function teeSinks(a: SpanSink, b: SpanSink): SpanSink {
  return { push: (span) => (a.push(span), b.push(span)) };
}
