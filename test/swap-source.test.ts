// The sources `gati modules swap --to` takes, told apart by their form (runtime-shim/modules/swap-source.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSwapSource } from '../runtime-shim/modules/swap-source.js';
import { removeDir } from './helpers/server.js';

const root = mkdtempSync(join(tmpdir(), 'gati-swap-source-'));
writeFileSync(join(root, 'package.json'), '{"name":"app"}');
writeFileSync(join(root, 'v2.mjs'), 'export async function f() {}');
mkdirSync(join(root, 'node_modules/geo-lookup'), { recursive: true });
writeFileSync(join(root, 'node_modules/geo-lookup/package.json'), '{"name":"geo-lookup","main":"index.js"}');
writeFileSync(join(root, 'node_modules/geo-lookup/index.js'), 'exports.f = async () => 1;');
test.after(() => removeDir(root));

test('URLs, commands (command:… or a JSON array), module files and npm packages', () => {
  assert.equal(parseSwapSource('http://ranker:8080/v1/', root), { kind: 'http', url: 'http://ranker:8080/v1' });
  assert.equal(parseSwapSource('command:python3  server.py v2', root), { kind: 'process', command: ['python3', 'server.py', 'v2'] });
  assert.equal(parseSwapSource('["python3", "my server.py"]', root), { kind: 'process', command: ['python3', 'my server.py'] });
  assert.equal(parseSwapSource('./v2.mjs', root), { kind: 'worker', url: pathToFileURL(join(root, 'v2.mjs')).href, source: join(root, 'v2.mjs') });
  assert.equal(parseSwapSource('npm:geo-lookup', root), { kind: 'worker', url: pathToFileURL(join(root, 'node_modules/geo-lookup/index.js')).href, source: 'npm:geo-lookup' });
  assert.equal(parseSwapSource('geo-lookup', root), parseSwapSource('npm:geo-lookup', root));
});

test('what cannot be a source says why', () => {
  assert.equal(parseSwapSource('', root), { error: 'the source is empty' });
  assert.equal(parseSwapSource('command:', root), { error: 'command: names no program' });
  assert.equal(parseSwapSource('[1, 2]', root), { error: 'a command given as JSON must be a non-empty array of strings' });
  assert.equal(parseSwapSource('./missing.mjs', root), { error: `${join(root, 'missing.mjs')} does not exist` });
  assert.equal(parseSwapSource('npm:not-installed', root), { error: `the package not-installed is not installed in ${root} (npm install it first)` });
  assert.match(String((parseSwapSource('Not A Name!', root) as { error: string }).error), 'is neither a URL, a command');
});

test.run();
