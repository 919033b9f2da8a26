// `gati generate` writes the context types, the client and the SDK tarball (and nothing of the
// build's dist/); `gati build` writes them too, with dist/openapi.json. The SDK carries the
// semver of the API version the build releases (1.0.0 for the first); generate records no
// version, so its SDK is tentative (.gati/cache/sdk) until the build records it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, fixture } from './helpers/paths.js';

const gati = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('gati generate, then gati build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-generate-'));
  try {
    cpSync(fixture('payments'), dir, { recursive: true, filter: (src) => !/\/(dist|sdk|expected|\.gati)$/.test(src) });
    const g = gati(['generate', dir]);
    assert.is(g.status, 0, g.stderr);
    // No version is recorded yet: 1.0.0 is tentative, so its SDK waits in .gati/cache/sdk for `gati build`.
    for (const file of ['.gati/generated/context.ts', '.gati/generated/client.ts', '.gati/cache/sdk/payments-1.0.0.tgz']) {
      assert.ok(existsSync(join(dir, file)), file);
      assert.match(g.stdout, file);
    }
    assert.not.ok(existsSync(join(dir, 'dist')), 'generate does not build');
    assert.is(readFileSync(join(dir, '.gati/generated/context.ts'), 'utf8'), readFileSync(fixture('payments', 'expected/context.ts'), 'utf8'));
    const b = gati(['build', dir]);
    assert.is(b.status, 0, b.stderr);
    assert.match(b.stdout, 'dist/openapi.json');
    assert.match(b.stdout, 'sdk/payments-1.0.0.tgz');
    assert.ok(existsSync(join(dir, 'dist/openapi.json')));
    assert.ok(existsSync(join(dir, 'sdk/payments-1.0.0.tgz')), 'the recorded version\'s SDK');
    assert.not.ok(existsSync(join(dir, '.gati/cache/sdk/payments-1.0.0.tgz')), 'the tentative one is gone');
    assert.match(gati(['--help']).stdout, 'generate [dir]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
