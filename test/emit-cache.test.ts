// The slow emitters' outputs kept on disk between runs of `gati dev` (driver/emit-cache.ts): a
// session with the cache emits the same bytes as one without, and a later session reads what the
// first one wrote instead of computing it (shown by planting a marker in the cached files).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BuildSession } from '../driver/build.js';
import { copyFixture, gatiSync, removeDir } from './helpers/server.js';

const OPTIONS = { infra: false, versions: 'warn', typecheck: 'deferred' } as const;

/** The files of the one stamp folder's `kind` subfolder, once the writes (off the thread) are done. */
async function cached(dir: string, kind: string): Promise<string[]> {
  const base = join(dir, '.gati/cache/emit');
  for (const t0 = Date.now(); Date.now() - t0 < 10_000; await new Promise((r) => setTimeout(r, 50))) {
    if (!existsSync(base)) continue;
    const stamps = readdirSync(base);
    assert.is(stamps.length, 1, 'one folder, for this Gati');
    const folder = join(base, stamps[0]!, kind);
    const files = existsSync(folder) ? readdirSync(folder) : [];
    if (files.length > 0 && !files.some((f) => f.endsWith('.tmp'))) return files.map((f) => join(folder, f));
  }
  throw new Error(`nothing cached in ${base}/*/${kind}`);
}

test('a session with the disk cache emits what one without does, and the next session reads the cache', async () => {
  const dir = copyFixture('serving');
  try {
    const first = await new BuildSession(dir, { ...OPTIONS, diskCache: true }).build();
    assert.ok(first.ok, JSON.stringify(first.diagnostics));
    const plain = await new BuildSession(dir, OPTIONS).build();
    const bytes = (r: typeof first) => new Map(r.artifacts.map((a) => [a.path, String(a.contents)]));
    assert.equal(bytes(first), bytes(plain), 'the same artifacts, byte for byte');

    const [layout] = await cached(dir, 'layout');
    const laid = JSON.parse(readFileSync(layout!, 'utf8')) as { layout: { width: number } };
    laid.layout.width = 12345;
    writeFileSync(layout!, JSON.stringify(laid));
    const validators = await cached(dir, 'validators');
    assert.is(validators.length, first.artifacts.filter((a) => /^dist\/validators\/.+\.\w{10}\.mjs$/.test(a.path)).length, 'one cached module per validator module');
    for (const file of validators) writeFileSync(file, `${readFileSync(file, 'utf8')}// read from the cache\n`);

    // The next run is another process (this one holds the last layout in memory).
    const script = `const { BuildSession } = await import(${JSON.stringify(new URL('../driver/build.js', import.meta.url).href)});
const r = await new BuildSession(process.argv[1], { ...${JSON.stringify(OPTIONS)}, diskCache: true }).build();
const app = JSON.parse(String(r.artifacts.find((a) => a.path === 'dist/control/app.json').contents));
const modules = r.artifacts.filter((a) => /^dist\\/validators\\/.+\\.\\w{10}\\.mjs$/.test(a.path));
console.log(JSON.stringify({ width: app.topology.layout.width, modules: modules.length, marked: modules.filter((a) => String(a.contents).endsWith('// read from the cache\\n')).length }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    const next = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { width: number; modules: number; marked: number };
    assert.is(next.width, 12345, 'the layout came from the cache');
    assert.ok(next.modules > 0);
    assert.is(next.marked, next.modules, 'the validators came from the cache');
  } finally {
    removeDir(dir);
  }
});

test('gati build writes the cache without reading it, and a dev session after it reads what the build computed', async () => {
  const dir = copyFixture('serving');
  try {
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stdout + built.stderr);
    const validators = await cached(dir, 'validators');
    assert.is(validators.length, readdirSync(join(dir, 'dist/validators')).filter((f) => /\.\w{10}\.mjs$/.test(f)).length, 'one cached module per validator module the build wrote');
    assert.is((await cached(dir, 'layout')).length, 1, 'the layout too');
    for (const file of validators) writeFileSync(file, `${readFileSync(file, 'utf8')}// read from the cache\n`);
    const marked = (r: { artifacts: { path: string; contents: string | Uint8Array }[] }) => r.artifacts.filter((a) => /^dist\/validators\/.+\.\w{10}\.mjs$/.test(a.path) && String(a.contents).endsWith('// read from the cache\n')).length;
    const again = await new BuildSession(dir, { ...OPTIONS, diskCache: 'write' }).build();
    assert.is(marked(again), 0, 'a build does not read the cache');
    const dev = await new BuildSession(dir, { ...OPTIONS, diskCache: true }).build();
    assert.is(marked(dev), validators.length, 'a dev session reads what the build left');
  } finally {
    removeDir(dir);
  }
});

test.run();
