// gati effects [dir] | dead [dir] | retry <id> [dir], as a user runs them: a real process against an
// app folder whose config picks the backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBackend } from '../runtime-shim/effects/index.js';
import type { EffectsConfig } from '../runtime-shim/config.js';
import { redisStore, sqliteStore, type Store } from './helpers/effects.js';
import { REPO } from './helpers/paths.js';
import { awsEmulators, sqsStore } from './helpers/aws-emulators.js';
import { pubsubEmulators, pubsubStore } from './helpers/pubsub-emulator.js';
import { azurite, azureStore } from './helpers/azurite.js';

const gati = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

async function seed(store: Store): Promise<string> {
  writeFileSync(join(store.root, 'package.json'), JSON.stringify({ name: 'shop', private: true }));
  writeFileSync(join(store.root, 'gati.config.json'), JSON.stringify({ effects: store.config satisfies EffectsConfig }));
  const b = await openBackend(store.config, store.root);
  try {
    const { id } = await b.enqueue({ name: 'mail', payload: { to: 'x@y.z' }, maxAttempts: 1 });
    await b.enqueue({ name: 'mail', payload: { to: 'q@y.z' }, maxAttempts: 1, delayMs: 60_000 });
    await b.enqueue({ name: 'sms', payload: {}, maxAttempts: 1, delayMs: 60_000 });
    const lease = await b.claim({ workerId: 't', leaseMs: 30_000, waitMs: 1000 });
    assert.is(lease?.job.id, id);
    await b.fail(lease!, 'Error: smtp said no\n    at send (mail.ts:3:9)', null);
    return id;
  } finally {
    await b.close();
  }
}

for (const [kind, makeStore] of [['sqlite', sqliteStore], ['redis', redisStore], ['sqs', sqsStore], ['pubsub', pubsubStore], ['azure-queue', azureStore]] as const) {
  test(`gati effects on ${kind}: counts, dead jobs with their last error, retry`, async () => {
    // The CLI process reaches the emulators through the variables it inherits.
    if (kind === 'sqs') await awsEmulators();
    if (kind === 'pubsub') await pubsubEmulators();
    if (kind === 'azure-queue') await azurite();
    const store = makeStore();
    try {
      if (kind === 'sqlite') {
        writeFileSync(join(store.root, 'package.json'), JSON.stringify({ name: 'shop', private: true }));
        const empty = gati(['effects', store.root]);
        assert.is(empty.status, 0, empty.stderr);
        assert.match(empty.stdout, 'no jobs yet (no effects database at');
      }
      const id = await seed(store);
      const counts = gati(['effects', store.root]);
      assert.is(counts.status, 0, counts.stderr);
      assert.match(counts.stdout, /effect\s+queued\s+running\s+completed\s+dead\s+cancelled/);
      assert.match(counts.stdout, /mail\s+1\s+0\s+0\s+1\s+0/);
      assert.match(counts.stdout, /sms\s+1\s+0\s+0\s+0\s+0/);
      const json = gati(['effects', store.root, '--format', 'json']);
      assert.equal(JSON.parse(json.stdout), { mail: { queued: 1, dead: 1 }, sms: { queued: 1 } });

      const dead = gati(['effects', 'dead', store.root]);
      assert.is(dead.status, 0, dead.stderr);
      assert.match(dead.stdout, `${id}  mail  attempts 1/1`);
      assert.match(dead.stdout, 'last error: Error: smtp said no');
      assert.match(dead.stdout, 'payload: {"to":"x@y.z"}');

      const retried = gati(['effects', 'retry', id, store.root]);
      assert.is(retried.status, 0, retried.stderr);
      assert.match(retried.stdout, `job ${id} (mail) is queued again`);
      assert.match(gati(['effects', store.root]).stdout, /mail\s+2\s+0\s+0\s+0\s+0/);
      const again = gati(['effects', 'retry', id, store.root]);
      assert.is(again.status, 1);
      assert.match(again.stderr, 'is queued; only dead, cancelled or completed jobs can be retried');
      const unknown = gati(['effects', 'retry', 'nope', store.root]);
      assert.is(unknown.status, 1);
      assert.match(unknown.stderr, "no job 'nope'");
      assert.is(gati(['effects', 'retry']).status, 2);
    } finally {
      await store.cleanup();
    }
  });
}

test.run();
