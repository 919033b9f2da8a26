// promise-peek.ts: on Bun an already-fulfilled promise's value is taken at once (what lets an async
// handler that did not await answer without a promise); a pending or rejected one, and every promise
// on Node (and Deno), is left to its `then`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NOT_YET, fulfilledValue } from '../runtime-shim/server/promise-peek.js';
import { ENGINES } from './helpers/server.js';
import { REPO } from './helpers/paths.js';

test('on Node nothing is read early: every promise is NOT_YET', async () => {
  const done = Promise.resolve(1);
  await done;
  assert.is(fulfilledValue(done), NOT_YET);
});

test('on Bun: a fulfilled promise (an async function that returned) gives its value; pending and rejected ones NOT_YET, the rejection still handled by its then', () => {
  const bun = ENGINES.find((e) => e.name === 'bun')!;
  const module = pathToFileURL(join(REPO, 'lib', 'runtime-shim', 'server', 'promise-peek.js')).href;
  const script = `
    const { NOT_YET, fulfilledValue } = await import(${JSON.stringify(module)});
    const returned = (async () => ({ a: 1 }))();
    const pending = new Promise(() => {});
    const awaiting = (async () => { await null; return 2; })();
    const rejected = (async () => { throw new Error('no'); })();
    const seen = [fulfilledValue(returned), fulfilledValue(pending) === NOT_YET, fulfilledValue(awaiting) === NOT_YET, fulfilledValue(rejected) === NOT_YET, fulfilledValue(Promise.resolve(undefined))];
    seen.push(await rejected.then(() => 'fulfilled', (e) => e.message));
    console.log(JSON.stringify(seen));
  `;
  const run = spawnSync(bun.executable, ['-e', script], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), [{ a: 1 }, true, true, true, null, 'no']);
});

test.run();
