// Snapshot writing (compiler/versions/store.ts): first version, no change → no file, strictly
// increasing timestamps, semver below 1.0, the lock file (stale and live), and concurrent builds
// in real child processes minting one version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordVersion, readSnapshots } from '../compiler/versions/store.js';
import { planVersion } from '../compiler/versions/plan.js';
import { SNAPSHOT_FILE_PATTERN, nextTimestamp, snapshotFileName, type Snapshot } from '../compiler/versions/snapshot.js';
import { surfaceHash, type ApiSurface } from '../compiler/versions/surface.js';
import { bumpSemver } from '../compiler/versions/semver.js';
import { REPO, fixture } from './helpers/paths.js';

const routeOf = (fields: string[]) => ({
  method: 'POST', path: '/x', input: { body: { kind: 'object' as const, properties: fields.map((name) => ({ name, type: { kind: 'string' as const }, optional: false, readonly: false })) } }, output: { 200: { kind: 'void' as const } },
});
const surfaceWith = (fields: string[], extraRoutes: string[] = []): ApiSurface => ({
  routes: { 'POST /x': routeOf(fields), ...Object.fromEntries(extraRoutes.map((k) => [k, { method: 'GET', path: k.slice(4), input: {}, output: { 200: { kind: 'void' as const } } }])) },
  types: {},
});
const tempApp = () => mkdtempSync(join(tmpdir(), 'gati-versions-'));
const snapshotFiles = (root: string) => (existsSync(join(root, '.gati/versions')) ? readdirSync(join(root, '.gati/versions')).filter((n) => SNAPSHOT_FILE_PATTERN.test(n)).sort() : []);
const at = (iso: string) => ({ now: () => new Date(iso) });

test('file names sort like timestamps and have no colon', () => {
  assert.is(snapshotFileName('2026-11-26T11:30:00Z'), '2026-11-26T11-30-00Z.json');
  assert.ok(SNAPSHOT_FILE_PATTERN.test('2026-11-26T11-30-00Z.json'));
  assert.is(nextTimestamp(new Date('2026-11-26T11:30:00.900Z'), undefined), '2026-11-26T11:30:00Z');
  assert.is(nextTimestamp(new Date('2026-11-26T11:30:00Z'), '2026-11-26T11:30:00Z'), '2026-11-26T11:30:01Z', 'strictly after the newest');
  assert.is(nextTimestamp(new Date('2020-01-01T00:00:00Z'), '2026-11-26T11:30:00Z'), '2026-11-26T11:30:01Z', 'a clock behind the newest snapshot');
});

test('a snapshot whose bytes differ but whose wire contract is the same (properties reordered, an older hash) mints no version', () => {
  const root = tempApp();
  try {
    // A snapshot written before surfaces were canonical: properties in declaration order, hashed that way.
    const old = recordVersion(root, { surface: surfaceWith(['b', 'a']), versionChanges: [] }, at('2026-11-26T11:30:00Z'));
    assert.ok(old.written);
    const reordered = recordVersion(root, { surface: surfaceWith(['a', 'b']), versionChanges: [] }, at('2026-11-26T12:00:00Z'));
    assert.is(reordered.written, undefined, 'no new snapshot');
    assert.is(reordered.plan.changed, false);
    assert.is(reordered.plan.semver, '1.0.0');
    assert.is(snapshotFiles(root).length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('semver arithmetic, including below 1.0 (breaking → minor, else patch)', () => {
  assert.is(bumpSemver('1.4.2', 'major'), '2.0.0');
  assert.is(bumpSemver('1.4.2', 'minor'), '1.5.0');
  assert.is(bumpSemver('1.4.2', 'patch'), '1.4.3');
  assert.is(bumpSemver('0.3.1', 'major'), '0.4.0');
  assert.is(bumpSemver('0.3.1', 'minor'), '0.3.2');
  assert.is(bumpSemver('0.3.1', 'patch'), '0.3.2');
});

test('first build writes 1.0.0; no change writes nothing; a change writes the next version', () => {
  const root = tempApp();
  try {
    const first = recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [] }, at('2026-11-26T11:30:00Z'));
    assert.is(first.written, '.gati/versions/2026-11-26T11-30-00Z.json');
    const snap = JSON.parse(readFileSync(join(root, first.written!), 'utf8')) as Snapshot;
    assert.is(snap.semver, '1.0.0');
    assert.is(snap.timestamp, '2026-11-26T11:30:00Z');
    assert.is(snap.bump, 'initial');
    assert.is(snap.hash, surfaceHash(surfaceWith(['a'])));
    assert.equal(snap.surface, surfaceWith(['a']));
    assert.equal(snap.changes, []);

    const same = recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [] }, at('2026-11-26T12:00:00Z'));
    assert.is(same.written, undefined);
    assert.is(same.plan.semver, '1.0.0');
    assert.is(snapshotFiles(root).length, 1, 'no change, no file');

    // Same second as the first snapshot: the timestamp still moves forward.
    const added = recordVersion(root, { surface: surfaceWith(['a'], ['GET /b']), versionChanges: [] }, at('2026-11-26T11:30:00Z'));
    assert.is(added.written, '.gati/versions/2026-11-26T11-30-01Z.json');
    const s2 = JSON.parse(readFileSync(join(root, added.written!), 'utf8')) as Snapshot;
    assert.is(s2.semver, '1.1.0');
    assert.is(s2.bump, 'minor');
    assert.equal(s2.previous, { semver: '1.0.0', timestamp: '2026-11-26T11:30:00Z' });
    assert.equal(s2.changes.map((c) => c.rule), ['route-added']);
    assert.is(readSnapshots(root).snapshots.length, 2);
    assert.not.ok(existsSync(join(root, '.gati/versions/.lock')), 'lock released');
    assert.equal(readdirSync(join(root, '.gati/versions')).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a breaking change is written only when the newest pending version change covers it; initialVersion 0.x', () => {
  const root = tempApp();
  try {
    recordVersion(root, { surface: surfaceWith(['a', 'b']), versionChanges: [], initialVersion: '0.1.0' }, at('2026-01-01T00:00:00Z'));
    const uncovered = recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [], initialVersion: '0.1.0' }, at('2026-01-02T00:00:00Z'));
    assert.is(uncovered.written, undefined);
    assert.equal(uncovered.plan.diagnostics.map((d) => d.code), ['GATI5001']);
    assert.match(uncovered.plan.diagnostics[0]!.notes[0]!.message, 'body.b [input] field-removed (major): string → (none)');
    const change = { file: 'src/versions/2026-01-02-drop-b.ts', description: 'drop b', routes: { 'POST /x': { request: true, response: false } }, spans: {} };
    const responseOnly = { ...change, routes: { 'POST /x': { request: false, response: true } } };
    assert.match(planVersion({ snapshots: readSnapshots(root).snapshots, surface: surfaceWith(['a']), versionChanges: [responseOnly] }).diagnostics[0]!.message, 'no request migration');
    const covered = recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [change] }, at('2026-01-02T00:00:00Z'));
    assert.ok(covered.written);
    const s = JSON.parse(readFileSync(join(root, covered.written!), 'utf8')) as Snapshot;
    assert.is(s.semver, '0.2.0', 'breaking below 1.0 bumps the minor');
    assert.equal(s.versionChanges, [{ file: change.file, description: 'drop b' }]);
    // The bound file no longer counts as pending: the next breaking change needs a new one.
    const next = planVersion({ snapshots: readSnapshots(root).snapshots, surface: surfaceWith([]), versionChanges: [change] });
    assert.equal(next.diagnostics.map((d) => d.code), ['GATI5001']);
    // A route key that no version has is a typo that would never run: GATI5002 at the key.
    const typo = { file: 'src/versions/2026-01-03-typo.ts', description: 'typo', routes: { 'POST /X': { request: true, response: false } }, spans: { 'POST /X': { file: 'src/versions/2026-01-03-typo.ts', line: 5, column: 5, length: 9 } } };
    const typoPlan = planVersion({ snapshots: readSnapshots(root).snapshots, surface: surfaceWith([]), versionChanges: [change, typo] });
    assert.equal(typoPlan.diagnostics.map((d) => [d.code, d.message, d.span?.line]), [
      ['GATI5002', "'POST /X' is not a route of the previous version nor of this one (did you mean 'POST /x'?)", 5],
      ['GATI5001', "breaking change to 'POST /x' for clients of 0.2.0: src/versions/2026-01-03-typo.ts has no migration for it", undefined],
    ]);
    const patch = recordVersion(root, { surface: surfaceWith(['a'], ['GET /new']), versionChanges: [change] }, at('2026-01-03T00:00:00Z'));
    assert.is(patch.plan.semver, '0.2.1', 'an addition below 1.0 bumps the patch');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a stale lock (dead owner, or too old) is taken over; a live one makes the build wait, then fail', () => {
  const root = tempApp();
  try {
    mkdirSync(join(root, '.gati/versions'), { recursive: true });
    const lock = join(root, '.gati/versions/.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), at: new Date().toISOString() }));
    assert.ok(recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [] }, { timeoutMs: 2000 }).written, 'dead owner');
    assert.not.ok(existsSync(lock));

    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    const started = Date.now();
    assert.throws(() => recordVersion(root, { surface: surfaceWith(['a', 'b']), versionChanges: [] }, { timeoutMs: 300 }), /another gati build holds/);
    assert.ok(Date.now() - started >= 300, 'waited for the owner');
    assert.is(snapshotFiles(root).length, 1, 'nothing written without the lock');

    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'another-host', at: '2020-01-01T00:00:00Z' }));
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    assert.ok(recordVersion(root, { surface: surfaceWith(['a'], ['GET /c']), versionChanges: [] }, { timeoutMs: 2000 }).written, 'too old');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Runs `count` child processes that record `surfaces[i]` at the same instant; resolves with their outputs. */
function raceChildren(root: string, surfaces: ApiSurface[]): Promise<{ code: number | null; out: string }[]> {
  const script = join(root, 'child.mjs');
  writeFileSync(script, `
    const { recordVersion } = await import(${JSON.stringify(join(REPO, 'lib/compiler/versions/store.js'))});
    const [root, surfaceFile, startAt] = process.argv.slice(2);
    const surface = JSON.parse((await import('node:fs')).readFileSync(surfaceFile, 'utf8'));
    while (Date.now() < Number(startAt)) {}
    const r = recordVersion(root, { surface, versionChanges: [] });
    process.stdout.write(JSON.stringify({ written: r.written ?? null, semver: r.plan.semver }));
  `);
  const startAt = Date.now() + 1500;
  return Promise.all(surfaces.map((surface, i) => {
    const file = join(root, `surface-${i}.json`);
    writeFileSync(file, JSON.stringify(surface));
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [script, root, file, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
  }));
}

test('concurrent builds of one surface in child processes mint exactly one version', async () => {
  const root = tempApp();
  try {
    const results = await raceChildren(root, Array.from({ length: 6 }, () => surfaceWith(['a'])));
    assert.ok(results.every((r) => r.code === 0), JSON.stringify(results));
    const outs = results.map((r) => JSON.parse(r.out) as { written: string | null; semver: string });
    assert.is(outs.filter((o) => o.written).length, 1, JSON.stringify(outs));
    assert.ok(outs.every((o) => o.semver === '1.0.0'));
    assert.is(snapshotFiles(root).length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('concurrent builds of two different surfaces: two versions, each diffed against the one before it', async () => {
  const root = tempApp();
  try {
    recordVersion(root, { surface: surfaceWith(['a']), versionChanges: [] }, at('2026-01-01T00:00:00Z'));
    // Either order must work: each surface adds GET /b, and they differ from each other only by a
    // description (a patch both ways), so whichever runs second is diffed against the first's snapshot.
    const described = surfaceWith(['a'], ['GET /b']);
    described.routes['POST /x']!.input.body!.description = 'the x body';
    const results = await raceChildren(root, [surfaceWith(['a'], ['GET /b']), described]);
    assert.ok(results.every((r) => r.code === 0), JSON.stringify(results));
    const snapshots = readSnapshots(root).snapshots;
    assert.is(snapshots.length, 3);
    assert.equal(snapshots.map((s) => s.semver), ['1.0.0', '1.1.0', '1.1.1']);
    assert.equal(snapshots[2]!.changes.map((c) => c.rule), ['annotation-changed']);
    assert.ok(snapshots[1]!.timestamp < snapshots[2]!.timestamp);
    assert.equal(snapshots[2]!.previous, { semver: '1.1.0', timestamp: snapshots[1]!.timestamp });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('two real `gati build` processes at once on one app write one snapshot', async () => {
  const root = tempApp();
  try {
    cpSync(fixture('versioned', 'v1'), root, { recursive: true });
    const run = () => new Promise<number | null>((resolve) => {
      spawn(process.execPath, [join(REPO, 'bin/gati.mjs'), 'build', root, '--silent'], { stdio: 'ignore' }).on('close', resolve);
    });
    const codes = await Promise.all([run(), run()]);
    assert.equal(codes, [0, 0]);
    assert.is(snapshotFiles(root).length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
