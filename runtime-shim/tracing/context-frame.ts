// A cheaper OpenTelemetry Context for the spans Gati makes: one frame (a key, a value, the parent)
// instead of the API's BaseContext, which copies its whole Map and makes three closures on each
// `setValue`. Behaves the same through the Context interface: a lookup walks up to the first frame
// with the key (a request nests a handful of spans, so the walk is short).
import type { Context } from '@opentelemetry/api';

/** The key @opentelemetry/api stores the active span under (its `createContextKey` is `Symbol.for`). */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
/** Marks a deleted key in a frame. */
const DELETED = Symbol('deleted');

export class ContextFrame implements Context {
  constructor(private readonly parent: Context, private readonly key: symbol, protected value: unknown) {}

  getValue(key: symbol): unknown {
    if (key === this.key) return this.value === DELETED ? undefined : this.value;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new ContextFrame(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new ContextFrame(this, key, DELETED);
  }
}

/**
 * A request's frame: its active span is the server span, or the route's handler span while the
 * handler runs (the pipeline switches it), so the handler needs no frame or AsyncLocalStorage run of
 * its own. A handler and the pipeline around it never run at once, so one frame serves both.
 */
export class RequestFrame extends ContextFrame {
  constructor(parent: Context, span: unknown) {
    super(parent, SPAN_KEY, span);
  }

  activate(span: unknown): void {
    this.value = span;
  }
}

/** `parent` with `span` as its active span (what `trace.setSpan` does). */
export function withSpan(parent: Context, span: unknown): Context {
  return new ContextFrame(parent, SPAN_KEY, span);
}
