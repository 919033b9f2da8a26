// The runtime shim loads npm packages only through requireDependency (runtime-shim/dependency.ts):
// a bare import would stay a bare import in dist/app.mjs, resolved beside the app, which breaks
// folder installs, `npm link` and pnpm (test/install-layouts.test.ts shows the real failure).
// Every package it names is one of Gati's dependencies, so the production image gets it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './helpers/paths.js';
import { RUNTIME_DEPENDENCIES } from '../runtime-shim/dependency.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('runtime-shim has no bare import of an npm package (type-only imports aside)', () => {
  const bare: string[] = [];
  for (const file of sources(join(REPO, 'runtime-shim'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|(?<!typeof )\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)|createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]/gm)) {
      const specifier = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
      if (!specifier.startsWith('.') && !specifier.startsWith('node:')) bare.push(`${relative(REPO, file)}: ${specifier}`);
    }
  }
  assert.equal(bare, []);
});

test("every runtime dependency is one of gati's dependencies", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(Object.keys(RUNTIME_DEPENDENCIES).filter((name) => !(name in pkg.dependencies)), []);
});

test.run();
