// The JavaScript that builds `gati` inside the sandbox, before the user's script runs. Everything
// of the API lives in here, in QuickJS: the host lends no function to the sandbox, it hands in one
// JSON string (request, response, variables) and reads one back (request, variables, tests), so a
// script can reach nothing of the host, however it is written.
//
// Evaluated as a global script, it is one function expression: called with the input string, it
// defines the `gati` global and returns `collect`, which the host calls after the script.

/** The name the user's script runs under: error stacks point at `script.js:<line>:<column>`. */
export const SCRIPT_FILE = 'script.js';

export const PRELUDE = String.raw`(function (input) {
  'use strict';
  const stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray, is = Object.is, keys = Object.keys;
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const state = parse(input);
  if (!state.env || typeof state.env !== 'object') state.env = {};
  const tests = [];
  const show = (v) => {
    if (v instanceof RegExp) return String(v);
    let s;
    try { s = stringify(v); } catch (e) { s = undefined; }
    if (s === undefined) s = String(v);
    return s.length > 120 ? s.slice(0, 117) + '...' : s;
  };
  const deepEqual = (a, b) => {
    if (is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || isArray(a) !== isArray(b)) return false;
    const ka = keys(a), kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!own(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  };
  const property = (value, path) => {
    const parts = isArray(path) ? path : String(path).split('.');
    let v = value;
    for (const p of parts) {
      if (v === null || v === undefined || !own(Object(v), p)) return { found: false };
      v = v[p];
    }
    return { found: true, value: v };
  };
  class AssertionError extends Error {
    constructor(message) { super(message); this.name = 'AssertionError'; }
  }
  const matchers = (actual, negate) => {
    const check = (pass, what) => {
      if (pass === negate) throw new AssertionError('expected ' + show(actual) + (negate ? ' not ' : ' ') + what);
    };
    return {
      toBe: (expected) => check(is(actual, expected), 'to be ' + show(expected)),
      toEqual: (expected) => check(deepEqual(actual, expected), 'to equal ' + show(expected)),
      toBeTruthy: () => check(!!actual, 'to be truthy'),
      toContain: (item) => check(typeof actual === 'string' ? actual.includes(String(item)) : isArray(actual) && actual.some((x) => is(x, item)), 'to contain ' + show(item)),
      toHaveProperty: function (path, value) {
        const found = property(actual, path);
        const withValue = arguments.length > 1;
        check(found.found && (!withValue || deepEqual(found.value, value)), 'to have property ' + show(path) + (withValue ? ' equal to ' + show(value) : ''));
      },
      toBeGreaterThan: (n) => check(actual > n, 'to be greater than ' + show(n)),
      toBeLessThan: (n) => check(actual < n, 'to be less than ' + show(n)),
      toMatch: (pattern) => check(typeof actual === 'string' && (pattern instanceof RegExp ? new RegExp(pattern.source, pattern.flags.replace('g', '')).test(actual) : actual.includes(String(pattern))), 'to match ' + show(pattern)),
    };
  };
  const expect = (actual) => {
    const m = matchers(actual, false);
    m.not = Object.freeze(matchers(actual, true));
    return Object.freeze(m);
  };
  const lineOf = (error) => {
    const m = error && typeof error.stack === 'string' && /[( ]script\.js:(\d+)/.exec(error.stack);
    return m ? Number(m[1]) : undefined;
  };
  const fail = (entry, error) => {
    entry.passed = false;
    entry.error = error instanceof Error ? (error.name === 'AssertionError' ? error.message : error.name + ': ' + error.message) : 'threw ' + show(error);
    const line = lineOf(error);
    if (line !== undefined) entry.line = line;
  };
  const test = (name, fn) => {
    const entry = { name: String(name), passed: true };
    tests.push(entry);
    if (typeof fn !== 'function') return fail(entry, new TypeError('gati.test(name, fn) needs a function'));
    try {
      const result = fn();
      if (result && typeof result.then === 'function') {
        entry.pending = true;
        result.then(() => { entry.pending = false; }, (error) => { entry.pending = false; fail(entry, error); });
      }
    } catch (error) {
      fail(entry, error);
    }
  };
  const env = Object.freeze({
    get: (name) => (own(state.env, name) ? state.env[name] : undefined),
    set: (name, value) => { state.env[String(name)] = value; },
  });
  const response = state.response;
  const gati = Object.freeze({
    get request() { return state.request; },
    set request(value) { state.request = value; },
    get response() { return response; },
    env, test, expect,
  });
  Object.defineProperty(globalThis, 'gati', { value: gati, writable: false, enumerable: false, configurable: false });
  return function collect() {
    const results = tests.map((t) => (t.pending ? { name: t.name, passed: false, error: 'its promise never settled' } : t));
    return stringify({ request: state.request, env: state.env, tests: results });
  };
})`;
