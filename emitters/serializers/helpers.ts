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
const dateGetTime = Date.prototype.getTime;

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

// Date.prototype.toISOString's text for years 0000-9999, built here: ~3x cheaper than the native
// call, which dominates a list of objects with dates. Outside those years toISOString is called.
const ISO_MIN = -62167219200000;
const ISO_MAX = 253402300799999;
const D2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
const D3 = Array.from({ length: 1000 }, (_, i) => (i < 10 ? '00' : i < 100 ? '0' : '') + i);

/** Milliseconds since the epoch (an integer from ISO_MIN to ISO_MAX) → YYYY-MM-DDTHH:mm:ss.sssZ (civil date: H. Hinnant's days_from_civil inverse). */
export function $iso(t) {
  const days = Math.floor(t / 86400000);
  const msOfDay = t - days * 86400000;
  const sod = Math.floor(msOfDay / 1000);
  const ms = msOfDay - sod * 1000;
  const hh = Math.floor(sod / 3600);
  const mi = Math.floor((sod - hh * 3600) / 60);
  const ss = sod - hh * 3600 - mi * 60;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return D2[Math.floor(y / 100)] + D2[y % 100] + '-' + D2[m] + '-' + D2[d] + 'T' + D2[hh] + ':' + D2[mi] + ':' + D2[ss] + '.' + D3[ms] + 'Z';
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
      const t = dateGetTime.call(v);
      return t === t ? '"' + (t >= ISO_MIN && t <= ISO_MAX ? $iso(t) : v.toISOString()) + '"' : 'null';
    }
    const s = v.toJSON(k);
    if (typeof s === 'string') return $str(s);
  }
  return typeof v === 'string' ? $str(v) : $any(v, k);
}
`;
