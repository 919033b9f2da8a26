// What `gati build` leaves on disk, played out with the real CLI on a copy of fixtures/outputs:
// an unchanged app rebuilds to the same bytes everywhere (dist/, .gati/, sdk/, infra/), also right
// after a build that minted a version; reordering a type's properties mints nothing and leaves the
// schemas, OpenAPI and versions untouched; outputs the build no longer produces are removed (never
// the user's files); and the SDK of a version only `gati dev` has seen stays out of sdk/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copyFixture, gatiSync, removeDir } from './helpers/server.js';
import { RebuildLoop } from '../bin/commands/rebuild-loop.js';
import type { Terminal } from '../bin/terminal.js';
import { PLAIN } from '../compiler/diagnostics/format.js';

const OUTPUT_ROOTS = ['dist', '.gati', 'sdk', 'infra'];

/** path → sha256 of every file under the output folders. */
function outputs(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  for (const root of OUTPUT_ROOTS) walk(join(dir, root));
  return out;
}

function changedFiles(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

function build(dir: string): string {
  const r = gatiSync(['build', dir]);
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

const snapshots = (dir: string) => readdirSync(join(dir, '.gati/versions')).filter((n) => n.endsWith('.json')).sort();
const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  assert.is.not(next, text, `${file} was edited`);
  writeFileSync(path, next);
};
const THING = 'src/types/thing.ts';

test('an unchanged app rebuilds to the same bytes, also after a build that minted a version; @deprecated is a minor version and in OpenAPI', () => {
  const dir = copyFixture('outputs');
  try {
    assert.match(build(dir), 'version  1.0.0 (initial)');
    const first = outputs(dir);
    assert.ok([...first.keys()].some((k) => k.startsWith('infra/prod/')) && first.has('dist/versions.json') && first.has('sdk/outputs-1.0.0.tgz'), 'the fixture exercises infra, versions and the SDK');
    assert.match(build(dir), '0 files written');
    assert.equal(changedFiles(first, outputs(dir)), [], 'a second build changes no file');

    // @deprecated on a field: captured from JSDoc, a minor version, `deprecated` in OpenAPI.
    edit(dir, THING, '  /** Free text. */', '  /**\n   * Free text.\n   * @deprecated use color\n   */');
    assert.match(build(dir), 'version  1.1.0 (minor: 3 changes)');
    const snapshot = JSON.parse(readFileSync(join(dir, '.gati/versions', snapshots(dir)[1]!), 'utf8')) as { changes: { rule: string; path: string }[] };
    assert.equal([...new Set(snapshot.changes.map((c) => c.rule))], ['deprecated-added']);
    const openapi = JSON.parse(readFileSync(join(dir, 'dist/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { parameters?: { name: string; deprecated?: boolean }[] }>> };
    assert.equal(openapi.paths['/things']!.get!.parameters!.filter((p) => p.deprecated).map((p) => p.name), ['page'], 'a deprecated query parameter is `deprecated: true`');
    assert.match(readFileSync(join(dir, 'dist/openapi.json'), 'utf8'), /"deprecated": true,\s+"description": "Free text\."/);

    // The build after the one that minted 1.1.0 reads the snapshots back from disk: same bytes.
    const minted = outputs(dir);
    assert.match(build(dir), '0 files written');
    assert.equal(changedFiles(minted, outputs(dir)), [], 'dist/versions.json and the rest are stable after a version is minted');

    // Reordered properties: no version, and the wire artifacts keep their bytes.
    edit(dir, THING, '  name: string;\n  size: number;\n', '  size: number;\n  name: string;\n');
    const out = build(dir);
    assert.match(out, 'version  1.1.0 (API unchanged)');
    assert.is(snapshots(dir).length, 2, 'no new snapshot');
    const changed = changedFiles(minted, outputs(dir));
    // What follows the source's declaration order: the model (positions too), the typed client
    // and its SDK (fields as declared), the validators (errors listed in declaration order), the
    // serializers (a switch case per property, in declaration order; same output bytes), the
    // bundle of the edited source, and the image tag that hashes it. `gati build` also leaves the
    // new validators in `gati dev`'s emit cache (.gati/cache/emit/, keyed by their content), and its
    // analysis (the model, and the edited source's hash) in .gati/cache/analysis.json.
    const mayChange = [/^\.gati\/cache\/analysis\.json$/, /^\.gati\/model\.json$/, /^\.gati\/generated\/client\.ts$/, /^sdk\/outputs-1\.1\.0\.tgz$/, /^dist\/app\.mjs(\.map)?$/, /^dist\/validators\//, /^dist\/serializers\//, /^infra\/prod\//, /^\.gati\/cache\/outputs\.json$/, /^\.gati\/cache\/emit\/[^/]+\/validators\//];
    for (const file of changed) assert.ok(mayChange.some((p) => p.test(file)), `${file} changed after reordering properties`);
    for (const file of changed) assert.not.match(file, /^(dist\/schemas\/|dist\/openapi\.json|dist\/versions\.json|\.gati\/versions\/)/);
  } finally {
    removeDir(dir);
  }
});

test('outputs the build no longer produces are removed; the user\'s files and released SDKs stay', () => {
  const dir = copyFixture('outputs');
  try {
    build(dir);
    writeFileSync(join(dir, 'dist/notes.txt'), 'mine');
    writeFileSync(join(dir, 'infra/README.md'), 'mine');
    writeFileSync(join(dir, 'sdk/README.md'), 'mine');
    writeFileSync(join(dir, 'src/handlers/things/count.get.ts'), "import type { Handler } from 'gati';\n\nexport const handler: Handler<{ query: { min?: number } }, { count: number }> = async () => ({ count: 0 });\n");
    assert.match(build(dir), 'version  1.1.0 (minor');
    const withCount = outputs(dir);
    assert.ok(withCount.has('dist/schemas/get.things.count.json'));
    assert.ok([...withCount.keys()].some((k) => k.startsWith('dist/validators/get.things.count.')));

    rmSync(join(dir, 'src/handlers/things/count.get.ts'));
    mkdirSync(join(dir, 'src/versions'));
    writeFileSync(join(dir, 'src/versions/2026-12-01T00-00-00Z-drop-count.ts'), "import { defineVersionChange } from 'gati';\n\nexport default defineVersionChange({ description: 'GET /things/count is gone', routes: { 'GET /things/count': {} } });\n");
    assert.match(build(dir), 'version  2.0.0 (major');
    const after = outputs(dir);
    assert.not.ok(after.has('dist/schemas/get.things.count.json'), 'the removed route\'s schema is gone');
    assert.not.ok([...after.keys()].some((k) => k.startsWith('dist/validators/get.things.count.')), 'and its validator');
    assert.not.match(readFileSync(join(dir, 'dist/schemas/index.json'), 'utf8'), 'count');
    for (const file of ['dist/notes.txt', 'infra/README.md', 'sdk/README.md', 'sdk/outputs-1.0.0.tgz', 'sdk/outputs-1.1.0.tgz', 'sdk/outputs-2.0.0.tgz']) assert.ok(after.has(file), `${file} stays`);

    // A deploy environment removed from the config: its infra/<env>/ goes, the user's file stays.
    writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ name: 'outputs' }));
    build(dir);
    const noDeploy = outputs(dir);
    assert.not.ok([...noDeploy.keys()].some((k) => k.startsWith('infra/prod/')), 'infra/prod/ is gone');
    assert.not.ok(existsSync(join(dir, 'infra/prod')), 'with its folders');
    assert.ok(noDeploy.has('infra/README.md'));
  } finally {
    removeDir(dir);
  }
});

test('gati dev keeps the SDK of an unreleased version in .gati/cache/sdk until gati build records it', async () => {
  const dir = copyFixture('outputs');
  const term: Terminal = { style: PLAIN, info: () => {}, detail: () => {}, progress: () => {}, error: () => {}, data: () => {} };
  const tarballs = (folder: string) => (existsSync(join(dir, folder)) ? readdirSync(join(dir, folder)).filter((n) => n.endsWith('.tgz')).sort() : []);
  const loop = new RebuildLoop(dir, term);
  try {
    build(dir);
    edit(dir, THING, '  note?: string;\n', '  note?: string;\n  color?: string;\n');
    assert.ok((await loop.initial()).ok);
    assert.equal(tarballs('sdk'), ['outputs-1.0.0.tgz'], 'sdk/ holds released versions only');
    assert.equal(tarballs('.gati/cache/sdk'), ['outputs-1.1.0.tgz']);

    // Another tentative version replaces the first: tentative SDKs never pile up.
    edit(dir, THING, '  size: number;\n', '');
    assert.ok((await loop.rebuild([join(dir, THING)])).ok);
    assert.equal(tarballs('.gati/cache/sdk'), ['outputs-2.0.0.tgz']);
    assert.equal(tarballs('sdk'), ['outputs-1.0.0.tgz']);

    edit(dir, THING, '  name: string;\n', '  name: string;\n  size: number;\n');
    assert.match(build(dir), 'version  1.1.0 (minor');
    assert.equal(tarballs('sdk'), ['outputs-1.0.0.tgz', 'outputs-1.1.0.tgz']);
    assert.equal(tarballs('.gati/cache/sdk'), [], 'the recorded version\'s SDK moved to sdk/');
  } finally {
    await loop.dispose();
    removeDir(dir);
  }
});

test.run();
