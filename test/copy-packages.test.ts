// gati runtime-deps' copier on a tree with two versions of one package: each copy must resolve,
// with Node's own resolution, to the version its dependent resolved to before copying. The
// packages are real folders with real code; the check is require() from the copied tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageCopier } from '../bin/image/copy-packages.js';
import { removeDir } from './helpers/server.js';

function writePackage(dir: string, name: string, version: string, dependencies: Record<string, string> = {}, code = `module.exports = ${JSON.stringify(`${name}@${version}`)};`): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js', dependencies }));
  writeFileSync(join(dir, 'index.js'), code);
}

test('two versions of a package: the first at the top, the other nested under its dependent; unused packages stay behind', () => {
  const root = mkdtempSync(join(tmpdir(), 'gati-copy-'));
  try {
    const app = join(root, 'app');
    const modules = join(app, 'node_modules');
    writePackage(app, 'app', '1.0.0', { a: '1', b: '1' });
    writePackage(join(modules, 'a'), 'a', '1.0.0', { c: '1' }, "module.exports = 'a uses ' + require('c');");
    writePackage(join(modules, 'b'), 'b', '1.0.0', { c: '2' }, "module.exports = 'b uses ' + require('c');");
    writePackage(join(modules, 'c'), 'c', '1.0.0');
    writePackage(join(modules, 'b', 'node_modules', 'c'), 'c', '2.0.0');
    writePackage(join(modules, 'unused'), 'unused', '1.0.0');
    const out = join(root, 'out');
    const copier = new PackageCopier(out);
    copier.addAll(['a', 'b'], app);
    assert.equal(readdirSync(join(out, 'node_modules')).sort(), ['a', 'b', 'c']);
    const load = createRequire(join(out, 'index.js'));
    assert.is(load('a'), 'a uses c@1.0.0');
    assert.is(load('b'), 'b uses c@2.0.0');
    assert.is(copier.files, 8);
  } finally {
    removeDir(root);
  }
});

test("a native addon's package: its JavaScript and .node files, not its sources or build intermediates", () => {
  const root = mkdtempSync(join(tmpdir(), 'gati-copy-native-'));
  try {
    const pkg = join(root, 'app', 'node_modules', 'addon');
    writePackage(pkg, 'addon', '1.0.0');
    for (const file of ['binding.gyp', 'src/addon.cpp', 'deps/sqlite3/sqlite3.c', 'build/Release/addon.node', 'build/Release/obj.target/addon.o', 'build/Makefile', 'lib/util.js']) {
      mkdirSync(join(pkg, file, '..'), { recursive: true });
      writeFileSync(join(pkg, file), 'x');
    }
    const out = join(root, 'out');
    new PackageCopier(out).addAll(['addon'], join(root, 'app'));
    const copied: string[] = [];
    const walk = (dir: string, rel = ''): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) (e.isDirectory() ? walk(join(dir, e.name), `${rel}${e.name}/`) : copied.push(`${rel}${e.name}`));
    };
    walk(join(out, 'node_modules', 'addon'));
    assert.equal(copied.sort(), ['build/Release/addon.node', 'index.js', 'lib/util.js', 'package.json']);
  } finally {
    removeDir(root);
  }
});

test.run();
