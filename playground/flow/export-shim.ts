// The helpers an exported flow test carries inline (export-flow.ts): `{{var}}` replacement, the
// request built and sent with fetch, and a `gati` object whose expect() calls node:assert. The same
// behaviour as the sandbox's gati (prelude.ts), in the test file itself, so that it needs nothing
// but Node.
export const EXPORT_SHIM = String.raw`const show = (v) => (v instanceof RegExp ? String(v) : JSON.stringify(v) ?? String(v));

function lookup(env, name) {
  if (!Object.hasOwn(env, name) || env[name] === undefined) throw new Error('{{' + name + '}} is not set');
  return env[name];
}

function text(value, env) {
  return String(value).replace(/\{\{\s*([\w.$-]+)\s*\}\}/g, (_, name) => {
    const v = lookup(env, name);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

function json(value, env) {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([\w.$-]+)\s*\}\}$/.exec(value);
    return whole ? lookup(env, whole[1]) : text(value, env);
  }
  if (Array.isArray(value)) return value.map((item) => json(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v, env)]));
  return value;
}

function buildRequest(step, env) {
  const path = step.path.split('/').map((segment) => {
    if (segment.startsWith(':')) return encodeURIComponent(text(step.params[segment.slice(1)], env));
    if (segment === '*') return text(step.params['*'], env).split('/').map(encodeURIComponent).join('/');
    return segment;
  }).join('/');
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(step.query ?? {})) for (const item of [].concat(value)) search.append(name, text(item, env));
  const query = search.toString();
  const headers = {};
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name.toLowerCase()] = text(value, env);
  const request = { method: step.method, url: BASE_URL + path + (query ? '?' + query : ''), headers };
  if (step.body !== undefined) {
    request.body = json(step.body, env);
    headers['content-type'] ??= 'application/json';
  }
  return request;
}

async function send(request) {
  const type = request.headers['content-type'] ?? '';
  const body = request.body === undefined ? undefined : typeof request.body === 'string' && !/json/i.test(type) ? request.body : JSON.stringify(request.body);
  const started = performance.now();
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body });
  const raw = await response.text();
  const timeMs = performance.now() - started;
  const headers = Object.fromEntries(response.headers);
  let parsed = raw || null;
  if (raw && /json/i.test(headers['content-type'] ?? '')) {
    try { parsed = JSON.parse(raw); } catch {}
  }
  return { status: response.status, headers, body: parsed, timeMs };
}

function property(value, path) {
  let v = value;
  for (const part of Array.isArray(path) ? path : String(path).split('.')) {
    if (v === null || v === undefined || !Object.hasOwn(Object(v), part)) return { found: false };
    v = v[part];
  }
  return { found: true, value: v };
}

function matchers(actual, not) {
  const check = (pass, what) => assert.ok(pass !== not, 'expected ' + show(actual) + (not ? ' not ' : ' ') + what);
  return {
    toBe: (expected) => (not ? assert.notStrictEqual(actual, expected) : assert.strictEqual(actual, expected)),
    toEqual: (expected) => (not ? assert.notDeepStrictEqual(actual, expected) : assert.deepStrictEqual(actual, expected)),
    toBeTruthy: () => check(!!actual, 'to be truthy'),
    toContain: (item) => check(typeof actual === 'string' ? actual.includes(String(item)) : Array.isArray(actual) && actual.some((x) => Object.is(x, item)), 'to contain ' + show(item)),
    toHaveProperty(path, ...value) {
      const found = property(actual, path);
      if (!value.length || !found.found || not) {
        const same = found.found && (!value.length || isDeepStrictEqual(found.value, value[0]));
        return check(same, 'to have property ' + show(path) + (value.length ? ' equal to ' + show(value[0]) : ''));
      }
      assert.deepStrictEqual(found.value, value[0]);
    },
    toBeGreaterThan: (n) => check(actual > n, 'to be greater than ' + show(n)),
    toBeLessThan: (n) => check(actual < n, 'to be less than ' + show(n)),
    toMatch: (pattern) => (typeof pattern === 'string' ? check(typeof actual === 'string' && actual.includes(pattern), 'to match ' + show(pattern)) : not ? assert.doesNotMatch(actual, pattern) : assert.match(actual, pattern)),
  };
}

function makeGati(state, results) {
  return {
    get request() { return state.request; },
    set request(value) { state.request = value; },
    get response() { return state.response; },
    env: { get: (name) => state.env[name], set: (name, value) => { state.env[String(name)] = value; } },
    expect: (actual) => Object.assign(matchers(actual, false), { not: matchers(actual, true) }),
    test(name, fn) {
      const entry = { name: String(name) };
      results.push(entry);
      try {
        const result = fn();
        if (result && typeof result.then === 'function') entry.pending = result.then(() => {}, (error) => { entry.error = error; });
      } catch (error) {
        entry.error = error;
      }
    },
  };
}

/** One step, as the playground runs it: pre-request script, request, post-response script; then one test per gati.test. */
async function runStep(t, step, state) {
  const results = [];
  state.request = buildRequest(step, state.env);
  state.response = undefined;
  if (step.pre) step.pre(makeGati(state, results));
  state.response = await send(state.request);
  if (step.post) step.post(makeGati(state, results));
  for (const entry of results) {
    await entry.pending;
    await t.test(entry.name, () => {
      if (entry.error) throw entry.error;
    });
  }
}`;
