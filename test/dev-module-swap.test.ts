// `gati dev`: a save of a module file (fixtures/polyglot's src/modules/greeter.ts) swaps that module
// alone, in a fresh worker thread, without loading a new build: 20 saves under a steady load with
// no failed request and the new code answering after each, then 100 more with the dev process's
// RSS flat (the old instances end with their workers, nothing piles up in the server's isolate).
// A save that is not a module's alone (a handler) still reloads the build. The npm module swapped
// to a command is checked in its wire form, as under gati start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GATI_BIN, removeDir, runServer } from './helpers/server.js';
import { polyglotApp } from './helpers/polyglot-app.js';
import { gati, rssOf, steadyLoad, TEXT_STATS_SERVICE } from './helpers/module-swap.js';

const greeter = (n: number) => `let greeting = 'hello';

export async function init(): Promise<void> {
  greeting = 'v${n}';
}

export async function greet(name: string): Promise<string> {
  return \`\${greeting} \${name}\`;
}
`;

test('gati dev: module saves are hot swaps in worker threads: no failed request under load, RSS flat over 100', async () => {
  const app = polyglotApp();
  const dev = await runServer([GATI_BIN, 'dev', '.'], app.dir, app.noRust ? { GATI_MODULE_TALLY_URL: 'http://127.0.0.1:9' } : {});
  const greet = async () => ((await (await fetch(`${dev.url}/greet?name=x`, { signal: AbortSignal.timeout(30_000) })).json()) as { text: string }).text;
  const save = async (n: number) => {
    writeFileSync(join(app.dir, 'src/modules/greeter.ts'), greeter(n));
    const deadline = Date.now() + 60_000;
    while ((await greet()) !== `v${n} x`) {
      assert.ok(Date.now() < deadline, `save ${n} was not served within 60 s:\n${dev.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    assert.is(await greet(), 'hello x');
    const load = steadyLoad(`${dev.url}/greet?name=load`, 4);
    try {
      for (let n = 1; n <= 20; n++) await save(n);
    } finally {
      const result = await load.stop();
      console.log(`  20 module saves under load: ${result.requests.total} requests, ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      assert.is(result.non2xx + result.errors + result.timeouts, 0, 'no failed request');
      assert.ok(result['2xx'] > 50, 'the load ran');
    }
    const swaps = () => dev.output().split('\n').filter((l) => l.includes('swapped module greeter')).length;
    assert.is(swaps(), 20, 'each save was a module swap');
    assert.not.match(dev.output(), 'reloaded in', 'no build was reloaded');
    await new Promise((r) => setTimeout(r, 1_500)); // the idle collection after the last save
    const before = rssOf(dev.child.pid!);
    for (let n = 21; n <= 120; n++) await save(n);
    await new Promise((r) => setTimeout(r, 1_500));
    const after = rssOf(dev.child.pid!);
    const growth = (after - before) / before;
    console.log(`  100 module saves in gati dev: RSS ${(before / 2 ** 20).toFixed(1)} MiB → ${(after / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)}%)`);
    assert.is(swaps(), 120);
    // The target is < 10% (the printed figures; bench/RESULTS.md); the bound is generous for a busy machine's
    // allocator noise (runs here: -3% to +9%), and still below what 100 workers left running would add (an idle one ~0.6 MB, one that ran a module more).
    assert.ok(growth < 0.2, `RSS grew ${(growth * 100).toFixed(1)}% over 100 module swaps`);

    // A handler's save is not a module's: the build reloads (and the module, loaded in-process again, keeps its code).
    writeFileSync(join(app.dir, 'src/handlers/greet.ts'), `import type { GlobalContext, Req, Res } from 'gati';

export const route = 'GET /greet';

export async function handler(req: Req<{ query: { name: string } }>, res: Res<{ 200: { text: string } }>, gctx: GlobalContext) {
  return res.json({ text: (await gctx.modules.greeter.greet(req.query.name)) + '!' });
}
`);
    const deadline = Date.now() + 60_000;
    while ((await greet()) !== 'v120 x!') {
      assert.ok(Date.now() < deadline, `the handler's save was not served:\n${dev.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(dev.output(), 'reloaded in');

    // The npm module swapped to a command under gati dev: its calls are checked in their wire form
    // (the build's wire validators are loaded here too), its Dates revived.
    const service = join(mkdtempSync(join(tmpdir(), 'gati-text-stats-')), 'service.mjs');
    writeFileSync(service, TEXT_STATS_SERVICE);
    const swapped = await gati(['modules', 'swap', 'textStats', '--to', `command:node ${service} wrong`, app.dir]);
    assert.is(swapped.status, 0, swapped.stderr);
    assert.equal(await (await fetch(`${dev.url}/since?since=2026-03-01T00:00:00Z`)).json(), { since: '2026-03-01T00:00:00.000Z', words: 4 });
    const wrong = await fetch(`${dev.url}/top`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'a b', options: '{"limit":1}' }) });
    assert.is(wrong.status, 502);
    assert.equal(((await wrong.json()) as Record<string, unknown>).pointer, '/0');
    rmSync(dirname(service), { recursive: true, force: true });
  } finally {
    await dev.stop('SIGTERM');
    removeDir(app.dir);
  }
});

test.run();
