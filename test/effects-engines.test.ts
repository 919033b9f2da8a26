// The effects backend contract suite (effects-contract.test.ts), run again under Bun and Deno: there
// the SQLite backend opens its file with the engine's node:sqlite (better-sqlite3's addon does not
// load), the Redis backend's BullMQ and ioredis and the SQS backend's AWS SDK run on the engine's Node
// compatibility layer, as do the Pub/Sub, Firestore and Azure clients. The emulators (SQS, Pub/Sub and
// Firestore, azurite) run under Node, started here (Deno's permissions refuse spawning).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENGINES } from './helpers/server.js';
import { REPO } from './helpers/paths.js';
import { awsEmulators, inheritedAwsEmulators } from './helpers/aws-emulators.js';
import { inheritedPubsubEmulators, pubsubEmulators } from './helpers/pubsub-emulator.js';
import { azurite, inheritedAzurite } from './helpers/azurite.js';

test.before(async () => {
  await Promise.all([awsEmulators(), pubsubEmulators(), azurite()]);
});

const CONTRACT = join(REPO, 'lib/test/effects-contract.test.js');

for (const engine of ENGINES.filter((e) => e.name !== 'node')) {
  test(`[${engine.name}] the effects backend contract holds on SQLite, Redis, SQS, Pub/Sub and Azure Queue`, () => {
    const run = spawnSync(engine.executable, [...engine.args, CONTRACT], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...inheritedAwsEmulators(), ...inheritedPubsubEmulators(), ...inheritedAzurite(), NO_COLOR: '1' } });
    const code = run.status;
    const output = run.stdout + run.stderr;
    assert.is(code, 0, output);
    assert.match(output, /Passed:\s+(\d+)/);
    assert.not.match(output, /Passed:\s+0\b/);
  });
}

test.run();
