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

test.run();
