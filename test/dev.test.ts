// `gati dev`: a client keeps sending requests while a handler file is edited; no request fails,
// the new behaviour appears, and a response that breaks its type is logged loudly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './helpers/paths.js';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

/** Waits until gati dev's output matches `pattern` (polled every 50 ms), then asserts it does. */
async function waitForOutput(dev: RunningApp, pattern: RegExp, timeoutMs: number): Promise<void> {
  for (const t0 = Date.now(); !pattern.test(dev.output()) && Date.now() - t0 < timeoutMs; ) await new Promise((res) => setTimeout(res, 50));
  assert.match(dev.output(), pattern);
}

test('zero-downtime reload under load, and response checks in dev', async () => {
  const dir = copyFixture('serving');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    const file = join(dir, 'src/handlers/teapot.ts');
    let failures = 0;
    let sent = 0;
    let sawNew = false;
    let stop = false;
    const client = (async () => {
      while (!stop) {
        sent++;
        try {
          const res = await fetch(`${dev.url}/teapot`);
          const body = (await res.json()) as Record<string, unknown>;
          if (res.status === 200 && body.ok === true) sawNew = true;
          else if (res.status !== 418) failures++;
        } catch {
          failures++;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    writeFileSync(file, readFileSync(file, 'utf8').replace("throw new HttpError(418, { error: 'Teapot' });", 'return { ok: true };'));
    while (!sawNew && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 20));
    // A reload can be quicker than 20 requests on a busy machine: the client keeps going past it.
    for (const t0 = Date.now(); (sent <= 40 || Date.now() - t0 < 200) && Date.now() - t0 < 15_000; ) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await client;
    assert.ok(sawNew, 'the edit is served');
    assert.is(failures, 0, `${failures} of ${sent} requests failed during the reload`);
    assert.ok(sent > 20, `the client kept sending (${sent})`);

    // The reloaded build's stack traces point at the TypeScript source (dist/app.mjs.map).
    assert.is((await fetch(`${dev.url}/boom`)).status, 500);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(dev.output(), /src\/handlers\/boom\.ts:4:\d+/);

    // A new route: the route table and the entry change, and the reload serves them.
    writeFileSync(join(dir, 'src/handlers/added.ts'), "import type { Handler } from 'gati';\nexport const handler: Handler<{}, { added: true }> = async () => ({ added: true });\n");
    let added = 0;
    for (const t0 = Date.now(); added !== 200 && Date.now() - t0 < 15_000; await new Promise((r) => setTimeout(r, 50))) added = (await fetch(`${dev.url}/added`)).status;
    assert.is(added, 200, 'the added route is served');
    assert.is((await fetch(`${dev.url}/teapot`)).status, 200, 'the edited handler still answers');

    const wrong = await fetch(`${dev.url}/wrong`);
    assert.is(wrong.status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(dev.output(), /response check: GET \/wrong 200 body does not match its type at \/response\/id/);

    // A build error keeps the last good build serving.
    writeFileSync(file, "import type { Handler } from 'gati';\nexport const handler: Handler<{}, { x: () => void }> = async () => ({ x: () => {} });\n");
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(dev.output(), 'GATI1001');
    const still = await fetch(`${dev.url}/teapot`);
    assert.is(still.status, 200);
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test('gati dev serves the versions the last gati build released, old clients through the version change, across a reload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-dev-versions-'));
  cpSync(fixture('versioned', 'v1'), dir, { recursive: true });
  assert.is(gatiSync(['build', dir]).status, 0, 'v1 builds');
  cpSync(fixture('versioned', 'v2', 'src'), join(dir, 'src'), { recursive: true });
  assert.is(gatiSync(['build', dir]).status, 0, 'v2 builds');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    const v1 = async () => (await fetch(`${dev.url}/users/7`, { headers: { 'x-api-version': '1' } })).json();
    assert.equal(await v1(), { id: '7', name: 'Ada Lovelace', role: 'admin' });
    const file = join(dir, 'src/handlers/users/[id].get.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("lastName: 'Lovelace'", "lastName: 'Byron'"));
    let body: unknown;
    for (const t0 = Date.now(); Date.now() - t0 < 15_000; await new Promise((r) => setTimeout(r, 50))) {
      body = await v1();
      if ((body as { name?: string }).name === 'Ada Byron') break;
    }
    assert.equal(body, { id: '7', name: 'Ada Byron', role: 'admin' }, dev.output());
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test('gati dev swaps in what a save changed: a handler twice, a shared file, a gati module, a route added and removed, a body type; a syntax error keeps the last good build', async () => {
  const dir = copyFixture('serving');
  mkdirSync(join(dir, 'src/lib'));
  const word = join(dir, 'src/lib/word.ts');
  writeFileSync(word, "export const word = 'one';\n");
  writeFileSync(join(dir, 'src/handlers/word.ts'), "import type { Handler } from 'gati';\nimport { word } from '../lib/word.js';\nexport const handler: Handler<{}, { word: string }> = async () => ({ word });\n");
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${dev.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const until = async (path: string, want: (r: Awaited<ReturnType<typeof get>>) => boolean, init?: RequestInit) => {
    let r = await get(path, init);
    for (const t0 = Date.now(); !want(r) && Date.now() - t0 < 15_000; r = await get(path, init)) await new Promise((res) => setTimeout(res, 50));
    return r;
  };
  const edit = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
  try {
    assert.equal((await get('/word')).body, { word: 'one' });

    // A handler edited twice: each save is served.
    const teapot = join(dir, 'src/handlers/teapot.ts');
    const throws = "throw new HttpError(418, { error: 'Teapot' });";
    edit(teapot, throws, 'return { ok: true };');
    assert.equal((await until('/teapot', (r) => r.status === 200)).body, { ok: true });
    edit(teapot, 'return { ok: true };', throws);
    assert.equal((await until('/teapot', (r) => r.status === 418)).body, { error: 'Teapot' });

    // A shared file: the handler that imports it serves its new value.
    writeFileSync(word, "export const word = 'two';\n");
    assert.equal((await until('/word', (r) => r.body.word === 'two')).body, { word: 'two' });

    // A gati module: the new code runs, initialised again.
    const auth = { headers: { authorization: 'Bearer s3cret-token' } };
    edit(join(dir, 'src/modules/counter.ts'), 'return ++hits;', 'return 100 + ++hits;');
    assert.ok(((await until('/admin/stats', (r) => (r.body.hits as number) > 100, auth)).body.hits as number) > 100, 'the edited module is served');

    // A route added, then removed.
    const added = join(dir, 'src/handlers/added.ts');
    writeFileSync(added, "import type { Handler } from 'gati';\nexport const handler: Handler<{}, { added: true }> = async () => ({ added: true });\n");
    assert.equal((await until('/added', (r) => r.status === 200)).body, { added: true });
    rmSync(added);
    assert.is((await until('/added', (r) => r.status === 404)).status, 404, 'the removed route is gone');

    // A body type changed: the new validation is served.
    const post = (a: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a, nested: { b: 1 } }) });
    assert.is((await get('/echo', post('x'))).status, 200);
    edit(join(dir, 'src/handlers/echo.post.ts'), 'a: string;', 'a: number;');
    assert.is((await until('/echo', (r) => r.status === 400, post('x'))).status, 400, 'a string `a` is refused once `a` is a number');
    assert.equal((await get('/echo', post(7))).body, { a: 7, nested: { b: 1 } });

    // A type error is reported (a warning: gati dev serves the edit, gati build refuses it).
    writeFileSync(word, "export const word: number = 'three';\n");
    assert.equal((await until('/word', (r) => r.body.word === 'three')).body, { word: 'three' });
    for (const t0 = Date.now(); !/word\.ts:1:\d+ - warning TS2322/.test(dev.output()) && Date.now() - t0 < 15_000; ) await new Promise((res) => setTimeout(res, 50));
    assert.match(dev.output(), /src\/lib\/word\.ts:1:\d+ - warning TS2322/);

    // A syntax error is reported and the last good build keeps serving; the fix is served.
    writeFileSync(word, 'export const word = ;\n');
    for (const t0 = Date.now(); !/word\.ts:1:\d+ - error/.test(dev.output()) && Date.now() - t0 < 15_000; ) await new Promise((res) => setTimeout(res, 50));
    assert.match(dev.output(), /src\/lib\/word\.ts:1:\d+ - error/);
    assert.equal((await get('/word')).body, { word: 'three' });
    writeFileSync(word, "export const word = 'four';\n");
    assert.equal((await until('/word', (r) => r.body.word === 'four')).body, { word: 'four' });
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test("gati dev starts from the last run's build when the app is unchanged, and builds first (compiling the changed files only) when a file changed while it was stopped", async () => {
  const dir = copyFixture('serving');
  const start = () => runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  const waitFor = (dev: RunningApp, pattern: RegExp) => waitForOutput(dev, pattern, 20_000);
  const teapot = join(dir, 'src/handlers/teapot.ts');
  const throws = "throw new HttpError(418, { error: 'Teapot' });";
  /** How many modules the start's build compiled (gati's "bundled in N ms (M modules)"). */
  const compiled = (output: string) => Number(/gati built: .*\((\d+) modules\)/.exec(output)?.[1]);
  let dev = await start();
  try {
    // A start that builds prints the build before it serves (runServer returns at "serving on").
    const builtFirst = /gati built[\s\S]*serving on/;
    assert.match(dev.output(), builtFirst);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
    await dev.stop('SIGTERM');

    // Unchanged: served from the last run's modules, then built again, and a save is served.
    dev = await start();
    assert.not.match(dev.output(), builtFirst);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
    await waitFor(dev, /from the last run's build/);
    await waitFor(dev, /gati built/);
    // The build behind that answer analyses the app (the rebuilds work from its program), even though
    // the analysis the last run saved is valid: a save is then one file analysed again, not the app.
    assert.not.match(dev.output(), /analysis from \.gati\/cache/);
    writeFileSync(teapot, readFileSync(teapot, 'utf8').replace(throws, 'return { ok: true };'));
    let status = 0;
    for (const t0 = Date.now(); status !== 200 && Date.now() - t0 < 15_000; await new Promise((res) => setTimeout(res, 50))) status = (await fetch(`${dev.url}/teapot`)).status;
    assert.is(status, 200, 'the save after a start from the cache is served');
    assert.match(dev.output(), /gati rebuilt \(src\/handlers\/teapot\.ts\): 1\/\d+ files analyzed/);
    await dev.stop('SIGTERM');

    // Changed while stopped: built before it is served, never the last run's modules.
    writeFileSync(teapot, readFileSync(teapot, 'utf8').replace('return { ok: true };', throws));
    dev = await start();
    assert.match(dev.output(), builtFirst);
    assert.not.match(dev.output(), /from the last run/);
    // The last run's other modules are taken up: the changed file is compiled again, not the app's 14
    // (nor the generated `gati:versions` module, whose text is as the last run wrote it).
    assert.is(compiled(dev.output()), 1);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
    await dev.stop('SIGTERM');

    // A package.json changed while stopped: every module is compiled again.
    const pkg = join(dir, 'package.json');
    writeFileSync(pkg, `${readFileSync(pkg, 'utf8').trimEnd()}\n\n`);
    dev = await start();
    assert.match(dev.output(), builtFirst);
    assert.is(compiled(dev.output()), 14);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test("gati dev without the last run's state takes up the modules recorded by content in .gati/cache, compiling only the files whose content changed", async () => {
  const dir = copyFixture('serving');
  const start = () => runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  const teapot = join(dir, 'src/handlers/teapot.ts');
  const throws = "throw new HttpError(418, { error: 'Teapot' });";
  const compiled = (output: string) => Number(/gati built: .*\((\d+) modules\)/.exec(output)?.[1]);
  const state = join(dir, '.gati/dev/state.json');
  let dev = await start();
  try {
    assert.is(compiled(dev.output()), 14);
    await dev.stop('SIGTERM');
    assert.ok(existsSync(join(dir, '.gati/cache/dev-modules.json')));

    // No state (as after a crash or a `gati build`); one handler's content changed, another's time only.
    rmSync(state, { force: true });
    writeFileSync(teapot, readFileSync(teapot, 'utf8').replace(throws, 'return { ok: true };'));
    const other = join(dir, 'src/handlers/echo.post.ts');
    const earlier = new Date(Date.now() - 3600_000);
    utimesSync(other, earlier, earlier);
    dev = await start();
    assert.is(compiled(dev.output()), 1, 'the changed handler alone');
    assert.equal(await (await fetch(`${dev.url}/teapot`)).json(), { ok: true });
    await dev.stop('SIGTERM');

    // Unchanged since: nothing compiled, and a save is still served.
    rmSync(state, { force: true });
    dev = await start();
    assert.is(compiled(dev.output()), 0);
    assert.equal(await (await fetch(`${dev.url}/teapot`)).json(), { ok: true });
    writeFileSync(teapot, readFileSync(teapot, 'utf8').replace('return { ok: true };', throws));
    let status = 0;
    for (const t0 = Date.now(); status !== 418 && Date.now() - t0 < 15_000; await new Promise((res) => setTimeout(res, 50))) status = (await fetch(`${dev.url}/teapot`)).status;
    assert.is(status, 418, 'the save is served');
    await dev.stop('SIGTERM');

    // A module's output rewritten since it was recorded (another run's version of it): compiled again.
    rmSync(state, { force: true });
    const out = join(dir, '.gati/dev/modules/src/handlers/teapot.mjs');
    writeFileSync(out, `${readFileSync(out, 'utf8')}\n`);
    dev = await start();
    assert.is(compiled(dev.output()), 1);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test("gati dev records its build once idle: killed, it still starts from that build next time", async () => {
  const dir = copyFixture('serving');
  let dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
    const state = join(dir, '.gati/dev/state.json');
    for (const t0 = Date.now(); !(existsSync(state) && /the rest emitted/.test(dev.output())) && Date.now() - t0 < 30_000; ) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(state), 'the build is recorded while gati dev runs');
    await dev.stop('SIGKILL');
    dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
    // Printed just after "serving on" (where runServer returns); a start that builds prints "gati built" before it.
    await waitForOutput(dev, /from the last run's build/, 20_000);
    assert.not.match(dev.output(), /gati built[\s\S]*serving on/);
    assert.is((await fetch(`${dev.url}/teapot`)).status, 418);
  } finally {
    await dev.stop('SIGTERM');
    removeDir(dir);
  }
});

test("gati dev takes the analysis gati build or its last run left when nothing it read changed, never an old type", async () => {
  const dir = copyFixture('serving');
  const echo = join(dir, 'src/handlers/echo.post.ts');
  const cache = join(dir, '.gati/cache/analysis.json');
  const fromCache = /the analysis from \.gati\/cache/;
  /** A start without the last run's modules (so not served from its build: `gati dev`'s other fast start). */
  const start = () => {
    rmSync(join(dir, '.gati/dev'), { recursive: true, force: true });
    return runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  };
  const waitFor = (dev: RunningApp, pattern: RegExp) => waitForOutput(dev, pattern, 30_000);
  const post = async (dev: RunningApp, a: unknown) => (await fetch(`${dev.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a, nested: { b: 1 } }) })).status;
  const setType = (type: string) => writeFileSync(echo, readFileSync(echo, 'utf8').replace(/ {2}a: \w+;/, `  a: ${type};`));
  let dev: RunningApp | undefined;
  try {
    // gati build leaves its analysis: the start after it takes it (the app unchanged).
    const build = () => {
      const built = gatiSync(['build', '.'], dir);
      assert.is(built.status, 0, built.stdout + built.stderr);
    };
    build();
    assert.ok(existsSync(cache), 'gati build leaves its analysis');
    dev = await start();
    assert.match(dev.output(), fromCache);
    assert.is(await post(dev, 'one'), 200);
    assert.is(await post(dev, 1), 400);
    await dev.stop('SIGTERM');

    // A type changed between gati build and gati dev: analysed again, the new type validated.
    build();
    setType('number');
    dev = await start();
    assert.not.match(dev.output(), fromCache);
    assert.match(dev.output(), /gati built: \d+\/\d+ files analyzed/);
    assert.is(await post(dev, 1), 200);
    assert.is(await post(dev, 'one'), 400);
    await dev.stop('SIGTERM');

    // The same after a gati dev run (which saved its analysis): the type changed back while stopped.
    setType('string');
    dev = await start();
    assert.not.match(dev.output(), fromCache);
    assert.is(await post(dev, 'one'), 200);
    assert.is(await post(dev, 1), 400);
    await dev.stop('SIGTERM');

    // A file touched, same bytes: the saved analysis serves the first answer; the app is analysed
    // again behind it, and a save after that is served.
    utimesSync(echo, new Date(), new Date());
    dev = await start();
    assert.match(dev.output(), fromCache);
    assert.is(await post(dev, 'one'), 200);
    assert.is(await post(dev, 1), 400);
    await waitFor(dev, /gati built: \d+\/\d+ files analyzed/);
    const teapot = join(dir, 'src/handlers/teapot.ts');
    writeFileSync(teapot, readFileSync(teapot, 'utf8').replace("throw new HttpError(418, { error: 'Teapot' });", 'return { ok: true };'));
    let status = 0;
    for (const t0 = Date.now(); status !== 200 && Date.now() - t0 < 15_000; await new Promise((res) => setTimeout(res, 50))) status = (await fetch(`${dev.url}/teapot`)).status;
    assert.is(status, 200, 'a save after a start from the cached analysis is served');
  } finally {
    await dev?.stop('SIGTERM');
    removeDir(dir);
  }
});

test.run();
