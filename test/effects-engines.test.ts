// The effects backend contract suite (effects-contract.test.ts), run again under Bun and Deno: there
// the SQLite backend opens its file with the engine's node:sqlite (better-sqlite3's addon does not
// load), and the Redis backend's BullMQ and ioredis run on the engine's Node compatibility layer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENGINES } from './helpers/server.js';
import { REPO } from './helpers/paths.js';

const CONTRACT = join(REPO, 'lib/test/effects-contract.test.js');

for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
  test(`[${engine.name}] the effects backend contract holds on SQLite and Redis`, () => {
    const run = spawnSync(engine.executable, [...engine.args, CONTRACT], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const code = run.status;
    const output = run.stdout + run.stderr;
    assert.is(code, 0, output);
    assert.match(output, /Passed:\s+(\d+)/);
    assert.not.match(output, /Passed:\s+0\b/);
  });
}

test.run();
