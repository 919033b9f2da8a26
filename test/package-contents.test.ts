// What `npm pack` puts in the gati package: what users run and read (the CLI, the compiled lib/
// with its types, templates/ for `gati init`, docs/), never the tests, fixtures, benchmarks or the
// load-test examples; and
// nothing that package.json names is missing from it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './helpers/paths.js';
import { packedFiles } from './helpers/install.js';

interface Manifest {
  files: string[];
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;
const packed = packedFiles();

test('no tests, fixtures, benchmarks or examples in the package', () => {
  // templates/ is what `gati init` writes, the new app's own test included: not a test of Gati.
  const unwanted = packed.filter((file) => !file.startsWith('templates/') && (/(^|\/)(test|tests|fixtures|bench|examples)\//.test(file) || /\.test\.(js|d\.ts|js\.map)$/.test(file)));
  assert.equal(unwanted, []);
});

test('every path in "files" exists in the repository (lib/ once built)', () => {
  const missing = manifest.files.filter((entry) => !entry.startsWith('!') && !existsSync(join(REPO, entry)));
  assert.equal(missing, []);
});

test('the bin and every export target are in the package', () => {
  const targets = [...Object.values(manifest.bin), ...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
  const absent = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !packed.includes(t));
  assert.equal(absent, []);
});

test('the control panel\'s prebuilt app is in the package (lib/control-ui)', () => {
  const ui = ['lib/control-ui/index.html', 'lib/control-ui/assets/app.js', 'lib/control-ui/assets/app.css'];
  assert.equal(ui.filter((file) => !packed.includes(file)), []);
});

test.run();
