// `gati dev` reloads a build on a handler's save without importing the app's gati modules again
// (their instances come from a factory loaded once, driver/dev-module-factory.ts): each build still
// gets fresh module state (init and close pair up), and reloads do not pile modules up in the dev
// process, which Node never frees. What the dev process imports is seen by a module hook (Node's
// own `register`) that notes every URL it loads. No memory bound here: on an app this small V8 grows
// its heap with the reloads' garbage, and the RSS with it, whether the modules pile up or not
// (+21 % and +27 % over 100 reloads, before and after this change); bench/dev-loop.mjs --reloads 100
// measures the memory on the 500-handler app.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';

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

/** A module that registers a load hook appending each URL the process loads to `log`. */
const hook = (log: string) => `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\\\n');
  return next(url, context);
}\`));
`;

test('gati dev: a handler save reloads the build with fresh module state, importing the saved file only', async () => {
  const dir = copyFixture('serving');
  const loads = join(dir, 'loads.txt');
  writeFileSync(join(dir, 'hook.mjs'), hook(loads));
  for (let j = 0; j < MODULES; j++) writeFileSync(join(dir, `src/modules/store${j}.ts`), moduleSource(j));
  const teapot = join(dir, 'src/handlers/teapot.ts');
  const original = readFileSync(teapot, 'utf8');
  const throws = "throw new HttpError(418, { error: 'Teapot' });";
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn', NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'hook.mjs')).href}` });
  /** The app's emitted modules the dev process loaded so far, by folder. */
  const loaded = (folder: string) => (existsSync(loads) ? readFileSync(loads, 'utf8').split('\n').filter((url) => url.includes(`/.gati/dev/modules/src/${folder}/`)).length : 0);
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
    const modules = loaded('modules');
    const handlers = loaded('handlers');
    assert.ok(modules >= MODULES + 1, `the modules were loaded (${modules})`);
    for (let n = 3; n <= 22; n++) await reload(n);
    assert.is(dev.output().split('\n').filter((l) => l.includes('reloaded in')).length, 22, 'each save reloaded the build');
    assert.is(loaded('handlers') - handlers, 20, 'each reload imported the saved handler');
    assert.is(loaded('modules'), modules, 'no reload imported a gati module again');
    assert.is(await hits(), 1, 'each build has its own instance still');
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test.run();
