// `gati dev` reloads a build on a handler's save without importing the app's gati modules again
// (their instances come from a factory loaded once, driver/dev-module-factory.ts): each build still
// gets fresh module state (init and close pair up), and 100 reloads do not pile modules up in the
// dev process. The memory bound is a loose guard against a leak on a busy machine, not the target
// (bench/dev-loop.mjs --reloads 100 measures that).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';
import { rssOf } from './helpers/module-swap.js';

const MODULES = 12;

/** A module with state of its own, as the bench app's: a map, filled by calls, cleared by close. */
const moduleSource = (j: number) => `const store = new Map<string, number>();
let name = '';

export async function init(): Promise<void> {
  name = 'store${j}';
}

export async function put(key: string): Promise<string> {
  store.set(key, (store.get(key) ?? 0) + 1);
  return \`\${name}: \${store.size}\`;
}

export async function close(): Promise<void> {
  store.clear();
}
`;

test('gati dev: a handler save reloads the build with fresh module state, and 100 reloads keep the RSS within a loose bound', async () => {
  const dir = copyFixture('serving');
  for (let j = 0; j < MODULES; j++) writeFileSync(join(dir, `src/modules/store${j}.ts`), moduleSource(j));
  const teapot = join(dir, 'src/handlers/teapot.ts');
  const original = readFileSync(teapot, 'utf8');
  const throws = "throw new HttpError(418, { error: 'Teapot' });";
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  const auth = { headers: { authorization: 'Bearer s3cret-token' } };
  const hits = async () => ((await (await fetch(`${dev.url}/admin/stats`, auth)).json()) as { hits: number }).hits;
  const reload = async (n: number) => {
    writeFileSync(teapot, n % 2 === 1 ? original.replace(throws, 'return { ok: true };') : original);
    const want = n % 2 === 1 ? 200 : 418;
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${dev.url}/teapot`)).status !== want) {
      assert.ok(Date.now() < deadline, `reload ${n} was not served within 30 s:\n${dev.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    assert.is(await hits(), 1);
    assert.is(await hits(), 2);
    await reload(1);
    assert.is(await hits(), 1, 'the new build has a new instance of the counter module');
    assert.is(await hits(), 2);
    await reload(2);
    await new Promise((r) => setTimeout(r, 2_500)); // the type check and the idle collection after the save
    const before = rssOf(dev.child.pid!);
    for (let n = 3; n <= 102; n++) await reload(n);
    await new Promise((r) => setTimeout(r, 2_500));
    const after = rssOf(dev.child.pid!);
    const growth = (after - before) / before;
    console.log(`  100 reloads with ${MODULES + 1} gati modules: RSS ${(before / 2 ** 20).toFixed(1)} MiB → ${(after / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)}%)`);
    assert.is(dev.output().split('\n').filter((l) => l.includes('reloaded in')).length, 102, 'each save reloaded the build');
    assert.is(await hits(), 1, 'still fresh after 100 reloads');
    // Importing the 13 modules afresh with each build kept ~25 KB each per reload here (~30 MB over 100).
    assert.ok(growth < 0.15, `RSS grew ${(growth * 100).toFixed(1)}% over 100 reloads`);
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test.run();
