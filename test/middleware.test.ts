// The built-in middleware (`gati/middleware`), driven directly with plain req/res/gctx/lctx objects,
// as the server passes them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { cors, rateLimit, bearerAuth, requestLog } from '../runtime-shim/middleware/index.js';
import { HttpError } from '../runtime-shim/http-error.js';
import type { GlobalContext, LocalContext, Logger, Middleware, MiddlewareRequest, Res } from '../runtime-shim/types.js';
import { REPO } from './helpers/paths.js';

interface LogLine { level: string; obj: unknown; msg: string | undefined }

function fakeLogger(lines: LogLine[]): Logger {
  const log: Logger = {
    debug: (obj, msg) => void lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
    child: () => log,
  };
  return log;
}

function fakeReq(method: string, path: string, headers: Record<string, string | string[]> = {}, ip = ''): MiddlewareRequest {
  return { method, path, ip, params: {}, query: {}, headers };
}

function fakeRes(): Res<any> {
  const res: Res<any> = { status: 200, headers: {}, body: undefined, json(b) { res.body = b; } };
  return res;
}

interface Run { res: Res<any>; nextCalled: boolean; lines: LogLine[]; lctx: LocalContext }

/** Runs one middleware; `handler` plays the rest of the chain. */
async function run(mw: Middleware, req: MiddlewareRequest, handler: (res: Res<any>) => void | Promise<void> = (res) => void (res.body = 'ok'), startedAt = Date.now()): Promise<Run> {
  const lines: LogLine[] = [];
  const log = fakeLogger(lines);
  const gctx = { modules: {}, effects: { enqueue: async () => 'job' }, config: {}, log } as unknown as GlobalContext;
  const lctx: LocalContext = { requestId: 'r1', version: '1.0.0', startedAt, log, state: {}, traceId: '' };
  const res = fakeRes();
  let nextCalled = false;
  await mw(req, res, gctx, lctx, async () => { nextCalled = true; await handler(res); });
  return { res, nextCalled, lines, lctx };
}

function assertProblem(res: Res<any>, status: number): void {
  assert.is(res.status, status);
  assert.is(res.headers['content-type'], 'application/problem+json');
  const body = res.body as Record<string, unknown>;
  assert.is(body.status, status);
  assert.type(body.type, 'string');
  assert.type(body.title, 'string');
}

// ---------------------------------------------------------------- cors

const SHOP = 'https://shop.example';
const preflight = (origin: string, extra: Record<string, string> = {}) =>
  fakeReq('OPTIONS', '/payments', { origin, 'access-control-request-method': 'POST', ...extra });

test('the built-in middleware carry their names (their spans read `middleware cors`, not `#1`)', () => {
  assert.equal(
    [cors({ origin: '*' }), rateLimit({ max: 5, windowMs: 1000 }), bearerAuth({ tokens: ['t'] }), requestLog()].map((mw) => mw.name),
    ['cors', 'rateLimit', 'bearerAuth', 'requestLog'],
  );
});

test('cors: an allowed preflight is answered with 204 and the allow headers, without next', async () => {
  const mw = cors({ origin: [SHOP], methods: ['GET', 'POST'], allowedHeaders: ['content-type', 'authorization'], credentials: true, maxAge: 600 });
  const { res, nextCalled } = await run(mw, preflight(SHOP, { 'access-control-request-headers': 'content-type' }));
  assert.is(nextCalled, false);
  assert.is(res.status, 204);
  assert.is(res.body, undefined);
  assert.equal(res.headers, {
    vary: 'Origin',
    'access-control-allow-origin': SHOP,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': 'content-type, authorization',
    'access-control-max-age': '600',
  });
});

test('cors: a preflight without allowedHeaders reflects the requested headers and varies on them', async () => {
  const { res } = await run(cors({ origin: SHOP }), preflight(SHOP, { 'access-control-request-headers': 'x-trace, content-type' }));
  assert.is(res.headers['access-control-allow-headers'], 'x-trace, content-type');
  assert.is(res.headers['vary'], 'Origin, Access-Control-Request-Headers');
  assert.is(res.headers['access-control-allow-methods'], 'GET, HEAD, PUT, PATCH, POST, DELETE');
});

test('cors: a denied preflight gets 204 with no allow headers and the origin is never echoed', async () => {
  const mw = cors({ origin: [SHOP, 'https://admin.example'], credentials: true });
  const { res, nextCalled } = await run(mw, preflight('https://evil.example'));
  assert.is(nextCalled, false);
  assert.is(res.status, 204);
  assert.equal(res.headers, { vary: 'Origin' });
  assert.not.ok(JSON.stringify(res.headers).includes('evil'));
});

test('cors: simple requests get the origin, credentials and exposed headers; others none; Vary: Origin always', async () => {
  const mw = cors({ origin: /^https:\/\/[a-z]+\.shop\.example$/g, exposedHeaders: ['x-request-id'], credentials: true });
  for (let i = 0; i < 3; i++) { // a /g RegExp must not become stateful
    const ok = await run(mw, fakeReq('GET', '/payments', { origin: 'https://eu.shop.example' }));
    assert.is(ok.nextCalled, true);
    assert.is(ok.res.body, 'ok');
    assert.is(ok.res.headers['access-control-allow-origin'], 'https://eu.shop.example');
    assert.is(ok.res.headers['access-control-allow-credentials'], 'true');
    assert.is(ok.res.headers['access-control-expose-headers'], 'x-request-id');
    assert.is(ok.res.headers['vary'], 'Origin');
  }
  const bad = await run(mw, fakeReq('GET', '/payments', { origin: 'https://eu.shop.example.evil.com' }));
  assert.is(bad.nextCalled, true);
  assert.equal(bad.res.headers, { vary: 'Origin' });
  const none = await run(mw, fakeReq('GET', '/payments'));
  assert.equal(none.res.headers, { vary: 'Origin' });
});

test('cors: an existing Vary header is extended, not replaced or duplicated', async () => {
  const mw = cors({ origin: (o) => o.endsWith('.example') });
  const res = fakeRes();
  res.headers['vary'] = 'Accept-Encoding';
  let called = false;
  await mw(fakeReq('GET', '/', { origin: SHOP }), res, {} as GlobalContext, {} as LocalContext, async () => { called = true; });
  assert.ok(called);
  assert.is(res.headers['vary'], 'Accept-Encoding, Origin');
  await mw(fakeReq('GET', '/', { origin: SHOP }), res, {} as GlobalContext, {} as LocalContext, async () => {});
  assert.is(res.headers['vary'], 'Accept-Encoding, Origin');
});

test("cors: origin '*' sends '*' without Vary; a non-preflight OPTIONS goes to the handler", async () => {
  const mw = cors({ origin: '*' });
  const simple = await run(mw, fakeReq('GET', '/', { origin: SHOP }));
  assert.equal(simple.res.headers, { 'access-control-allow-origin': '*' });
  const pre = await run(mw, preflight(SHOP));
  assert.is(pre.res.status, 204);
  assert.is(pre.res.headers['access-control-allow-origin'], '*');
  assert.is(pre.res.headers['vary'], 'Access-Control-Request-Headers');
  const options = await run(mw, fakeReq('OPTIONS', '/', { origin: SHOP }));
  assert.is(options.nextCalled, true);
});

test('cors: configuration errors are thrown at construction', () => {
  assert.throws(() => cors({ origin: '*', credentials: true }), /credentials.*'\*'/);
  assert.throws(() => cors({ origin: 'https://shop.example/' }), /not an origin/);
  assert.throws(() => cors({ origin: 'shop.example' }), /not an origin/);
  assert.throws(() => cors({ origin: ['*', SHOP] }), /cannot be part of an origin list/);
  assert.throws(() => cors({ origin: [] }), /empty/);
  assert.throws(() => cors({ origin: SHOP, maxAge: -1 }), /maxAge/);
  assert.throws(() => cors({ origin: SHOP, methods: ['GET, POST'] }), /methods/);
  assert.throws(() => cors(undefined as never), /origin/);
});

// ---------------------------------------------------------------- rateLimit

test('rateLimit: 429 once the bucket is empty, with Retry-After and RateLimit headers; refills over time', async () => {
  let t = 1_000;
  const mw = rateLimit({ capacity: 3, refillPerSecond: 0.5, now: () => t });
  const req = fakeReq('GET', '/', {}, '10.0.0.1');
  for (let i = 0; i < 3; i++) {
    const ok = await run(mw, req);
    assert.is(ok.nextCalled, true);
    assert.is(ok.res.headers['ratelimit-limit'], '3');
    assert.is(ok.res.headers['ratelimit-remaining'], String(2 - i));
  }
  const limited = await run(mw, req);
  assert.is(limited.nextCalled, false);
  assertProblem(limited.res, 429);
  assert.is(limited.res.headers['retry-after'], '2'); // 1 token at 0.5/s
  assert.is(limited.res.headers['ratelimit-limit'], '3');
  assert.is(limited.res.headers['ratelimit-remaining'], '0');

  t += 1_500; // 0.75 token: still limited, retry in 0.5 s → 1
  const still = await run(mw, req);
  assert.is(still.res.status, 429);
  assert.is(still.res.headers['retry-after'], '1');

  t += 500; // 1 token
  const again = await run(mw, req);
  assert.is(again.nextCalled, true);
  assert.is(again.res.headers['ratelimit-remaining'], '0');
  assert.is((await run(mw, req)).res.status, 429);

  t += 60_000; // full again, never more than capacity
  for (let i = 0; i < 3; i++) assert.is((await run(mw, req)).nextCalled, true);
  assert.is((await run(mw, req)).res.status, 429);
});

test('rateLimit: keys are separate; a custom key; undefined key is not counted', async () => {
  const t = 0;
  const byIp = rateLimit({ capacity: 1, refillPerSecond: 1, now: () => t });
  assert.is((await run(byIp, fakeReq('GET', '/', {}, 'a'))).nextCalled, true);
  assert.is((await run(byIp, fakeReq('GET', '/', {}, 'a'))).res.status, 429);
  assert.is((await run(byIp, fakeReq('GET', '/', {}, 'b'))).nextCalled, true);

  const byKey = rateLimit({ capacity: 1, refillPerSecond: 1, now: () => t, key: (req) => (req.headers['x-api-key'] as string | undefined) });
  assert.is((await run(byKey, fakeReq('GET', '/', { 'x-api-key': 'k1' }))).nextCalled, true);
  assert.is((await run(byKey, fakeReq('GET', '/', { 'x-api-key': 'k1' }))).res.status, 429);
  for (let i = 0; i < 5; i++) assert.is((await run(byKey, fakeReq('GET', '/health'))).nextCalled, true);
});

test('rateLimit: max + windowMs sugar; Retry-After is a whole number of seconds, at least 1', async () => {
  let t = 0;
  const mw = rateLimit({ max: 100, windowMs: 60_000, now: () => t });
  const req = fakeReq('GET', '/', {}, 'c');
  for (let i = 0; i < 100; i++) assert.is((await run(mw, req)).nextCalled, true);
  const limited = await run(mw, req);
  assert.is(limited.res.status, 429);
  assert.is(limited.res.headers['retry-after'], '1'); // 0.6 s per token → 1
  t += 600;
  assert.is((await run(mw, req)).nextCalled, true);
  t += 10;
  const r = (await run(mw, req)).res.headers['retry-after'] as string;
  assert.match(r, /^[1-9]\d*$/);
});

test('rateLimit: memory is bounded by maxKeys (least recently seen key evicted first)', async () => {
  const t = 0;
  const mw = rateLimit({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2, now: () => t });
  const ip = (a: string) => fakeReq('GET', '/', {}, a);
  await run(mw, ip('a'));
  await run(mw, ip('b'));
  assert.is((await run(mw, ip('a'))).res.status, 429); // a is now the most recent
  await run(mw, ip('c'));                                 // evicts b
  assert.is((await run(mw, ip('a'))).res.status, 429);   // a kept
  assert.is((await run(mw, ip('b'))).nextCalled, true);  // b forgotten: a fresh bucket
});

test('rateLimit: idle buckets are dropped once full again, a few per request (no timers)', async () => {
  let t = 0;
  const mw = rateLimit({ capacity: 2, refillPerSecond: 1, now: () => t });
  for (let i = 0; i < 50; i++) await run(mw, fakeReq('GET', '/', {}, `10.0.0.${i}`));
  assert.is(mw.keys, 50);
  t += 1_999; // not yet full: kept (forgetting them would hand out fresh tokens)
  await run(mw, fakeReq('GET', '/', {}, 'z'));
  assert.is(mw.keys, 51);
  t += 1;
  for (let i = 0; i < 10; i++) await run(mw, fakeReq('GET', '/', {}, 'z'));
  assert.is(mw.keys, 1);
  const src = readFileSync(join(REPO, 'runtime-shim/middleware/rate-limit.ts'), 'utf8');
  assert.not.match(src, /setInterval|setTimeout/);
});

test('rateLimit: maxKeys caps memory under many distinct clients', async () => {
  const mw = rateLimit({ capacity: 5, refillPerSecond: 1, maxKeys: 100, now: () => 0 });
  for (let i = 0; i < 10_000; i++) await run(mw, fakeReq('GET', '/', {}, `ip${i}`));
  assert.is(mw.keys, 100);
});

test('rateLimit: configuration errors are thrown at construction', () => {
  assert.throws(() => rateLimit({}), /capacity/);
  assert.throws(() => rateLimit({ capacity: 0, refillPerSecond: 1 }), /capacity/);
  assert.throws(() => rateLimit({ capacity: 5 }), /refillPerSecond/);
  assert.throws(() => rateLimit({ max: 5 }), /windowMs/);
  assert.throws(() => rateLimit({ capacity: 5, refillPerSecond: 1, max: 5, windowMs: 1000 }), /not both/);
  assert.throws(() => rateLimit({ capacity: 1.5, refillPerSecond: 1 }), /whole/);
});

// ---------------------------------------------------------------- bearerAuth

const TOKEN = 'tok_live_0123456789abcdef';
const auth = (value?: string) => fakeReq('GET', '/payments', value === undefined ? {} : { authorization: value });

test('bearerAuth: a missing token is 401 with a Bearer challenge (no error attribute)', async () => {
  const mw = bearerAuth({ tokens: [TOKEN], realm: 'payments' });
  for (const value of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer   ']) {
    const { res, nextCalled } = await run(mw, auth(value));
    assert.is(nextCalled, false);
    assertProblem(res, 401);
    assert.is(res.headers['www-authenticate'], 'Bearer realm="payments"');
  }
});

test('bearerAuth: a wrong token is 401 with error="invalid_token", whatever its length', async () => {
  const mw = bearerAuth({ tokens: [TOKEN] });
  // Different lengths would make a raw timingSafeEqual throw; the digests make them a plain no.
  for (const wrong of ['x', TOKEN.slice(0, -1), TOKEN + 'x', TOKEN.toUpperCase(), 'a'.repeat(4096)]) {
    const { res, nextCalled, lctx } = await run(mw, auth(`Bearer ${wrong}`));
    assert.is(nextCalled, false);
    assertProblem(res, 401);
    assert.is(res.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
    assert.is(lctx.state.auth, undefined);
    assert.not.ok(JSON.stringify(res).includes(wrong));
  }
});

test('bearerAuth: the right token passes and sets lctx.state.auth to a hash prefix, never the token', async () => {
  const mw = bearerAuth({ tokens: [undefined, '', 'other-token', TOKEN] });
  for (const value of [`Bearer ${TOKEN}`, `bearer  ${TOKEN}`, `Bearer ${TOKEN} `]) {
    const { res, nextCalled, lctx } = await run(mw, auth(value));
    assert.is(nextCalled, true);
    assert.is(res.status, 200);
    assert.equal(lctx.state.auth, { tokenId: createHash('sha256').update(TOKEN).digest('hex').slice(0, 8) });
    assert.not.ok(JSON.stringify(lctx.state).includes(TOKEN));
  }
  const other = await run(mw, auth('Bearer other-token'));
  assert.is(other.nextCalled, true);
  assert.is.not((other.lctx.state.auth as { tokenId: string }).tokenId, createHash('sha256').update(TOKEN).digest('hex').slice(0, 8));
});

test('bearerAuth: the comparison goes through timingSafeEqual on SHA-256 digests', () => {
  const src = readFileSync(join(REPO, 'runtime-shim/middleware/bearer-auth.ts'), 'utf8');
  assert.match(src, /timingSafeEqual\(/);
  assert.match(src, /createHash\('sha256'\)/);
  assert.not.match(src, /token\s*===|===\s*token/);
});

test('bearerAuth: verify decides and its result becomes lctx.state.auth', async () => {
  const mw = bearerAuth({ verify: async (token) => (token === 'alice-token' ? { user: 'alice' } : null) });
  const ok = await run(mw, auth('Bearer alice-token'));
  assert.is(ok.nextCalled, true);
  assert.equal(ok.lctx.state.auth, { user: 'alice' });
  const bad = await run(mw, auth('Bearer mallory'));
  assert.is(bad.nextCalled, false);
  assert.is(bad.res.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
});

test('bearerAuth: construction errors (no usable token, both or neither option, bad realm)', () => {
  assert.throws(() => bearerAuth({ tokens: [undefined, '', null] }), /no usable token/);
  assert.throws(() => bearerAuth({ tokens: [] }), /no usable token/);
  assert.throws(() => bearerAuth({ tokens: [process.env.GATI_SURELY_UNSET_TOKEN] }), /environment variable/);
  assert.throws(() => bearerAuth({}), /exactly one/);
  assert.throws(() => bearerAuth({ tokens: [TOKEN], verify: () => true }), /exactly one/);
  assert.throws(() => bearerAuth({ tokens: [TOKEN], realm: 'a"b' }), /realm/);
  let message = '';
  try { bearerAuth({ tokens: ['secret-value\n'] }); } catch (e) { message = (e as Error).message; }
  assert.match(message, /whitespace/);
  assert.not.ok(message.includes('secret-value'));
});

// ---------------------------------------------------------------- requestLog

test('requestLog: one line after the handler with method, path, status and durationMs', async () => {
  const { lines, nextCalled } = await run(requestLog(), fakeReq('POST', '/payments', { authorization: `Bearer ${TOKEN}`, cookie: 'sid=1' }), (res) => { res.status = 201; }, Date.now() - 5);
  assert.is(nextCalled, true);
  assert.is(lines.length, 1);
  const line = lines[0]!;
  assert.is(line.level, 'info');
  assert.is(line.msg, 'request');
  const obj = line.obj as Record<string, unknown>;
  assert.equal(Object.keys(obj), ['method', 'path', 'status', 'durationMs']);
  assert.is(obj.method, 'POST');
  assert.is(obj.path, '/payments');
  assert.is(obj.status, 201);
  assert.ok((obj.durationMs as number) >= 5);
});

test('requestLog: extra fields and chosen headers, but never authorization or cookies', async () => {
  const mw = requestLog({
    headers: ['user-agent', 'X-Request-Source'],
    fields: (req, res) => ({ tenant: req.headers['x-tenant'], bytes: String(res.body).length, headers: req.headers, cookie: req.headers['cookie'] }),
  });
  const req = fakeReq('GET', '/a', { 'user-agent': 'ua/1', 'x-request-source': 'cli', 'x-tenant': 't1', authorization: `Bearer ${TOKEN}`, cookie: 'sid=1' });
  const { lines } = await run(mw, req);
  const obj = lines[0]!.obj as Record<string, unknown>;
  assert.is(obj.tenant, 't1');
  assert.is(obj.bytes, 2);
  assert.is(obj.cookie, undefined);
  const text = JSON.stringify(lines);
  assert.not.ok(text.includes(TOKEN));
  assert.not.ok(text.includes('sid=1'));
  assert.ok(text.includes('ua/1'));
  assert.throws(() => requestLog({ headers: ['Authorization'] }), /credentials/);
  assert.throws(() => requestLog({ headers: ['cookie'] }), /credentials/);
});

test('requestLog: a thrown HttpError is logged with its status and rethrown; other errors as 500', async () => {
  const mw = requestLog({ level: 'warn', message: 'done' });
  let caught: unknown;
  const lines: LogLine[] = [];
  const lctx: LocalContext = { requestId: 'r', version: '1.0.0', startedAt: Date.now(), log: fakeLogger(lines), state: {}, traceId: '' };
  try {
    await mw(fakeReq('GET', '/x'), fakeRes(), {} as GlobalContext, lctx, async () => { throw new HttpError(404); });
  } catch (e) { caught = e; }
  assert.instance(caught, HttpError);
  try {
    await mw(fakeReq('GET', '/y'), fakeRes(), {} as GlobalContext, lctx, async () => { throw new Error('boom'); });
  } catch (e) { caught = e; }
  assert.is((caught as Error).message, 'boom');
  assert.equal(lines.map((l) => [l.level, l.msg, (l.obj as { status: number }).status]), [['warn', 'done', 404], ['warn', 'done', 500]]);
});

test('requestLog: a throwing fields() is noted on the line and does not fail the request', async () => {
  const mw = requestLog({ fields: () => { throw new Error('no tenant'); } });
  const { lines, res } = await run(mw, fakeReq('GET', '/'));
  assert.is(res.body, 'ok');
  assert.is((lines[0]!.obj as Record<string, unknown>).fieldsError, 'no tenant');
});

// ---------------------------------------------------------------- package

test("the package exports 'gati/middleware' with the four middleware", async () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['./middleware'], { types: './lib/runtime-shim/middleware/index.d.ts', default: './lib/runtime-shim/middleware/index.js' });
  const specifier = 'gati/middleware'; // resolved at run time through the package's own exports
  const mod = (await import(specifier)) as Record<string, unknown>;
  assert.equal(Object.keys(mod).sort(), ['bearerAuth', 'cors', 'rateLimit', 'requestLog']);
  const src = ['index', 'cors', 'rate-limit', 'bearer-auth', 'request-log', 'problem']
    .map((f) => readFileSync(join(REPO, `runtime-shim/middleware/${f}.ts`), 'utf8')).join('\n');
  for (const m of src.matchAll(/from '([^']+)'/g)) assert.ok(/^(node:|\.\.?\/)/.test(m[1]!), `runtime import ${m[1]}`);
});

test.run();
