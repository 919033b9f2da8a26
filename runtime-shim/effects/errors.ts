// Errors thrown by gctx.effects.enqueue in the handler, so a bad call fails the request, never a job.
import { HttpError } from '../http-error.js';

export class EffectPayloadError extends Error {
  override readonly name = 'EffectPayloadError';
  constructor(readonly effect: string, readonly errors: { path: string; message: string }[]) {
    super(`invalid payload for effect '${effect}': ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  }
}

export class UnknownEffectError extends Error {
  override readonly name = 'UnknownEffectError';
  constructor(readonly effect: string, known: string[]) {
    super(`no effect named '${effect}' (known: ${known.length ? known.join(', ') : 'none'})`);
  }
}

/** Seconds a client is told to wait (Retry-After) when the backend is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The backend could not store the job (it is down, or the connection dropped during the call): the
 * request answers 503 with Retry-After, as a problem document, and nothing was enqueued for sure —
 * retrying with the same idempotency key is safe.
 */
export class EffectsUnavailableError extends HttpError {
  constructor(readonly effect: string, backend: string, options?: { cause?: unknown }) {
    super(503, undefined, { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, cause: options?.cause });
    this.name = 'EffectsUnavailableError';
    // The problem's detail: no host, no internal error text.
    this.message = `the effects backend (${backend}) is unavailable, so '${effect}' was not enqueued; retry later`;
  }
}
