// Issue 14 item 7 over real HTTP on every engine: a 400 lists every validation error of the
// request (up to validation.maxErrors, 12 in fixtures/validation), across params, query, headers
// and body, each with its JSON pointer and a message written for people, not AJV's words.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGINES, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';

interface ProblemBody { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] }

let dir = '';
const built = suite('validation errors: build fixtures/validation');
built('gati build', () => {
  dir = copyFixture('validation');
  const r = gatiSync(['build', dir]);
  assert.is(r.status, 0, r.stderr + r.stdout);
});
built.run();

for (const engine of ENGINES) defineSuite(engine);

const cleanup = suite('validation errors: cleanup');
cleanup('remove the app', () => removeDir(dir));
cleanup.run();

function defineSuite(engine: Engine): void {
  const t = suite(`validation errors (fixtures/validation on ${engine.name})`);
  let app: RunningApp;

  t.before(async () => {
    app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
  });

  t.after(async () => {
    await app?.stop('SIGKILL');
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

  async function problem(res: Response): Promise<ProblemBody> {
    assert.is(res.status, 400);
    assert.is(res.headers.get('content-type'), 'application/problem+json');
    return (await res.json()) as ProblemBody;
  }

  const sorted = (errors: ProblemBody['errors']) => [...(errors ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  t('every wrong query value is reported, not only the first', async () => {
    const body = await problem(await send('GET', '/orders?limit=abc&status=weird'));
    assert.equal(body.errors, [
      { path: '/query/limit', message: 'must be an integer' },
      { path: '/query/status', message: "must be one of 'open', 'closed'" },
    ]);
    assert.is(body.detail, "/query/limit must be an integer; /query/status must be one of 'open', 'closed'");
    assert.equal((await problem(await send('GET', '/orders?limit=0'))).errors, [{ path: '/query/limit', message: 'must be >= 1' }]);
  });

  t('a body with many mistakes: each at its pointer, in words for people', async () => {
    const res = await send('POST', '/orders', {
      customer: 5,
      note: 'x'.repeat(141),
      items: [{ sku: 'a', qty: 0 }, { sku: 'b', qty: 1.5 }],
      delivery: { kind: 'drone' },
      tip: 'x',
      ref: true,
      email: 'ann-at-shop',
      discount: 100,
      extra: true,
    });
    const body = await problem(res);
    assert.equal(sorted(body.errors), [
      { path: '/body/customer', message: 'must be a string' },
      { path: '/body/delivery/kind', message: "must be one of 'pickup', 'ship'" },
      { path: '/body/discount', message: 'must be < 100' },
      { path: '/body/email', message: 'must be an email address' },
      { path: '/body/extra', message: 'is not allowed' },
      { path: '/body/items/0/qty', message: 'must be >= 1' },
      { path: '/body/items/1/qty', message: 'must be an integer' },
      { path: '/body/note', message: 'must have at most 140 characters' },
      { path: '/body/ref', message: 'must be a string or a number' },
      { path: '/body/tip', message: 'must be a number or null' },
    ]);
    assert.not.match(JSON.stringify(body), /oneOf|must be string|NOT/, 'none of AJV\'s own wording');
  });

  t('a discriminated union reports the chosen arm only, or the tag values', async () => {
    const ship = await problem(await send('POST', '/orders', { customer: 'c', items: [], delivery: { kind: 'ship', store: 's' } }));
    assert.equal(sorted(ship.errors), [
      { path: '/body/delivery/address', message: 'is required' },
      { path: '/body/delivery/store', message: 'is not allowed' },
    ]);
    const untagged = await problem(await send('POST', '/orders', { customer: 'c', items: [], delivery: {} }));
    assert.equal(untagged.errors, [{ path: '/body/delivery/kind', message: 'is required' }]);
    const ok = await send('POST', '/orders', { customer: 'c', items: [{ sku: 'a', qty: 2 }], delivery: { kind: 'pickup', store: 's' }, tip: null });
    assert.is(ok.status, 201);
  });

  t('errors of params, query, headers and body are reported together', async () => {
    const body = await problem(await send('PUT', '/orders/abc?notify=maybe', { note: 5 }));
    assert.equal(body.errors, [
      { path: '/params/id', message: 'must be a number' },
      { path: '/query/notify', message: 'must be a boolean' },
      { path: '/headers/x-shop', message: 'is required' },
      { path: '/body/note', message: 'must be a string' },
    ]);
    const ok = await send('PUT', '/orders/7?notify=true', { note: 'n' }, { 'x-shop': 'main' });
    assert.is(ok.status, 200);
    assert.equal(await ok.json(), { id: 7, note: 'n' });
  });

  t('an optional body (body?: T) may be left out, and is checked when it is sent', async () => {
    const none = await send('DELETE', '/orders/7');
    assert.is(none.status, 200);
    assert.equal(await none.json(), { id: 7, reason: null });
    const given = await send('DELETE', '/orders/7', { reason: 'duplicate' });
    assert.equal(await given.json(), { id: 7, reason: 'duplicate' });
    assert.equal((await problem(await send('DELETE', '/orders/7', { reason: 5 }))).errors, [{ path: '/body/reason', message: 'must be a string' }]);
  });

  t('at most validation.maxErrors errors are listed; the detail says there were more', async () => {
    const items = Array.from({ length: 14 }, () => ({ sku: 's', qty: 0 }));
    const body = await problem(await send('POST', '/orders', { customer: 1, items, delivery: { kind: 'pickup', store: 's' } }));
    assert.is(body.errors!.length, 12);
    assert.ok(body.detail!.endsWith('; and more errors not listed'), body.detail);
  });

  t.run();
}
