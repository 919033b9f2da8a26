// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header read and
// written by hand, so a request costs no propagator object and OpenTelemetry's core is not loaded.

export interface ParentIds {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE = '00000000000000000000000000000000';
const INVALID_SPAN = '0000000000000000';

/** A valid `traceparent`'s ids, or undefined (malformed, all-zero ids, version ff: start a new trace). */
export function parseTraceparent(header: unknown): ParentIds | undefined {
  if (typeof header !== 'string' || header.length < 55 || header.length > 512) return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  // Version 00 has nothing after the flags; a later version may add fields (kept compatible).
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) & 0xff };
}

export function formatTraceparent(ids: ParentIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${(ids.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
