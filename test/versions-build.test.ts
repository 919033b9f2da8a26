// The versioned fixture played out with the real CLI in a temporary copy: v1 releases 1.0.0; v2's
// breaking change is refused (GATI5001) until its version change file exists; then 2.0.0 is
// released, `gati versions` and `gati versions diff` report it, dist/versions.json describes both
// versions, and the composed migrations turn a 1.0.0 request into a 2.0.0 one and back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REPO, fixture } from './helpers/paths.js';
import { buildApp } from '../driver/build.js';
import { createAjv } from './helpers/ajv.js';
import type { VersionsManifest } from '../emitters/versions/index.js';
import { composeMigrations } from '../runtime-shim/versions/compose.js';
import { resolveVersion } from '../runtime-shim/versions/resolve.js';
import type { VersionChange } from '../runtime-shim/version-change.js';
import { tsc } from './helpers/tsc.js';

const gati = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const VERSION_FILE = '2026-11-26T12-00-00Z-split-user-name.ts';

test('v1 → refused breaking v2 → v2 with its version change → 2.0.0, listed, diffed, served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-versioned-'));
  try {
    cpSync(fixture('versioned', 'v1'), dir, { recursive: true });
    const v1 = gati(['build', dir]);
    assert.is(v1.status, 0, v1.stderr);
    assert.match(v1.stdout, /version {2}1\.0\.0 \(initial\) .*\.gati\/versions\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json/);

    // The breaking change alone is refused, route by route, with rule ids and types.
    cpSync(fixture('versioned', 'v2', 'src', 'handlers'), join(dir, 'src', 'handlers'), { recursive: true });
    const refused = gati(['build', dir]);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, "error GATI5001: breaking change to 'GET /users/:id' for clients of 1.0.0");
    assert.match(refused.stderr, "error GATI5001: breaking change to 'POST /users' for clients of 1.0.0");
    assert.match(refused.stderr, 'body.name [input] field-removed (major): string → (none)');
    assert.match(refused.stderr, 'response[201].name [output] field-removed (major): string → (none)');
    assert.match(refused.stderr, 'Found 2 errors');
    assert.is(readdirSync(join(dir, '.gati/versions')).filter((n) => n.endsWith('.json')).length, 1, 'nothing released');

    // `gati versions new` scaffolds a stub per breaking route (then we use the real one instead).
    const scaffold = gati(['versions', 'new', 'Split the user name', dir]);
    assert.is(scaffold.status, 0, scaffold.stderr);
    const stub = readdirSync(join(dir, 'src/versions'))[0]!;
    assert.match(stub, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-split-the-user-name\.ts$/);
    const stubText = readFileSync(join(dir, 'src/versions', stub), 'utf8');
    assert.match(stubText, "description: 'Split the user name'");
    assert.match(stubText, "'POST /users': {\n      request(old) {");
    assert.match(stubText, "'GET /users/:id': {\n      response(body, status) {");
    rmSync(join(dir, 'src/versions', stub));

    cpSync(fixture('versioned', 'v2', 'src', 'versions'), join(dir, 'src', 'versions'), { recursive: true });
    const v2 = gati(['build', dir]);
    assert.is(v2.status, 0, v2.stderr);
    assert.match(v2.stdout, 'version  2.0.0 (major: ');

    const list = gati(['versions', dir]);
    assert.is(list.status, 0, list.stderr);
    assert.match(list.stdout, '2 versions, newest first');
    assert.match(list.stdout, /2\.0\.0 +\S+ +major +11 changes: annotation-changed ×2, field-removed ×3, field-added-required ×6 \(User.name is split into firstName and lastName\)/);
    assert.match(list.stdout, /1\.0\.0 +\S+ +initial +3 routes/);

    const diff = gati(['versions', 'diff', '--dir', dir]);
    assert.is(diff.status, 0, diff.stderr);
    assert.match(diff.stdout, '1.0.0 → 2.0.0: major');
    assert.match(diff.stdout, 'POST /users\n  major  body.name [input] field-removed (major): string → (none)');
    const json = JSON.parse(gati(['versions', 'diff', '1', '2', '--dir', dir, '--format', 'json']).stdout) as { bump: string; changes: unknown[] };
    assert.is(json.bump, 'major');
    assert.is(json.changes.length, 11);

    // dist/versions.json: both versions with their schemas; 1.0.0's body schema still has `name`.
    const manifest = JSON.parse(readFileSync(join(dir, 'dist/versions.json'), 'utf8')) as VersionsManifest;
    assert.is(manifest.current, '2.0.0');
    assert.equal(manifest.versions.map((v) => v.semver), ['1.0.0', '2.0.0']);
    assert.equal(manifest.versions[1]!.versionChanges, [{ file: `src/versions/${VERSION_FILE}`, description: 'User.name is split into firstName and lastName' }]);
    const ajv = createAjv();
    const oldBody = ajv.compile(manifest.versions[0]!.routes['POST /users']!.body!);
    assert.ok(oldBody({ name: 'Grace Hopper', role: 'member' }), 'a 1.0.0 request is valid against 1.0.0');
    assert.not.ok(ajv.compile(manifest.versions[1]!.routes['POST /users']!.body!)({ name: 'Grace Hopper', role: 'member' }), 'and not against 2.0.0');

    // What the server will do: resolve the header, import the version change files, compose once.
    const resolved = resolveVersion('1', manifest.versions, { requireVersion: false });
    assert.ok(resolved.ok && resolved.version.semver === '1.0.0');
    const bundle = await build({ entryPoints: [join(dir, 'src/versions', VERSION_FILE)], bundle: true, write: false, format: 'esm', platform: 'node', alias: { gati: join(REPO, 'lib/runtime-shim/index.js') } });
    const out = join(dir, 'version-change.mjs');
    writeFileSync(out, bundle.outputFiles[0]!.text);
    const change = (await import(pathToFileURL(out).href)).default as VersionChange;
    const migrations = composeMigrations(manifest.versions.map((v, i) => ({ semver: v.semver, timestamp: v.timestamp, changes: i === 1 ? [change] : [] })));
    const post = migrations.get('POST /users', '1.0.0')!;
    const up = post.request!({ params: {}, query: {}, headers: {}, body: { name: 'Grace Brewster Hopper', role: 'member' } });
    assert.equal(up.body, { role: 'member', firstName: 'Grace', lastName: 'Brewster Hopper' });
    assert.equal(post.response!({ id: 'u1', firstName: 'Grace', lastName: 'Hopper', role: 'member' }, 201), { id: 'u1', role: 'member', name: 'Grace Hopper' });
    assert.ok(ajv.compile(manifest.versions[0]!.routes['POST /users']!.responses['201']!)(post.response!({ id: 'u1', firstName: 'G', lastName: 'H', role: 'admin' }, 201)), 'the migrated response matches 1.0.0');
    assert.is(migrations.get('GET /users/:id', '1.0.0')!.request, undefined);
    assert.is(migrations.get('POST /users', '2.0.0'), undefined, 'the newest version needs no migration');
    assert.is(migrations.get('GET /health', '1.0.0'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a version change file type-checks against the gati types (defineVersionChange, request, response)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-versioned-tsc-'));
  try {
    cpSync(fixture('versioned', 'v1'), dir, { recursive: true });
    cpSync(fixture('versioned', 'v2', 'src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src/versions/bad.ts'), `import { defineVersionChange } from 'gati';
export default defineVersionChange({ description: 'bad', routes: { 'GET /x': { request: (old) => old.body } } });
`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', types: [], paths: { gati: [join(REPO, 'runtime-shim/index.ts')] } },
      include: ['src'],
    }));
    const checked = tsc(dir);
    const errors = checked.stdout.trim().split('\n').filter((l) => / error TS/.test(l));
    assert.is(errors.length, 1, checked.stdout);
    assert.match(errors[0]!, /src\/versions\/bad\.ts\(2,\d+\): error TS2322/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("buildApp's versions mode: enforce (default), warn (for dev and watch), skip", async () => {
  const app = fixture('invalid', 'gati5001-breaking-change-without-migration');
  const enforced = await buildApp(app);
  assert.is(enforced.ok, false);
  assert.equal(enforced.diagnostics.map((d) => [d.code, d.severity]), [['GATI5001', 'error'], ['GATI5001', 'error']]);
  const warned = await buildApp(app, { versions: 'warn' });
  assert.is(warned.ok, true);
  assert.equal(warned.diagnostics.map((d) => [d.code, d.severity]), [['GATI5001', 'warning'], ['GATI5001', 'warning']]);
  assert.is(warned.versions!.plan.semver, '2.0.0');
  const skipped = await buildApp(app, { versions: 'skip' });
  assert.equal(skipped.diagnostics, []);
  assert.is(skipped.versions, undefined);
});

test('composeMigrations chains requests oldest first and responses newest first', () => {
  const log: string[] = [];
  const step = (name: string): VersionChange => ({
    description: name,
    routes: { 'POST /x': { request: (r) => (log.push(`up ${name}`), r), response: (b) => (log.push(`down ${name}`), b) } },
  });
  const m = composeMigrations([
    { semver: '1.0.0', timestamp: '2025-01-01T00:00:00Z', changes: [step('ignored')] },
    { semver: '2.0.0', timestamp: '2025-02-01T00:00:00Z', changes: [step('a')] },
    { semver: '3.0.0', timestamp: '2025-03-01T00:00:00Z', changes: [step('b1'), step('b2')] },
  ]);
  const v1 = m.get('POST /x', '1.0.0')!;
  v1.request!({ params: {}, query: {}, headers: {}, body: null });
  v1.response!(null, 200);
  assert.equal(log, ['up a', 'up b1', 'up b2', 'down b2', 'down b1', 'down a']);
  log.length = 0;
  m.get('POST /x', '2.0.0')!.request!({ params: {}, query: {}, headers: {}, body: null });
  assert.equal(log, ['up b1', 'up b2']);
  assert.is(m.size, 2);
});

test.run();
