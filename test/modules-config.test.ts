// Config modules at build time: the interface files analysed into the model (GTypes per parameter
// and for the awaited result), `gctx.modules.<name>` typed from them and from an npm package's own
// types (a real tsc rejects a wrong argument), and the boundary validators generated per module,
// the npm package's from its declarations (a callback parameter is a located GATI1001).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../driver/build.js';
import { REPO } from './helpers/paths.js';
import { removeDir } from './helpers/server.js';
import { polyglotApp } from './helpers/polyglot-app.js';
import { tsc } from './helpers/tsc.js';

const app = polyglotApp();
const tsconfig = JSON.parse(readFileSync(join(app.dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
tsconfig.compilerOptions.paths = { gati: [join(REPO, 'runtime-shim/index.ts')] };
writeFileSync(join(app.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
const built = await buildApp(app.dir, { emit: 'generated' });
mkdirSync(join(app.dir, '.gati/generated'), { recursive: true });
writeFileSync(join(app.dir, '.gati/generated/context.ts'), String(built.artifacts.find((a) => a.path === '.gati/generated/context.ts')!.contents));

test.after(() => removeDir(app.dir));

test('the interface files are analysed into the model: parameters and the awaited result as GTypes', () => {
  assert.is(built.ok, true, JSON.stringify(built.diagnostics));
  const remote = built.model.remoteModules!;
  assert.equal(remote.map((m) => [m.name, m.interface, m.functions.map((f) => f.name), m.npm]), [
    ['scorer', 'src/modules/scorer.contract.ts', ['legacyScore', 'score', 'version'], undefined],
    ['tally', 'src/modules/tally.contract.ts', ['add'], undefined],
    // No interface file: the package's own declarations, as an import of it resolves them.
    ['textStats', 'node_modules/text-stats/index.d.ts', ['longestWord', 'summary', 'topWords', 'wordCount', 'wordsSince'], 'text-stats'],
  ]);
  const top = remote[2]!.functions.find((f) => f.name === 'topWords')!;
  assert.equal(top.params.map((p) => [p.name, p.type.kind]), [['text', 'string'], ['options', 'object']]);
  assert.equal(top.result, { kind: 'array', items: { kind: 'string' } }, 'the awaited result');
  const score = remote[0]!.functions.find((f) => f.name === 'score')!;
  assert.equal(score.params.map((p) => [p.name, p.type.kind, p.optional, p.rest]), [['items', 'array', false, false]]);
  assert.equal(score.result, { kind: 'array', items: { kind: 'ref', id: 'Scored' } });
  assert.is(remote[0]!.functions.find((f) => f.name === 'legacyScore')!.result.kind, 'number');
  assert.equal(built.model.modules.map((m) => m.name), ['greeter'], 'a .contract.ts file is not a module of its own (greeter.ts is)');
});

test('gctx.modules is typed from the interface files and the npm package: tsc rejects wrong calls', () => {
  const context = readFileSync(join(app.dir, '.gati/generated/context.ts'), 'utf8');
  assert.match(context, "    scorer: typeof import('../../src/modules/scorer.contract.js');\n    tally: typeof import('../../src/modules/tally.contract.js');\n    textStats: Omit<typeof import('text-stats'), 'init' | 'close'>;\n");
  const clean = tsc(app.dir, { noEmit: true });
  assert.is(clean.status, 0, clean.stdout);
  writeFileSync(join(app.dir, 'src/handlers/bad.ts'), `import type { GlobalContext, Req, Res } from 'gati';
export const route = 'GET /bad';
export async function handler(req: Req<{}>, res: Res<{ 200: { n: number } }>, gctx: GlobalContext) {
  const n: number = await gctx.modules.tally.add(1, 2);                 // fine
  await gctx.modules.tally.add('1', 2);                                 // error: a is a number
  await gctx.modules.scorer.score([{ id: 'a' }]);                       // error: text is missing
  const s: string = await gctx.modules.scorer.legacyScore('x');         // error: the result is a number
  gctx.modules.textStats.wordCount(42);                                 // error: the package takes a string
  await gctx.modules.tally.subtract(1, 2);                              // error: not declared
  return res.json({ n });
}
`);
  const r = tsc(app.dir, { noEmit: true });
  rmSync(join(app.dir, 'src/handlers/bad.ts'));
  assert.is.not(r.status, 0);
  assert.equal([...r.stdout.matchAll(/bad\.ts\((\d+),/g)].map((m) => Number(m[1])), [5, 6, 7, 8, 9], r.stdout);
});

test('one validators module per interface: args_<fn> and result_<fn>', async () => {
  const all = await buildApp(app.dir, { infra: false, versions: 'skip' });
  const index = String(all.artifacts.find((a) => a.path === 'dist/validators/index.mjs')!.contents);
  assert.match(index, /export const modules = \{ "scorer": m0, "tally": m1, "textStats": m2 \};/);
  const scorer = String(all.artifacts.find((a) => /^dist\/validators\/modules\/scorer\.[0-9a-f]+\.mjs$/.test(a.path))!.contents);
  for (const name of ['args_score', 'result_score', 'args_legacyScore', 'result_legacyScore']) assert.match(scorer, `export const ${name} =`);
  // The npm module's, for calls in-process: they check the values themselves (Dates as Dates) and change nothing.
  const text = String(all.artifacts.find((a) => /^dist\/validators\/modules\/textStats\.[0-9a-f]+\.mjs$/.test(a.path))!.contents);
  assert.not.match(text, /reviveResult_|argsWire_/, 'nothing to revive in-process');
  writeFileSync(join(app.dir, 'text-stats-validators.mjs'), text);
  (globalThis as { require?: NodeRequire }).require ??= createRequire(import.meta.url);
  const v = (await import(pathToFileURL(join(app.dir, 'text-stats-validators.mjs')).href)) as Record<string, ((x: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] }>;
  const at = new Date('2026-01-01T00:00:00Z');
  assert.ok(v.args_wordsSince!([[{ at, text: 'x' }], new Date()]), 'Dates are Dates');
  assert.not.ok(v.args_wordsSince!([[{ at: at.toISOString(), text: 'x' }], new Date()]), 'a date string is not a Date');
  assert.equal(v.args_wordsSince!.errors![0]!.instancePath, '/0/0/at');
  assert.not.ok(v.args_wordsSince!([[{ at: new Date('nope'), text: 'x' }], at]), 'an Invalid Date is refused');
  const options = { limit: 2, extra: true };
  assert.ok(v.args_topWords!(['a b', options]));
  assert.equal(options, { limit: 2, extra: true }, 'an undeclared key of the caller stays (validation.unknownKeys is strip)');
  assert.not.ok(v.args_topWords!(['a b', { limit: '2' }]));
  assert.equal(v.args_topWords!.errors![0]!.instancePath, '/1/limit');
  assert.not.ok(v.result_summary!({ words: '2', chars: 3 }));
  assert.ok(v.result_wordsSince!({ since: at, words: 2 }), 'the awaited result');

  // And its wire-form ones, as a service's, for a swap of it to a URL or a command: dates as ISO strings, revived.
  assert.match(index, /export const wireModules = \{ "textStats": w0 \};/);
  const wireText = String(all.artifacts.find((a) => /^dist\/validators\/modules\/textStats\.wire\.[0-9a-f]+\.mjs$/.test(a.path))!.contents);
  writeFileSync(join(app.dir, 'text-stats-wire-validators.mjs'), wireText);
  const w = (await import(pathToFileURL(join(app.dir, 'text-stats-wire-validators.mjs')).href)) as Record<string, unknown>;
  const wire = w as Record<string, ((x: unknown) => boolean) & { errors?: { instancePath: string }[] }>;
  assert.ok(wire.args_wordsSince!([[{ at: at.toISOString(), text: 'x' }], at.toISOString()]), 'dates as their JSON strings');
  assert.not.ok(wire.args_wordsSince!([[{ at: 'yesterday', text: 'x' }], at.toISOString()]));
  assert.equal(wire.args_wordsSince!.errors![0]!.instancePath, '/0/0/at');
  assert.is(w.argsWire_wordsSince, true);
  assert.not.ok(wire.result_summary!({ words: '2', chars: 3 }));
  const revived = (w.reviveResult_wordsSince as (x: unknown) => { since: Date })({ since: at.toISOString(), words: 2 });
  assert.equal(revived.since, at);
});

test("an npm function that takes a callback is a located GATI1001 with a fix hint; an interface file of the functions called fixes it", async () => {
  const types = join(app.dir, 'node_modules/text-stats/index.d.ts');
  const config = join(app.dir, 'gati.config.ts');
  const [typesBefore, configBefore] = [readFileSync(types, 'utf8'), readFileSync(config, 'utf8')];
  try {
    writeFileSync(types, `${typesBefore}export declare function forEachWord(text: string, visit: (word: string) => void): void;\n`);
    const broken = await buildApp(app.dir, { emit: 'generated' });
    assert.is(broken.ok, false);
    const d = broken.diagnostics.find((x) => x.code === 'GATI1001')!;
    assert.ok(d, JSON.stringify(broken.diagnostics));
    assert.equal([d.span?.file, d.span?.line], ['node_modules/text-stats/index.d.ts', typesBefore.split('\n').length]);
    assert.match(d.message, "'textStats.forEachWord(visit)' is a function");
    assert.match(d.hint!, "modules.textStats.interface: 'src/modules/textStats.contract.ts'");
    writeFileSync(join(app.dir, 'src/modules/textStats.contract.ts'), 'export declare function wordCount(text: string): number;\nexport declare function longestWord(text: string): string;\nexport declare function summary(text: string): { words: number; chars: number };\nexport declare function topWords(text: string, options: { limit: number }): Promise<string[]>;\nexport declare function wordsSince(entries: { at: Date; text: string }[], since: Date): Promise<{ since: Date; words: number }>;\n');
    writeFileSync(config, configBefore.replace("textStats: { npm: 'text-stats' }", "textStats: { npm: 'text-stats', interface: 'src/modules/textStats.contract.ts' }"));
    const fixed = await buildApp(app.dir, { emit: 'generated' });
    assert.is(fixed.ok, true, JSON.stringify(fixed.diagnostics));
    const stats = fixed.model.remoteModules!.find((m) => m.name === 'textStats')!;
    assert.equal([stats.interface, stats.npm, stats.functions.length], ['src/modules/textStats.contract.ts', 'text-stats', 5]);
    assert.match(String(fixed.artifacts.find((a) => a.path === '.gati/generated/context.ts')!.contents), "textStats: typeof import('../../src/modules/textStats.contract.js');");
  } finally {
    writeFileSync(types, typesBefore);
    writeFileSync(config, configBefore);
    rmSync(join(app.dir, 'src/modules/textStats.contract.ts'), { force: true });
  }
});

test.run();
