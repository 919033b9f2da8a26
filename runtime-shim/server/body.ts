// Request bodies: a size limit (413), a body that stops arriving (408), a JSON content type (415),
// a nesting limit and safe parsing (400). Each refusal is the answer that ends the request.
import { parseJson } from './safe-json.js';
import { problem, problemAnswer } from './problem.js';
import { headerOf, type IncomingRequest, type OutgoingResponse } from './wire.js';

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

/** A body read and decoded: its JSON value (`undefined` for an empty one), or the answer that ends the request. */
export type DecodedBody = { value: unknown } | { response: OutgoingResponse };

const refuse = (status: number, detail: string): DecodedBody => ({ response: problemAnswer(problem(status, detail)) });

/** The parsed body, or the 415/400 answer. */
export function decodeJsonBody(raw: Buffer | string, contentType: string | undefined, maxDepth: number): DecodedBody {
  if (raw.length === 0) return { value: undefined };
  if (!isJsonContentType(contentType)) {
    return refuse(415, `expected a JSON body (Content-Type: application/json), got ${contentType ? `'${contentType.split(';', 1)[0]}'` : 'none'}`);
  }
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  // Before parsing: the validators, revivers and JSON.stringify of a recursive type recurse once
  // per level, so a body nested 20 000 deep would overflow the stack (a 500) in them.
  if (nestsDeeperThan(text, maxDepth)) {
    return refuse(400, `the body nests arrays and objects more than ${maxDepth} levels deep (validation.maxDepth)`);
  }
  try {
    return { value: parseJson(text) };
  } catch (error) {
    return refuse(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The request's Content-Type (the first, if it came twice). */
export function contentTypeOf(incoming: IncomingRequest): string | undefined {
  const value = headerOf(incoming, 'content-type');
  return Array.isArray(value) ? value[0] : value;
}

/** 413 past the limit, 408 (and close) for a body that stopped arriving; undefined for other errors. */
export function unreadBodyAnswer(error: unknown, limit: number): OutgoingResponse | undefined {
  if (error instanceof BodyTooLargeError) return problemAnswer(problem(413, `the body is larger than ${limit} bytes`));
  if (!(error instanceof BodyTimeoutError)) return undefined;
  const res = problemAnswer(problem(408, BODY_TIMEOUT_DETAIL));
  res.headers.connection = 'close';
  return res;
}

/** Reads and decodes the body: its JSON value, or the 413/408/415/400 answer; other read errors are thrown. */
export async function readJsonBody(incoming: IncomingRequest, limit: number, maxDepth: number): Promise<DecodedBody> {
  let raw: Buffer | string;
  try {
    raw = await incoming.readBody(limit);
  } catch (error) {
    const response = unreadBodyAnswer(error, limit);
    if (response) return { response };
    throw error;
  }
  return decodeJsonBody(raw, contentTypeOf(incoming), maxDepth);
}

/**
 * Whether JSON text opens more than `max` arrays/objects inside one another, counting brackets
 * outside strings: one pass, no allocation, no recursion, whatever the text (valid JSON or not).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Nesting needs an opening bracket per level: a text with at most `max` of them (in strings or
  // not) cannot be too deep. Counting them with the native indexOf is ~5-8x cheaper than the scan
  // below for a typical small body (bench/body-depth.mjs), which then needs no scan at all.
  if (text.length <= max || countsAtMost(text, '{', '[', max)) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote (indexOf is native, ~1.5-2x faster than stepping here
      // on V8); a quote after an odd number of backslashes is escaped and does not end it.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) return false; // unterminated: JSON.parse refuses it
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        i = q;
        if (((q - 1 - b) & 1) === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      // A closer with nothing open: not JSON, and JSON.parse stops there, before anything after it.
      if (--depth < 0) return false;
    }
  }
  return false;
}

/** Whether `text` holds at most `max` occurrences of `a` and `b` together (stops counting past it). */
function countsAtMost(text: string, a: string, b: string, max: number): boolean {
  let count = 0;
  for (let i = text.indexOf(a); i !== -1; i = text.indexOf(a, i + 1)) if (++count > max) return false;
  for (let i = text.indexOf(b); i !== -1; i = text.indexOf(b, i + 1)) if (++count > max) return false;
  return true;
}
