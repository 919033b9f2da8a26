// API versions at request time, over real HTTP on every engine: fixtures/versioned played out to
// 3.0.0 (v1 → v2 splits User.name, v3 renames role to access and removes GET /health), then the
// real server (dist/server.mjs) answers clients pinned to each version in that version's shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './helpers/paths.js';
import { ENGINES, gatiSync, runServer, type RunningApp } from './helpers/server.js';

interface Listed { current: string; versions: { semver: string; timestamp: string; deprecated?: boolean; sunset?: string }[] }

const SUNSET = '2027-06-30T00:00:00Z';
let dir = '';

/** v1 → v2 (with its version change) → v3 (with its own), each a `gati build` that releases a version. */
function playOut(): string {
  const root = mkdtempSync(join(tmpdir(), 'gati-versions-serving-'));
  cpSync(fixture('versioned', 'v1'), root, { recursive: true });
  writeFileSync(join(root, 'gati.config.json'), JSON.stringify({ versioning: { deprecated: { '1': { sunset: SUNSET } } } }));
  const build = (label: string) => {
    const r = gatiSync(['build', root]);
    assert.is(r.status, 0, `${label}: ${r.stderr}`);
  };
  build('v1');
  cpSync(fixture('versioned', 'v2', 'src'), join(root, 'src'), { recursive: true });
  build('v2');
  rmSync(join(root, 'src/handlers/health.ts'));
  cpSync(fixture('versioned', 'v3', 'src'), join(root, 'src'), { recursive: true });
  build('v3');
  return root;
}

async function call(app: RunningApp, method: string, path: string, version?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (version !== undefined) headers['x-api-version'] = version;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) as Record<string, unknown> : undefined };
}

test.before(() => {
  dir = playOut();
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const engine of ENGINES) {
  test(`[${engine.name}] versions: pinned clients get their version's shapes; unpinned get the newest; /_versions, 400, 410, Deprecation/Sunset`, async () => {
    const app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    try {
      const listed = (await call(app, 'GET', '/_versions')).body as unknown as Listed;
      assert.is(listed.current, '3.0.0');
      assert.equal(listed.versions.map((v) => v.semver), ['3.0.0', '2.0.0', '1.0.0'], 'newest first');
      const v1 = listed.versions[2]!, v2 = listed.versions[1]!;
      assert.is(v1.deprecated, true);
      assert.is(v1.sunset, '2027-06-30T00:00:00.000Z');
      assert.is(listed.versions[0]!.deprecated, undefined);

      // Unpinned: the newest version answers, and says which it is.
      const now = await call(app, 'GET', '/users/7');
      assert.is(now.status, 200);
      assert.equal(now.body, { id: '7', firstName: 'Ada', lastName: 'Lovelace', access: 'admin' });
      assert.is(now.headers.get('x-api-version'), '3.0.0');
      assert.is(now.headers.get('deprecation'), null);

      // Pinned to 1.0.0 by semver: two migrations down, v1's shape, deprecated with a sunset.
      const old = await call(app, 'GET', '/users/7', '1');
      assert.is(old.status, 200);
      assert.equal(old.body, { id: '7', name: 'Ada Lovelace', role: 'admin' });
      assert.is(old.headers.get('x-api-version'), '1.0.0');
      assert.is(old.headers.get('deprecation'), `@${Math.floor(Date.parse(v2.timestamp) / 1000)}`);
      assert.is(old.headers.get('sunset'), 'Wed, 30 Jun 2027 00:00:00 GMT');

      // Pinned by timestamp: a v1 request body goes up two versions, the response comes back down.
      const created = await call(app, 'POST', '/users', v1.timestamp, { name: 'Grace Brewster Hopper', role: 'member' });
      assert.is(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body, { id: 'u1', name: 'Grace Brewster Hopper', role: 'member' });
      assert.is(created.headers.get('x-api-version'), '1.0.0');
      // A v1 client is held to v1's schema: the newest shape is not v1's.
      const wrongShape = await call(app, 'POST', '/users', '1.0.0', { firstName: 'Grace', lastName: 'Hopper', access: 'member' });
      assert.is(wrongShape.status, 400);
      assert.is((wrongShape.body!.errors as { path: string }[])[0]!.path, '/body/name');
      assert.is(wrongShape.headers.get('x-api-version'), '1.0.0', 'echoed on errors too');

      // Pinned to 2.0.0 (by its timestamp): one migration; undeclared keys are stripped as always.
      const mid = await call(app, 'POST', '/users', v2.timestamp, { firstName: 'Grace', lastName: 'Hopper', role: 'member', extra: 1 });
      assert.is(mid.status, 201, JSON.stringify(mid.body));
      assert.equal(mid.body, { id: 'u1', firstName: 'Grace', lastName: 'Hopper', role: 'member' });
      assert.is(mid.headers.get('x-api-version'), '2.0.0');
      assert.is(mid.headers.get('deprecation'), null);

      // The newest, pinned explicitly.
      const newest = await call(app, 'POST', '/users', '3', { firstName: 'Grace', lastName: 'Hopper', access: 'member' });
      assert.equal(newest.body, { id: 'u1', firstName: 'Grace', lastName: 'Hopper', access: 'member' });

      // Unknown, malformed, too early: 400 with the versions (timestamp and semver), newest first.
      for (const [header, title] of [['9', 'Unknown API version'], ['banana', 'Malformed API version'], ['2020-01-01T00:00:00Z', 'API version too early']] as const) {
        const bad = await call(app, 'GET', '/users/7', header);
        assert.is(bad.status, 400, header);
        assert.is(bad.headers.get('content-type'), 'application/problem+json');
        assert.is(bad.body!.title, title);
        assert.equal(bad.body!.versions, listed.versions.map((v) => ({ semver: v.semver, timestamp: v.timestamp })));
      }

      // GET /health was removed in 3.0.0: 410 for clients of 1.0.0 and 2.0.0, 404 for the newest.
      const gone = await call(app, 'GET', '/health', '1');
      assert.is(gone.status, 410);
      assert.is(gone.body!.removedIn, '3.0.0');
      assert.match(String(gone.body!.detail), 'GET /health was removed in API version 3.0.0');
      assert.is(gone.headers.get('x-api-version'), '1.0.0');
      assert.is((await call(app, 'GET', '/health', '2')).status, 410);
      const missing = await call(app, 'GET', '/health');
      assert.is(missing.status, 404);
      assert.is(missing.headers.get('x-api-version'), '3.0.0');
    } finally {
      await app.stop();
    }
  });
}

test('versions: versioning.requireVersion answers 400 without X-API-Version (probes excepted)', async () => {
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ versioning: { requireVersion: true } }));
  const r = gatiSync(['build', dir]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'version  3.0.0 (API unchanged)');
  const app = await runServer(['dist/server.mjs'], dir);
  try {
    const bare = await call(app, 'GET', '/users/7');
    assert.is(bare.status, 400);
    assert.is(bare.body!.title, 'API version required');
    assert.equal((bare.body!.versions as { semver: string }[]).map((v) => v.semver), ['3.0.0', '2.0.0', '1.0.0']);
    assert.is((await call(app, 'GET', '/users/7', '3')).status, 200);
    assert.is((await call(app, 'GET', '/_health')).status, 200, 'health probes send no version');
    assert.is((await call(app, 'GET', '/users/7', '1')).headers.get('deprecation'), null, 'no longer deprecated in the config');
  } finally {
    await app.stop();
  }
});

test.run();
