// `gati start --runtime bun` serves the same build with the bun executable of the `bun` package;
// an unknown runtime is refused. (The serving suite itself runs on node and on bun.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';

test('gati start --runtime bun serves dist/server.mjs on Bun', async () => {
  const dir = copyFixture('serving');
  try {
    assert.is(gatiSync(['build', dir]).status, 0);
    const server = await runServer([GATI_BIN, 'start', '.', '--runtime', 'bun'], dir);
    try {
      const listening = server.logs.find((l) => l.msg === 'listening');
      assert.is(listening?.engine, 'bun');
      const res = await fetch(`${server.url.replace('0.0.0.0', '127.0.0.1')}/items/3?tags=a`);
      assert.equal(await res.json(), { id: 3, expand: null, tags: ['a'], limit: 10, since: null });
    } finally {
      await server.stop('SIGTERM');
    }
    const bad = gatiSync(['start', dir, '--runtime', 'deno']);
    assert.is(bad.status, 2);
    assert.match(bad.stderr, '--runtime must be node or bun');
  } finally {
    removeDir(dir);
  }
});

test.run();
