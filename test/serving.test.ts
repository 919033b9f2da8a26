// The built server over real HTTP: the errors on the wire (docs/handlers.md), coercion, dates, unknown
// keys, middleware and the built-ins, and graceful shutdown with a request in flight.
// The same suite runs on every engine (node:http, Bun, Deno): no behaviour may differ but speed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGINES, builtFixtureCopy, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';

for (const engine of ENGINES) defineSuites(engine);

function defineSuites(engine: Engine): void {
const serving = suite(`serving (fixtures/serving on ${engine.name})`);
let dir: string;
let app: RunningApp;

serving.before(async () => {
  // One build of fixtures/serving serves every engine (they all run dist/server.mjs).
  const copy = builtFixtureCopy('serving');
  dir = copy.dir;
  assert.is(copy.built.status, 0, copy.built.stderr + copy.built.stdout);
  app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
});

serving.after(async () => {
  await app?.stop('SIGKILL');
  removeDir(dir);
});

const get = (path: string, init?: RequestInit) => fetch(app.url + path, init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(app.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function problem(res: Response, status: number) {
  assert.is(res.status, status);
  assert.is(res.headers.get('content-type'), 'application/problem+json');
  const body = (await res.json()) as { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };
  assert.is(body.status, status);
  assert.type(body.title, 'string');
  return body;
}

serving('400 with the JSON pointer of the failing value', async () => {
  const body = await problem(await post('/echo', { a: 1, nested: { b: 2 } }), 400);
  assert.equal(body.errors, [{ path: '/body/a', message: 'must be a string' }]);
  const deep = await problem(await post('/echo', { a: 'x', nested: { b: 1 }, list: [{ id: 1 }, { id: 'two' }] }), 400);
  assert.is(deep.errors![0]!.path, '/body/list/1/id');
  const missing = await problem(await post('/echo', { a: 'x' }), 400);
  assert.equal(missing.errors, [{ path: '/body/nested', message: 'is required' }]);
  const param = await problem(await get('/items/abc'), 400);
  assert.is(param.errors![0]!.path, '/params/id');
});

serving('404, and 405 with Allow', async () => {
  await problem(await get('/nowhere'), 404);
  const res = await get('/items/1', { method: 'DELETE' });
  await problem(res, 405);
  assert.is(res.headers.get('allow'), 'GET, HEAD');
});

serving('413 past the body limit, 415 for a non-JSON body, 400 for malformed or poisoned JSON', async () => {
  await problem(await post('/echo', { a: 'x'.repeat(2000), nested: { b: 1 } }), 413);
  await problem(await fetch(app.url + '/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a=1' }), 415);
  const malformed = await problem(await post('/echo', '{"a": "x",'), 400);
  assert.match(malformed.detail!, 'not valid JSON');
  const poisoned = await problem(await post('/echo', '{"a":"x","nested":{"b":1},"__proto__":{"admin":true}}'), 400);
  assert.match(poisoned.detail!, '__proto__');
  await problem(await post('/echo', '{"a":"x","nested":{"b":1,"constructor":{"prototype":{"admin":true}}}}'), 400);
  // The same keys spelled with JSON escapes: JSON.parse makes the same own properties.
  const escaped = await problem(await post('/echo', '{"a":"x","nested":{"b":1},"\\u005f_proto__":{"admin":true}}'), 400);
  assert.match(escaped.detail!, '__proto__');
  const escapedConstructor = await problem(await post('/echo', '{"a":"x","nested":{"b":1,"constructo\\u0072":{"prototyp\\u0065":{"admin":true}}}}'), 400);
  assert.match(escapedConstructor.detail!, 'constructor.prototype');
});

serving('500 without internals; the stack goes to the log with the request id', async () => {
  const res = await get('/boom', { headers: { 'x-request-id': 'req-boom-1' } });
  const body = await problem(res, 500);
  const text = JSON.stringify(body);
  assert.not.match(text, 'hunter2');
  assert.not.match(text, 'at ');
  assert.is(res.headers.get('x-request-id'), 'req-boom-1');
  await new Promise((r) => setTimeout(r, 50));
  const logged = app.logs.find((l) => l.reqId === 'req-boom-1' && l.level === 'error') as { err?: { stack?: string } } | undefined;
  assert.ok(logged?.err?.stack?.includes('hunter2'), 'the error and its stack are in the log');
  // Node and Deno apply dist/app.mjs.map; Bun ignores source maps of bundles it did not build (README).
  if (engine.name !== 'bun') assert.match(logged!.err!.stack!, 'src/handlers/boom.ts', 'the stack points at the TypeScript source');
});

serving('HttpError answers with its status and body', async () => {
  const res = await get('/teapot');
  assert.is(res.status, 418);
  assert.equal(await res.json(), { error: 'Teapot' });
});

serving('params and query are coerced to their declared types; defaults apply', async () => {
  const res = await get('/items/42?expand=true&tags=a&tags=b&since=2024-05-01T00:00:00Z');
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 42, expand: true, tags: ['a', 'b'], limit: 10, since: 'Date:2024' });
  assert.equal(await (await get('/items/7?tags=solo&limit=3')).json(), { id: 7, expand: null, tags: ['solo'], limit: 3, since: null });
  const bad = await problem(await get('/items/7?limit='), 400);
  assert.is(bad.errors![0]!.path, '/query/limit');
  await problem(await get('/items/7?expand=maybe'), 400);
});

serving('a Date arrives as a Date and leaves as an ISO string', async () => {
  const res = await post('/events', { name: 'launch', at: '2025-11-09T10:00:00.000Z' });
  assert.is(res.status, 201);
  assert.equal(await res.json(), { name: 'launch', at: '2025-11-09T10:00:00.000Z', isDate: true, year: 2025 });
  await problem(await post('/events', { name: 'launch', at: 'yesterday' }), 400);
});

serving('unknown keys are stripped before the handler sees them', async () => {
  const res = await post('/echo', { a: 'x', nested: { b: 1, sneaky: true }, extra: 'dropped' });
  assert.equal(await res.json(), { a: 'x', nested: { b: 1 } });
});

serving('HEAD is served by GET routes, without a body', async () => {
  const res = await get('/items/5', { method: 'HEAD' });
  assert.is(res.status, 200);
  assert.is(await res.text(), '');
});

serving('CORS: an allowed preflight is answered, a foreign origin gets no CORS headers', async () => {
  const pre = await get('/echo', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  assert.is(pre.status, 204);
  assert.is(pre.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.is(pre.headers.get('access-control-allow-credentials'), 'true');
  const foreign = await get('/items/1', { headers: { origin: 'https://evil.example' } });
  assert.is(foreign.headers.get('access-control-allow-origin'), null);
  const simple = await get('/items/1', { headers: { origin: 'https://app.example' } });
  assert.is(simple.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.match(simple.headers.get('vary') ?? '', 'Origin');
});

serving('rate limit: 429 with Retry-After once the bucket is empty', async () => {
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 6; i++) {
    last = await get('/items/1', { headers: { 'x-client': 'rl-test' } });
    statuses.push(last.status);
  }
  assert.equal(statuses, [200, 200, 200, 200, 200, 429]);
  assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  await problem(last!, 429);
});

serving('bearer auth: 401 with WWW-Authenticate; middleware runs outermost folder first', async () => {
  const none = await get('/admin/stats');
  await problem(none, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', 'Bearer');
  const wrong = await get('/admin/stats', { headers: { authorization: 'Bearer nope' } });
  assert.is(wrong.status, 401);
  assert.match(wrong.headers.get('www-authenticate') ?? '', 'invalid_token');
  const ok = await get('/admin/stats', { headers: { authorization: 'Bearer s3cret-token' } });
  assert.is(ok.status, 200);
  const body = (await ok.json()) as { order: string[]; hits: number };
  assert.equal(body.order, ['root', 'admin']);
  assert.ok(body.hits >= 1);
});

serving('modules are initialised before the server is ready; /_health and /_ready answer', async () => {
  assert.equal(await (await get('/ready')).json(), { started: true });
  assert.is((await get('/_health')).status, 200);
  assert.is((await get('/_ready')).status, 200);
});

serving('one JSON log line per request with the route template, status and duration', async () => {
  await get('/items/99', { headers: { 'x-request-id': 'req-log-1' } });
  await new Promise((r) => setTimeout(r, 50));
  const line = app.logs.find((l) => l.reqId === 'req-log-1' && l.msg === 'request');
  assert.ok(line, 'logged');
  assert.is(line!.route, 'GET /items/:id');
  assert.is(line!.status, 200);
  assert.type(line!.durationMs, 'number');
});

serving.run();

const shutdown = suite(`graceful shutdown (${engine.name})`);

shutdown('SIGTERM lets an in-flight request finish, then exits 0', async () => {
  const { dir: dir2, built } = builtFixtureCopy('serving');
  try {
    assert.is(built.status, 0);
    const server = await runServer([...engine.args, 'dist/server.mjs'], dir2, {}, engine.executable);
    const inflight = fetch(server.url + '/slow?ms=700');
    await new Promise((r) => setTimeout(r, 150));
    const exit = server.stop('SIGTERM');
    const res = await inflight;
    assert.is(res.status, 200);
    assert.equal(await res.json(), { slept: 700 });
    assert.is(await exit, 0);
    let refused = false;
    await fetch(server.url + '/items/1').catch(() => (refused = true));
    assert.ok(refused, 'no new connections after shutdown');
  } finally {
    removeDir(dir2);
  }
});

shutdown.run();
}
