// Request bodies: a size limit (413), a JSON content type (415), safe parsing (400).
import { parseJson } from './safe-json.js';
import { problem, type Problem } from './problem.js';

export class BodyTooLargeError extends Error {}

/** The body stopped arriving (an engine without its own timeout, Deno): answered 408, connection closed. */
export class BodyTimeoutError extends Error {}
export const BODY_TIMEOUT_DETAIL = 'the request body did not arrive in time';

/** `1048576`, `"256kb"`, `"1mb"` → bytes. */
export function parseByteSize(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!m) return fallback;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b']!;
  return Math.floor(Number(m[1]) * unit);
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  // The common spellings first, without splitting, trimming and lowercasing (~0.5 µs per POST).
  if (value === 'application/json' || value.startsWith('application/json;')) return true;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The parsed body, `undefined` for an empty one, or the problem to answer with. */
export function decodeJsonBody(raw: Buffer | string, contentType: string | undefined): { value: unknown } | { problem: Problem } {
  if (raw.length === 0) return { value: undefined };
  if (!isJsonContentType(contentType)) {
    return { problem: problem(415, `expected a JSON body (Content-Type: application/json), got ${contentType ? `'${contentType.split(';', 1)[0]}'` : 'none'}`) };
  }
  try {
    return { value: parseJson(typeof raw === 'string' ? raw : raw.toString('utf8')) };
  } catch (error) {
    return { problem: problem(400, `the body is not valid JSON: ${(error as Error).message}`) };
  }
}
