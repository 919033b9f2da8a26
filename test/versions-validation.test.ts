// Issue 14 item 8: a client pinned to an old API version takes the same validation path as the
// newest version's clients. fixtures/versioned is played out v1 → v2 with
// validation.unknownKeys 'reject' and one more route (GET /things, the same in both versions);
// then, over real HTTP on every engine, a v1 client's URL strings are coerced exactly as a v2
// client's (no AJV coerceTypes: ' 4' is no 4, '0x10' no 16, ['4'] no 4), an unknown key is refused at its
// pointer, and the error bodies of both versions are identical in form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, fixture } from './helpers/paths.js';
import { ENGINES, gatiSync, runServer, type RunningApp } from './helpers/server.js';
import { toValidationErrors } from '../runtime-shim/server/validation-errors.js';
import type { RouteValidators } from '../runtime-shim/server/app.js';

const THINGS = `import type { Handler } from 'gati';

interface ThingsQuery {
  limit?: number;
  flag?: boolean;
}

export const handler: Handler<{ query: ThingsQuery }, { limit: number | null; flag: boolean | null }> = async (req) => ({
  limit: req.query.limit ?? null,
  flag: req.query.flag ?? null,
});
`;

let dir = '';

function playOut(): string {
  const root = mkdtempSync(join(tmpdir(), 'gati-versions-validation-'));
  cpSync(fixture('versioned', 'v1'), root, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'gati.config.json'), JSON.stringify({ validation: { unknownKeys: 'reject' } }));
  writeFileSync(join(root, 'src/handlers/things.ts'), THINGS);
  const v1 = gatiSync(['build', root]);
  assert.is(v1.status, 0, v1.stderr + v1.stdout);
  cpSync(fixture('versioned', 'v2', 'src'), join(root, 'src'), { recursive: true });
  const v2 = gatiSync(['build', root]);
  assert.is(v2.status, 0, v2.stderr + v2.stdout);
  assert.match(v2.stdout, 'version  2.0.0');
  return root;
}

interface Answer { status: number; body: Record<string, unknown> | undefined }

async function call(app: RunningApp, method: string, path: string, version: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { 'x-api-version': version };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

test.before(() => {
  dir = playOut();
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the old version\'s validators are emitted by the validators emitter, not compiled at bundle time', () => {
  const versionDir = join(dir, 'dist/validators/versions/1.0.0');
  assert.ok(existsSync(join(versionDir, 'index.mjs')), 'dist/validators/versions/1.0.0/index.mjs');
  assert.ok(readdirSync(versionDir).includes('get.things.in.mjs'));
  assert.not.ok(existsSync(join(dir, 'dist/validators/versions/2.0.0')), 'the newest version uses dist/validators/ itself');
});

test('a one-element array and an empty string are refused by v1 exactly as by v2 (the emitted modules)', async () => {
  globalThis.require ??= createRequire(join(dir, 'package.json'));
  const current = readdirSync(join(dir, 'dist/validators')).find((f) => /^get\.things\.[0-9a-f]{10}\.mjs$/.test(f))!;
  const v2 = (await import(pathToFileURL(join(dir, 'dist/validators', current)).href)) as RouteValidators;
  const v1 = (await import(pathToFileURL(join(dir, 'dist/validators/versions/1.0.0/get.things.in.mjs')).href)) as RouteValidators;
  const check = (v: RouteValidators, query: Record<string, unknown>) => {
    v.coerceQuery!(query);
    return v.query!(query) ? [] : toValidationErrors('query', v.query!.errors);
  };
  for (const query of [{ limit: ['4'] }, { limit: '' }, { limit: ' 4' }, { limit: '0x10' }, { flag: '1' }, { flag: ['true'] }]) {
    const old = check(v1, structuredClone(query));
    assert.ok(old.length > 0, `v1 accepted ${JSON.stringify(query)}`);
    assert.equal(old, check(v2, structuredClone(query)), JSON.stringify(query));
  }
  assert.equal(check(v1, { limit: '' }), [{ path: '/query/limit', message: 'must be a number' }]);
  assert.equal(check(v1, { limit: ['4'] }), [{ path: '/query/limit', message: 'must be a number' }]);
});

for (const engine of ENGINES) {
  test(`[${engine.name}] a client pinned to v1 is validated as a v2 client: coercion, unknown keys, error bodies`, async () => {
    const app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    try {
      // Valid URL strings are coerced the same way in both versions.
      for (const version of ['1', '2']) {
        const ok = await call(app, 'GET', '/things?limit=4&flag=true', version);
        assert.is(ok.status, 200, `${version}: ${JSON.stringify(ok.body)}`);
        assert.equal(ok.body, { limit: 4, flag: true });
      }
      // What AJV's coerceTypes accepted for old versions (' 4' → 4, '0x10' → 16) is refused, as it is for
      // v2; what both refused ('' for a number, '1' for a boolean) stays refused, in the same words.
      for (const query of ['limit=%204', 'limit=0x10', 'limit=', 'flag=1', 'limit=4&limit=4', 'limit=abc&flag=yes']) {
        const old = await call(app, 'GET', `/things?${query}`, '1');
        const now = await call(app, 'GET', `/things?${query}`, '2');
        assert.is(now.status, 400, `v2 ?${query}`);
        assert.is(old.status, 400, `v1 ?${query}: ${JSON.stringify(old.body)}`);
        assert.equal(old.body, now.body, `?${query}: the same problem from both versions`);
      }
      assert.equal((await call(app, 'GET', '/things?limit=', '1')).body!.errors, [{ path: '/query/limit', message: 'must be a number' }]);
      // Listed by path within a part (the snapshot's types are in name order, the newest in declaration order).
      assert.equal((await call(app, 'GET', '/things?limit=abc&flag=yes', '1')).body!.errors, [
        { path: '/query/flag', message: 'must be a boolean' },
        { path: '/query/limit', message: 'must be a number' },
      ]);

      // validation.unknownKeys 'reject' holds for v1's body as for v2's: 400 at the key's pointer.
      const oldExtra = await call(app, 'POST', '/users', '1', { name: 'Grace Hopper', role: 'member', extra: 1 });
      const newExtra = await call(app, 'POST', '/users', '2', { firstName: 'Grace', lastName: 'Hopper', role: 'member', extra: 1 });
      assert.is(newExtra.status, 400);
      assert.is(oldExtra.status, 400, JSON.stringify(oldExtra.body));
      assert.equal(oldExtra.body, newExtra.body);
      assert.equal(oldExtra.body!.errors, [{ path: '/body/extra', message: 'is not allowed' }]);

      // Several mistakes in a v1 body: all of them, in the same words as v2's.
      const oldWrong = await call(app, 'POST', '/users', '1', { name: 5, role: 'boss' });
      const newWrong = await call(app, 'POST', '/users', '2', { firstName: 5, lastName: 'Hopper', role: 'boss' });
      assert.equal(Object.keys(oldWrong.body!).sort(), Object.keys(newWrong.body!).sort());
      assert.equal(oldWrong.body!.errors, [
        { path: '/body/name', message: 'must be a string' },
        { path: '/body/role', message: "must be one of 'admin', 'member'" },
      ]);
      assert.equal(newWrong.body!.errors, [
        { path: '/body/firstName', message: 'must be a string' },
        { path: '/body/role', message: "must be one of 'admin', 'member'" },
      ]);

      // A valid v1 request still goes up and comes back down.
      const created = await call(app, 'POST', '/users', '1', { name: 'Grace Hopper', role: 'member' });
      assert.is(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body, { id: 'u1', name: 'Grace Hopper', role: 'member' });
    } finally {
      await app.stop();
    }
  });
}

test.run();
