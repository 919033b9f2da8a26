// The layers, held by a test: bin → driver → compiler / emitters → model, and a runtime that
// depends on nothing above it and has no import circle. A new arrow the wrong way fails here,
// naming the file and the import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { dirname, join, normalize, relative } from 'node:path';
import { REPO } from './helpers/paths.js';
import { circles, forbiddenEdges, importGraph } from './helpers/import-graph.js';

const FOLDERS = ['bin', 'driver', 'compiler', 'emitters', 'model', 'runtime-shim', 'playground'].filter((folder) => existsSync(join(REPO, folder)));
const graph = importGraph(REPO, FOLDERS);

test('the graph is read (the test would pass on an empty one)', () => {
  assert.ok(graph.size > 100, `only ${graph.size} files read`);
  assert.ok((graph.get('compiler/analyze/analyzer.ts') ?? []).includes('model/app-model.ts'));
});

test('model/ imports nothing outside model/', () => {
  assert.equal(forbiddenEdges(graph, 'model', ['model']), []);
});

test('runtime-shim/ imports nothing outside runtime-shim/ (it is bundled into every app)', () => {
  assert.equal(forbiddenEdges(graph, 'runtime-shim', ['runtime-shim']), []);
});

test('nothing below bin/ imports bin/', () => {
  const below = FOLDERS.filter((folder) => folder !== 'bin');
  assert.equal(below.flatMap((folder) => forbiddenEdges(graph, folder, FOLDERS.filter((f) => f !== 'bin'))), []);
});

test('compiler/ imports nothing from emitters/, driver/ or bin/ (the driver joins them)', () => {
  assert.equal(forbiddenEdges(graph, 'compiler', ['compiler', 'model', 'runtime-shim']), []);
});

test('compiler/analyze has no import circle (a rule file takes what it needs, not the caller\'s context)', () => {
  assert.equal(circles(graph, 'compiler/analyze'), []);
});

test('compiler/config has no import circle (the checks share locate-key.ts, not validate-config.ts)', () => {
  assert.equal(circles(graph, 'compiler/config'), []);
});

test('runtime-shim/ has no import circle', () => assert.equal(circles(graph, 'runtime-shim'), []));

test('runtime-shim/server/wire.ts is a leaf (the shapes and constants everyone shares import nothing)', () => {
  assert.equal(graph.get('runtime-shim/server/wire.ts'), []);
});

test('emitters/ import nothing from compiler/, driver/ or bin/: each is a function of the model', () => {
  assert.equal(forbiddenEdges(graph, 'emitters', ['emitters', 'model', 'runtime-shim']), []);
});

test('playground/ imports only playground/ and model/ (the control panel bundles it for the browser)', () => {
  assert.equal(forbiddenEdges(graph, 'playground', ['playground', 'model']), []);
});

test('playground/ uses no Node built-in outside playground/node/ (what only the CLI runs)', () => {
  const nodeImports = [...graph.keys()]
    .filter((file) => file.startsWith('playground/') && !file.startsWith('playground/node/'))
    // TypeScript's own reading of the imports (a `from 'node:test'` inside a template string is not one).
    .filter((file) => ts.preProcessFile(readFileSync(join(REPO, file), 'utf8'), true, true).importedFiles.some((imported) => imported.fileName.startsWith('node:')));
  assert.equal(nodeImports, []);
});

test('driver/ imports nothing from bin/', () => {
  assert.equal(forbiddenEdges(graph, 'driver', ['driver', 'compiler', 'emitters', 'model', 'runtime-shim']), []);
});

test('the driver exists and joins the compiler to the emitters', () => {
  const edges = graph.get('driver/build.ts') ?? [];
  assert.ok(edges.some((target) => target.startsWith('compiler/')), `driver/build.ts imports: ${edges.join(', ')}`);
  assert.ok((graph.get('driver/emit.ts') ?? []).includes('emitters/index.ts'));
});

for (const folder of ['model', 'driver', 'emitters']) {
  test(`${folder}/ has no import circle`, () => {
    assert.equal(circles(graph, folder), []);
  });
}

// The panel's single-page app runs in the browser: it shares only the API's JSON types with the runtime.
const UI_IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^'";]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
/** The runtime's JSON types the UI may import (types only). */
const UI_TYPES = new Set(['runtime-shim/control/api-types', 'runtime-shim/control/playground/playground-types']);
const uiFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? uiFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : []));

test('control-ui/ imports only control-ui/, npm packages, the types of the panel\'s API, and (its playground page) the playground engine', () => {
  const files = uiFiles(join(REPO, 'control-ui'));
  assert.ok(files.length > 10, `only ${files.length} files read`);
  const wrong: string[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(UI_IMPORT)) {
      const target = (m[3] ?? m[4] ?? m[5])!;
      if (!target.startsWith('.')) continue;
      const to = relative(REPO, normalize(join(dirname(file), target))).split('\\').join('/');
      const typeOnly = m[1] === 'import' && m[2] !== undefined;
      if (to.startsWith('control-ui/') || (typeOnly && UI_TYPES.has(to.replace(/\.js$/, '')))) continue;
      // The playground page runs the engine (playground/, free of Node built-ins) in the browser.
      if (relative(REPO, file).startsWith('control-ui/playground/') && to.replace(/\.js$/, '') === 'playground/index') continue;
      wrong.push(`${relative(REPO, file)} → ${to}${typeOnly ? ' (type)' : ''}`);
    }
  }
  assert.equal(wrong, []);
});

test.run();
