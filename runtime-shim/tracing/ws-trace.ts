// The spans of a WebSocket connection, when tracing is on. Its upgrade is a request like any other:
// the `WS <route>` server span (pipeline.ts), continuing the client's `traceparent`. Each message the
// client sends is then a `WS <route> message` span (kind consumer), a child of the upgrade's span in
// its trace, and the `message` hook runs with it active, so the hook's module calls, enqueues and log
// lines (lctx.log, gctx.log) join that trace. `open` and `close` run with the upgrade's span active.
// With tracing off the session has no WsTrace and runs its hooks directly (no cost).
import type { Attributes, Context } from '@opentelemetry/api';
import type { AlsContextManager } from './context-manager.js';

/** What a WsTrace needs of the tracer (tracer.ts's GatiTracer, which makes it). */
export interface SpanRunner {
  readonly contexts: Pick<AlsContextManager, 'with'>;
  inSpan<T>(name: string, kind: number, attributes: Attributes, fn: () => T, parent?: Context): T;
}

/** SpanKind.CONSUMER: a message received. */
const CONSUMER = 4;

export class WsTrace {
  constructor(private readonly tracer: SpanRunner, private readonly upgrade: Context, private readonly name: string, private readonly attributes: Attributes) {}

  /** `open` or `close`: in the upgrade's context. */
  run<T>(hook: () => T): T {
    return this.tracer.contexts.with(this.upgrade, hook);
  }

  /** A received message's hook, inside its span (ended when the hook returns or its promise settles; a throw marks it failed). */
  message<T>(hook: () => T): T {
    return this.tracer.inSpan(this.name, CONSUMER, this.attributes, hook, this.upgrade);
  }
}
