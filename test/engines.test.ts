// Build targets and `gati start`'s engines: `gati build --target` (or the config's `runtime`)
// records the engine in dist/runtime.json and shapes the Dockerfile; `gati start` serves on that
// engine (from Node it re-runs itself under the bun or deno executable of their npm packages);
// `--runtime` overrides; bad values and a missing engine are clear errors.
// (The serving, hostile-client and effects suites themselves run on every engine.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATI_BIN, builtFixtureCopy, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';

const listeningEngine = (server: { logs: Record<string, unknown>[] }) => server.logs.find((l) => l.msg === 'listening')?.engine;

test('gati build --target bun: dist/runtime.json, a Bun image, and gati start serves on Bun', async () => {
  const dir = copyFixture('serving');
  try {
    const built = gatiSync(['build', dir, '--target', 'bun']);
    assert.is(built.status, 0, built.stderr);
    assert.match(built.stdout, 'dist/server.mjs (bun)');
    assert.equal(JSON.parse(readFileSync(join(dir, 'dist/runtime.json'), 'utf8')), { runtime: 'bun' });
    const dockerfile = readFileSync(join(dir, 'dist/Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM oven\/bun:1\.4\.4-slim$/m);
    assert.match(dockerfile, 'ENTRYPOINT ["bun","dist/server.mjs"]');
    assert.match(dockerfile, 'CMD ["bun","-e",');
    const server = await runServer([GATI_BIN, 'start', '.'], dir);
    try {
      assert.is(listeningEngine(server), 'bun');
      const res = await fetch(`${server.url.replace('0.0.0.0', '127.0.0.1')}/items/3?tags=a`);
      assert.equal(await res.json(), { id: 3, expand: null, tags: ['a'], limit: 10, since: null });
    } finally {
      await server.stop('SIGTERM');
    }
  } finally {
    removeDir(dir);
  }
});

test("the config's runtime: 'deno' targets Deno; --runtime node overrides at start", async () => {
  const dir = copyFixture('serving');
  try {
    const config = join(dir, 'gati.config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace("name: 'serving',", "name: 'serving',\n  runtime: 'deno',"));
    assert.is(gatiSync(['build', dir]).status, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, 'dist/runtime.json'), 'utf8')), { runtime: 'deno' });
    const dockerfile = readFileSync(join(dir, 'dist/Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM denoland\/deno:debian-2\.9\.6$/m);
    assert.match(dockerfile, 'ENTRYPOINT ["deno","run","--allow-net"');
    assert.match(readFileSync(join(dir, 'dist/server.mjs'), 'utf8'), '`deno run --allow-net');
    for (const [args, engine] of [[[], 'deno'], [['--runtime', 'node'], 'node']] as const) {
      const server = await runServer([GATI_BIN, 'start', '.', ...args], dir);
      try {
        assert.is(listeningEngine(server), engine);
        assert.is((await fetch(`${server.url.replace('0.0.0.0', '127.0.0.1')}/_ready`)).status, 200);
      } finally {
        await server.stop('SIGTERM');
      }
    }
  } finally {
    removeDir(dir);
  }
});

test('a node build keeps the Node image; bad --target and --runtime values exit 2', async () => {
  const { dir, built } = builtFixtureCopy('serving');
  try {
    assert.is(built.status, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, 'dist/runtime.json'), 'utf8')), { runtime: 'node' });
    assert.match(readFileSync(join(dir, 'dist/Dockerfile'), 'utf8'), /^FROM node:20-slim$/m);
    const badTarget = gatiSync(['build', dir, '--target', 'rust']);
    assert.is(badTarget.status, 2);
    assert.match(badTarget.stderr, '--target must be node, bun, deno; got "rust"');
    const badRuntime = gatiSync(['start', dir, '--runtime', 'rust']);
    assert.is(badRuntime.status, 2);
    assert.match(badRuntime.stderr, '--runtime must be node, bun, deno; got "rust"');
    // A missing engine: test/install-layouts.test.ts (an app whose gati brings no bun either).
  } finally {
    removeDir(dir);
  }
});

test.run();
