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
    super(typeof body === 'string' ? body : `HTTP ${status}`, options?.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 100 to 599, got ${String(status)}`);
    }
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.headers = options?.headers ?? {};
  }
}
