/**
 * Thrown from a handler or middleware to answer with `status` and `body`:
 * `throw new HttpError(404, { error: 'NotFound' })`.
 * A body-less HttpError is answered as an application/problem+json document.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body?: unknown, options?: { headers?: Record<string, string>; cause?: unknown }) {
    // Below 500 the error is an answer the code chose, not a fault: it captures no stack trace
    // (capturing one cost more than the rest of a small request: ~4 µs per throw). A 5xx keeps its stack.
    // (Error.stackTraceLimit is V8's and JavaScriptCore's; the public types do not assume Node's typings.)
    const engine = Error as { stackTraceLimit?: number };
    const limit = engine.stackTraceLimit;
    const answer = status < 500;
    if (answer) engine.stackTraceLimit = 0;
    super(typeof body === 'string' ? body : `HTTP ${status}`, options?.cause === undefined ? undefined : { cause: options.cause });
    if (answer) engine.stackTraceLimit = limit;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 100 to 599, got ${String(status)}`);
    }
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.headers = options?.headers ?? {};
  }
}
