// A request path you can trust (issue 14), over real HTTP on every engine, with the app a new user
// wrote (fixtures/notes: `cors` + `bearerAuth` at the root, a folder middleware, a recursive type):
// middleware runs before the body is read and validated; the headers it set stay on every problem;
// 404/405 answers run the middleware of their path; no body, however deep, overflows the stack.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGINES, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';
import { header, raw } from './helpers/raw-http.js';

const ORIGIN = 'https://app.example';
const TOKEN = { authorization: 'Bearer t0ken' };
const JSON_TYPE = { 'content-type': 'application/json' };
const BROWSER = { origin: ORIGIN, ...TOKEN };

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** A comment tree `depth` comments deep: twice as deep in JSON (an object and an array per comment). */
const comments = (depth: number) => '{"text":"x","replies":['.repeat(depth) + ']}'.repeat(depth);

let dir: string | undefined;
/** One build for the three engines. */
function built(): string {
  if (dir) return dir;
  dir = copyFixture('notes');
  const result = gatiSync(['build', dir]);
  assert.is(result.status, 0, result.stderr + result.stdout);
  return dir;
}

for (const engine of ENGINES) defineSuite(engine);

function defineSuite(engine: Engine): void {
  const path = suite(`request path (fixtures/notes on ${engine.name})`);
  let app: RunningApp;

  path.before(async () => {
    app = await runServer([...engine.args, 'dist/server.mjs'], built(), {}, engine.executable);
  });
  path.after(async () => {
    await app?.stop('SIGKILL');
    if (engine === ENGINES[ENGINES.length - 1] && dir) removeDir(dir);
  });

  const call = (p: string, init: RequestInit = {}) => fetch(app.url + p, init);
  const post = (p: string, body: string, headers: Record<string, string> = TOKEN) => call(p, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body });
  async function problem(res: Response, status: number): Promise<{ detail?: string; errors?: { path: string }[] }> {
    const text = await res.text();
    assert.is(res.status, status, text);
    assert.is(res.headers.get('content-type'), 'application/problem+json');
    return JSON.parse(text) as { detail?: string };
  }

  path('auth answers before validation: no token is a 401, whatever the query or body', async () => {
    await problem(await call('/notes?limit=0'), 401);
    await problem(await post('/notes', '{"title": 5}', {}), 401);
    await problem(await post('/notes', '{"title":', {}), 401);
    await problem(await call('/notes', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 401);
    await problem(await post('/notes/abc/comments', comments(20_000), {}), 401);
    // With the token, the same requests reach validation.
    const limit = await problem(await call('/notes?limit=0', { headers: TOKEN }), 400);
    assert.is(limit.errors?.[0]?.path, '/query/limit');
  });

  path('an unknown API version is refused after auth, with the CORS headers; probes need neither', async () => {
    // The build released version 1.0.0, so X-API-Version is resolved on every request.
    await problem(await call('/notes', { headers: { 'x-api-version': '9.9.9' } }), 401);
    const bad = await call('/notes', { headers: { ...BROWSER, 'x-api-version': '9.9.9' } });
    await problem(bad, 400);
    assert.is(bad.headers.get('access-control-allow-origin'), ORIGIN);
    const ok = await call('/notes', { headers: { ...BROWSER, 'x-api-version': '1' } });
    assert.is(ok.status, 200);
    assert.is(ok.headers.get('x-api-version'), '1.0.0');
    assert.is((await call('/_health')).status, 200);
    assert.is((await call('/_versions')).status, 200);
  });

  path('a refused request is answered without reading its body: headers and a Content-Length, then nothing', async () => {
    const started = performance.now();
    const head = `POST /notes HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":`;
    // The server's request timeout is 10 s: an answer well before it did not wait for the body.
    const answer = await raw(app.url, [head], 5000, 0, true);
    assert.is(answer.status, 401, answer.text);
    assert.ok(performance.now() - started < 4000, 'answered without waiting for the body');
    assert.is(header(answer, 'access-control-allow-origin'), ORIGIN);
    if (engine.name === 'node') {
      // node:http would otherwise read and discard the 100 000 bytes to keep the connection.
      assert.is(header(answer, 'connection'), 'close');
    }
  });

  path('a middleware sees the raw request before next() and the answer after it', async () => {
    const res = await post('/notes/7/comments?limit=3&limit=4', '{"text":"a","replies":[]}', BROWSER);
    assert.is(res.status, 201);
    assert.equal(await res.json(), { note: 7, comments: 1, datedRoot: false });
    assert.equal(JSON.parse(res.headers.get('x-notes-seen')!), { params: { id: '7' }, query: { limit: ['3', '4'] }, body: false });
    assert.is(res.headers.get('x-notes-status'), '201');
    const bad = await post('/notes/7/comments', '{"text":1,"replies":[]}', BROWSER);
    await problem(bad, 400);
    assert.is(bad.headers.get('x-notes-status'), '400', 'next() resolves with the 400 in res.status');
  });

  path('400, 413, 415 and 500 problems keep the CORS headers a middleware set', async () => {
    const cases: [Promise<Response>, number][] = [
      [call('/notes?limit=0', { headers: BROWSER }), 400],
      [post('/notes', '{"title": 5}', BROWSER), 400],
      [post('/notes', '{"title":', BROWSER), 400],
      [post('/raw', arrays(100), BROWSER), 400],
      [call('/notes', { method: 'POST', headers: { ...BROWSER, 'content-type': 'text/plain' }, body: 'x' }), 415],
      [call('/boom', { headers: BROWSER }), 500],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      await problem(res, status);
      assert.is(res.headers.get('access-control-allow-origin'), ORIGIN, `${status}`);
    }
    // 413: a declared length past the 8 MB limit, answered before any of it is sent.
    const head = `POST /notes HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\nAuthorization: Bearer t0ken\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\n\r\n`;
    const tooLarge = await raw(app.url, [head], 5000, 0, true);
    assert.is(tooLarge.status, 413, tooLarge.text);
    assert.is(header(tooLarge, 'access-control-allow-origin'), ORIGIN);
  });

  path('404 and 405 answers run the middleware of their path: auth, CORS, and the folder chain', async () => {
    await problem(await call('/nowhere'), 401);
    await problem(await call('/notes/1/nothing'), 401);
    await problem(await call('/notes', { method: 'DELETE' }), 401);
    const outside = await call('/nowhere', { headers: BROWSER });
    await problem(outside, 404);
    assert.is(outside.headers.get('access-control-allow-origin'), ORIGIN);
    assert.is(outside.headers.get('x-notes-status'), null, 'no notes/ middleware outside /notes');
    const inside = await call('/notes/1/nothing', { headers: BROWSER });
    await problem(inside, 404);
    assert.is(inside.headers.get('access-control-allow-origin'), ORIGIN);
    assert.is(inside.headers.get('x-notes-status'), '404', 'notes/_middleware.ts ran for a 404 under /notes');
    const method = await call('/notes', { method: 'DELETE', headers: BROWSER });
    await problem(method, 405);
    assert.is(method.headers.get('allow'), 'GET, HEAD, POST');
    assert.is(method.headers.get('access-control-allow-origin'), ORIGIN);
    assert.is(method.headers.get('x-notes-status'), '405');
    // A preflight still needs no token: cors answers it before bearerAuth.
    const preflight = await call('/notes', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    assert.is(preflight.status, 204);
    assert.is(preflight.headers.get('access-control-allow-origin'), ORIGIN);
  });

  path('bodies nested past validation.maxDepth (64) are a 400 before any validator runs', async () => {
    // 20 000 comments deep used to overflow the recursive validator: a 500.
    const deep = await problem(await post('/notes/1/comments', comments(20_000)), 400);
    assert.match(deep.detail!, 'more than 64 levels deep');
    for (const body of [comments(100_000), arrays(100_000), objects(100_000), `{"title":${arrays(100_000)}}`, '{"__proto__":'.repeat(100_000) + '1' + '}'.repeat(100_000)]) {
      await problem(await post('/notes/1/comments', body), 400);
      await problem(await post('/notes', body), 400);
      await problem(await post('/raw', body), 400);
    }
    // Up to the limit a body is served, through the recursive validator and Date reviver.
    const ok = await post('/notes/1/comments', comments(31).replace('"x"', '"x","at":"2025-01-01T00:00:00Z"'));
    assert.is(ok.status, 201);
    assert.equal(await ok.json(), { note: 1, comments: 31, datedRoot: true });
    assert.is((await post('/raw', arrays(64))).status, 200);
    await problem(await post('/raw', arrays(65)), 400);
    // Brackets inside strings are text, not nesting.
    assert.is((await post('/raw', JSON.stringify({ s: '[{'.repeat(5000) }))).status, 200);
  });

  path('deeply nested query strings are strings: never a 500', async () => {
    const bad = await problem(await call(`/notes?limit=${'['.repeat(4000)}`, { headers: TOKEN }), 400);
    assert.is(bad.errors?.[0]?.path, '/query/limit');
    const keys = await call(`/notes?${'a[b]'.repeat(1000)}=1&limit=2`, { headers: TOKEN });
    assert.is(keys.status, 200);
    // Past the engines' URL limits the engine answers (431/414/400), never a crash.
    const huge = await call(`/notes?limit=${'%5B'.repeat(100_000)}`, { headers: TOKEN });
    assert.ok(huge.status >= 400 && huge.status < 500, `got ${huge.status}`);
    assert.is((await call('/_health')).status, 200);
  });

  path.run();
}
