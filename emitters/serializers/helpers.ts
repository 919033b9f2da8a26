// The runtime helpers every generated serializer module imports (dist/serializers/helpers.mjs),
// as source text. They are the fallbacks that keep a serializer's output byte-identical to
// JSON.stringify for ANY value, typed or not: a value that does not have its declared type is
// handed to JSON.stringify, so production (where responses are not checked) answers exactly as before.
import { GENERATED_HEADER } from '../artifact.js';

export const HELPERS_FILE = 'helpers.mjs';

export const HELPERS_SOURCE = `// ${GENERATED_HEADER}
// What needs escaping in a JSON string: quotes, backslash, control characters, and any surrogate
// (JSON.stringify writes a lone one as \\uXXXX; a pair is left to it too, it is rare on the wire).
const NEEDS_ESCAPE = /[\\u0000-\\u001f"\\\\\\ud800-\\udfff]/;
const objectPrototype = Object.prototype;
const dateToJSON = Date.prototype.toJSON;
const dateToISOString = Date.prototype.toISOString;
const dateValueOf = Date.prototype.valueOf;
const dateToPrimitive = Date.prototype[Symbol.toPrimitive];

/** A string as JSON: short strings scanned by hand, long ones tested with one regular expression. */
export function $str(s) {
  if (s.length < 42) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
    }
    return '"' + s + '"';
  }
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** A finite number as JSON.stringify writes it; NaN and the infinities are null. */
export function $num(n) {
  return Number.isFinite(n) ? '' + n : 'null';
}

/**
 * Any value, exactly as JSON.stringify writes it under property name (or array index) k: a value
 * with toJSON is written inside a holder object so its toJSON receives the key, as it would.
 */
export function $any(v, k) {
  if (v !== null && typeof v === 'object' && typeof v.toJSON === 'function') {
    const key = JSON.stringify(String(k));
    const whole = JSON.stringify({ [k]: v });
    return whole.length === 2 ? undefined : whole.slice(key.length + 2, -1);
  }
  return JSON.stringify(v);
}

/** True for an object the declared-object path may walk: not an array, no toJSON, not a boxed primitive. */
export function $isObject(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.toJSON === 'function') return false;
  // A plain object (the usual answer) is no boxed primitive: one prototype read instead of three instanceof.
  return Object.getPrototypeOf(v) === objectPrototype || !(v instanceof String || v instanceof Number || v instanceof Boolean);
}

/** True for an array JSON.stringify writes element by element (no toJSON of its own). */
export function $isArray(v) {
  return Array.isArray(v) && typeof v.toJSON !== 'function';
}

/**
 * A Date as Date.prototype.toJSON writes it: its ISO string, or null for an invalid date. When
 * none of the methods toJSON goes through is replaced, the ISO string is written directly (it
 * never needs escaping); otherwise toJSON is called as JSON.stringify would.
 */
export function $date(v, k) {
  if (v instanceof Date && v.toJSON === dateToJSON) {
    if (v.toISOString === dateToISOString && v.valueOf === dateValueOf && v[Symbol.toPrimitive] === dateToPrimitive) {
      return v.getTime() === v.getTime() ? '"' + v.toISOString() + '"' : 'null';
    }
    const s = v.toJSON(k);
    if (typeof s === 'string') return $str(s);
  }
  return typeof v === 'string' ? $str(v) : $any(v, k);
}
`;
