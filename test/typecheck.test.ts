// `gati build` reports TypeScript's own errors in the app (tsc's code, message and layout) and
// fails on them; `--no-typecheck` skips them; a watch rebuild re-checks what an edit affects,
// including the handlers that call a module whose signature changed (through the context types).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildSession } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { REPO, fixture } from './helpers/paths.js';
import { GATI_BIN, runServer } from './helpers/server.js';

const gati = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gati-typecheck-'));
  cpSync(fixture('typecheck'), dir, { recursive: true, filter: (src) => !/\/(dist|sdk|\.gati)(\/|$)/.test(src.slice(fixture('typecheck').length)) });
  return dir;
}

test('gati build prints each TypeScript error like tsc, with a code frame, and exits 1', () => {
  const dir = copyFixture();
  try {
    const r = gati(['build', dir]);
    assert.is(r.status, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, "src/handlers/tags.ts:6:37 - error TS2339: Property 'tagStore' does not exist on type 'GatiModules'.");
    assert.match(out, '> 6 |   const counts = await gctx.modules.tagStore.tagCounts();\n    |                                     ~~~~~~~~');
    assert.match(out, "src/handlers/dates.ts:2:19 - error TS2307: Cannot find module 'dayjs' or its corresponding type declarations.");
    assert.match(out, 'hint: Install the package (`npm install dayjs`)');
    // The module exists and is called with a wrong argument: the check sees the generated context types.
    assert.match(out, "src/handlers/refund.ts:6:69 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.");
    assert.not.match(out, 'capture.ts', 'a correct call to a module is clean');
    assert.match(out, 'Found 3 errors in 3 files.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gati build --no-typecheck builds the same app with exit 0', () => {
  const dir = copyFixture();
  try {
    const r = gati(['build', dir, '--no-typecheck', '--silent']);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.is(r.stdout + r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("in the dev loop ('warn') TypeScript's errors are warnings: the build goes on", async () => {
  const dir = copyFixture();
  try {
    const r = await new BuildSession(dir, { infra: false, versions: 'skip', typecheck: 'warn' }).build();
    assert.ok(r.ok);
    assert.equal(r.diagnostics.map((d) => `${d.code} ${d.severity}`), ['TS2307 warning', 'TS2345 warning', 'TS2339 warning']);
    assert.ok(r.artifacts.some((a) => a.path === 'dist/router.mjs'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rebuild re-checks edited files and the handlers that use an edited module', async () => {
  const dir = copyFixture();
  const errors = (r: { diagnostics: Parameters<typeof formatCompact>[0][] }) => r.diagnostics.map((d) => formatCompact(d).split('\n')[0]!);
  try {
    const session = new BuildSession(dir, { infra: false, versions: 'skip' });
    const first = await session.build();
    assert.not.ok(first.ok);
    assert.equal(errors(first).map((e) => e.slice(0, e.indexOf(' - '))), ['src/handlers/dates.ts:2:19', 'src/handlers/refund.ts:6:69', 'src/handlers/tags.ts:6:37']);

    const tags = join(dir, 'src/handlers/tags.ts');
    writeFileSync(tags, readFileSync(tags, 'utf8').replace('gctx.modules.tagStore.tagCounts()', '{ a: 1 }'));
    const dates = join(dir, 'src/handlers/dates.ts');
    writeFileSync(dates, "import type { Handler } from 'gati';\n\nexport const route = 'GET /today';\n\nexport const handler: Handler<{}, { today: string }> = async () => ({ today: new Date().toISOString().slice(0, 10) });\n");
    const fixed = await session.rebuild([tags, dates]);
    assert.equal(errors(fixed), ["src/handlers/refund.ts:6:69 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'."]);

    // The module now takes a number id: capture.ts, untouched, passes a string.
    const ledger = join(dir, 'src/modules/ledger.ts');
    writeFileSync(ledger, readFileSync(ledger, 'utf8').replace('id: string', 'id: number').replace('id.length > 0', 'id > 0'));
    const changed = await session.rebuild([ledger]);
    assert.equal(errors(changed), [
      "src/handlers/capture.ts:6:54 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
      // tsc reports a call's first wrong argument: the id now, no longer the amount.
      "src/handlers/refund.ts:6:54 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The fixture without its missing package and unknown module (so that it bundles and serves), plus two handlers that share a type. */
function servableCopy(): string {
  const dir = copyFixture();
  writeFileSync(join(dir, 'src/handlers/dates.ts'), "import type { Handler } from 'gati';\n\nexport const route = 'GET /today';\n\nexport const handler: Handler<{}, { today: string }> = async () => ({ today: new Date().toISOString().slice(0, 10) });\n");
  writeFileSync(join(dir, 'src/handlers/tags.ts'), "import type { Handler } from 'gati';\n\nexport const route = 'GET /tags';\n\nexport const handler: Handler<{}, { a: number }> = async () => ({ a: 1 });\n");
  writeFileSync(join(dir, 'src/handlers/quote.ts'), "import type { Handler } from 'gati';\n\nexport interface Quote { amount: number }\n\nexport const handler: Handler<{}, Quote> = async () => ({ amount: 1 });\n");
  writeFileSync(join(dir, 'src/handlers/accept.ts'), "import type { Handler } from 'gati';\nimport type { Quote } from './quote.js';\n\nconst standard: Quote = { amount: 2 };\n\nexport const handler: Handler<{}, { amount: number }> = async () => ({ amount: standard.amount });\n");
  return dir;
}

test("'deferred' (gati dev/watch): the rebuild's result has no type check; typeErrors() reports, after it, what the edit broke elsewhere", async () => {
  const dir = servableCopy();
  const lines = (ds: Parameters<typeof formatCompact>[0][]) => ds.map((d) => formatCompact(d).split('\n')[0]!);
  const refund = "src/handlers/refund.ts:6:69 - warning TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.";
  try {
    const session = new BuildSession(dir, { infra: false, versions: 'skip', typecheck: 'deferred' });
    const first = await session.build();
    assert.ok(first.ok);
    assert.equal(first.diagnostics, []);
    assert.is(first.stats.typecheckMs < 50, true, 'the build does not check');
    // Stopped (a save waits): no report, and what it checked before stopping is not lost.
    assert.is(await session.typeErrors(() => true), undefined);
    assert.equal(lines((await session.typeErrors())!), [refund]);

    // An edit to one handler breaks another, untouched, that imports its type.
    const quote = join(dir, 'src/handlers/quote.ts');
    writeFileSync(quote, readFileSync(quote, 'utf8').replace('amount: number', 'amount: string').replace('amount: 1', "amount: '1'"));
    const edited = await session.rebuild([quote]);
    assert.ok(edited.ok);
    assert.equal(edited.diagnostics, []);
    assert.equal(lines((await session.typeErrors())!), [
      "src/handlers/accept.ts:4:27 - warning TS2322: Type 'number' is not assignable to type 'string'.",
      "src/handlers/accept.ts:6:69 - warning TS2322: Type 'Promise<{ amount: string; }>' is not assignable to type 'void | { amount: number; } | Promise<void | { amount: number; }>'.",
      refund,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gati dev prints TypeScript's errors once the build is served, and after a reload the errors an edit caused in another file", async () => {
  const dir = servableCopy();
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  const waitFor = async (text: string) => {
    for (const t0 = Date.now(); !dev.output().includes(text) && Date.now() - t0 < 20_000;) await new Promise((r) => setTimeout(r, 50));
    return dev.output().indexOf(text);
  };
  try {
    const served = dev.output().indexOf('serving on');
    const refund = await waitFor('src/handlers/refund.ts:6:69 - warning TS2345');
    assert.ok(refund > served, dev.output());
    assert.is((await fetch(`${dev.url}/quote`)).status, 200);

    const quote = join(dir, 'src/handlers/quote.ts');
    writeFileSync(quote, readFileSync(quote, 'utf8').replace('amount: number', 'amount: string').replace('amount: 1', "amount: '1'"));
    const accept = await waitFor('src/handlers/accept.ts:4:27 - warning TS2322');
    assert.ok(accept > 0, dev.output());
    assert.ok(accept > dev.output().indexOf('reloaded in'), 'the check comes after the reload');
    assert.equal(await (await fetch(`${dev.url}/quote`)).json(), { amount: '1' }, 'the edit is served despite the warning');
  } finally {
    await dev.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
