// `gati dev` makes each build's instance of a gati module from a factory (driver/dev-module-factory.ts):
// esbuild's real output of a module turned into a function each call of which runs the module's
// body again. Checked here on esbuild's output: instances do not share state, imports are shared,
// the exports are live, a stack trace still points at the TypeScript line, and a shape the rewrite
// does not know is refused (the caller then imports the module afresh).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { moduleFactorySource } from '../driver/dev-module-factory.js';

interface Counter { init(): Promise<void>; hit(): number; count: number; shared: object; fail(): never; started: boolean }

/** esbuild's output for `files[entry]` as gati dev emits a module (ESM, its imports kept out, an inline map). */
async function emitted(dir: string, files: Record<string, string>, entry: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = await build({ entryPoints: [join(dir, entry)], bundle: true, format: 'esm', platform: 'node', write: false, sourcemap: 'inline', sourcesContent: false, keepNames: true, external: ['./*'], outdir: dir, outExtension: { '.js': '.out.mjs' } });
  return result.outputFiles[0]!.text;
}

test('each call of the factory is a new instance of the module, on imports loaded once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-factory-'));
  try {
    writeFileSync(join(dir, 'shared.mjs'), 'export const shared = {};\n');
    const code = await emitted(dir, {
      'counter.ts': [
        "import { shared } from './shared.mjs';",
        'let count = 0;',
        'let started = false;',
        'export async function init(): Promise<void> { started = true; }',
        'export function hit(): number { return ++count; }',
        'export function fail(): never {',
        "  throw new Error('failed here');",
        '}',
        'await Promise.resolve();',
        'export { count, shared, started };',
        '',
      ].join('\n'),
    }, 'counter.ts');
    const source = moduleFactorySource(code);
    assert.ok(source, 'the rewrite takes esbuild output');
    writeFileSync(join(dir, 'counter.factory.mjs'), source!);
    process.setSourceMapsEnabled(true);
    const create = ((await import(pathToFileURL(join(dir, 'counter.factory.mjs')).href)) as { default: () => Promise<Counter> }).default;
    const a = await create();
    const b = await create();
    assert.equal(Object.keys(a).sort(), ['count', 'fail', 'hit', 'init', 'shared', 'started']);
    a.hit();
    a.hit();
    assert.is(a.count, 2, 'the exports are live');
    assert.is(b.count, 0, 'another instance has its own state');
    await a.init();
    assert.is(a.started, true);
    assert.is(b.started, false);
    assert.is(a.shared, b.shared, 'imports are loaded once, shared by the instances');
    assert.is.not(a.hit, b.hit, "each instance has its own functions");
    let stack = '';
    try {
      a.fail();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    assert.match(stack, /counter\.ts:7:\d+/, `the stack points at the TypeScript line:\n${stack}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module that re-exports another is refused (gati dev imports it afresh instead)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-factory-'));
  try {
    writeFileSync(join(dir, 'other.mjs'), 'export const x = 1;\n');
    const code = await emitted(dir, { 'again.ts': "export * from './other.mjs';\nexport const y = 2;\n" }, 'again.ts');
    assert.match(code, /export \* from/);
    assert.is(moduleFactorySource(code), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
