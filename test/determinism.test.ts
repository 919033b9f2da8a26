// The model is deterministic (two builds give the same bytes) and the incremental path (watch)
// gives the same model as a cold build, re-analyzing only the files that depend on an edit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildApp, emitAll } from '../driver/build.js';
import { Analyzer } from '../compiler/analyze/analyzer.js';
import { stableStringify } from '../model/stable-json.js';
import { fixture } from './helpers/paths.js';

const bytes = (artifacts: { path: string; contents: string | Uint8Array }[]) => artifacts.map((a) => `${a.path}\n${Buffer.from(a.contents).toString('base64')}`).join('\n');

test('two builds of the payments app give byte-identical model and schemas', async () => {
  const a = await buildApp(fixture('payments'));
  const b = await buildApp(fixture('payments'));
  assert.ok(a.ok, 'builds');
  assert.ok(a.artifacts.length > 5);
  assert.fixture(bytes(b.artifacts), bytes(a.artifacts));
});

test('incremental updates match a cold build and touch only dependents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-incr-'));
  try {
    cpSync(fixture('payments'), dir, { recursive: true, filter: (src) => !src.includes('/dist') && !src.includes('.gati/cache') });
    const analyzer = new Analyzer({ root: dir });
    const cold = analyzer.analyze();
    assert.equal(cold.diagnostics, []);
    assert.is(cold.stats.analyzed, cold.stats.files);

    // Edit one handler's own type: only that handler is re-analyzed.
    const capture = join(dir, 'src/handlers/payments/capture.ts');
    writeFileSync(capture, readFileSync(capture, 'utf8').replace('note?: string;', 'note?: string;\n  reference?: string;'));
    const one = analyzer.update([capture]);
    assert.is(one.stats.analyzed, 1);
    const body = one.model.types.CaptureBody!.type;
    assert.ok(body.kind === 'object' && body.properties.some((p) => p.name === 'reference'), 'new property seen');
    assert.is(stableStringify(one.model), stableStringify(new Analyzer({ root: dir }).analyze().model), 'warm == cold after a handler edit');

    // Edit a shared type: every handler that imports it (and only those) is re-analyzed.
    const common = join(dir, 'src/types/common.ts');
    writeFileSync(common, readFileSync(common, 'utf8').replace(/export type Currency = [^;]+;/, "export type Currency = 'USD' | 'EUR' | 'INR' | 'GBP';"));
    const shared = analyzer.update([common]);
    assert.ok(shared.stats.analyzed > 1 && shared.stats.analyzed < shared.stats.files, `re-analyzed ${shared.stats.analyzed} of ${shared.stats.files}`);
    const currency = shared.model.types.Currency!.type;
    assert.ok(currency.kind === 'union' && currency.members.length === 4, 'Currency gained GBP');
    assert.is(stableStringify(shared.model), stableStringify(new Analyzer({ root: dir }).analyze().model), 'warm == cold after a shared edit');

    // A new handler file appears and is analyzed; a deleted one disappears.
    const added = join(dir, 'src/handlers/ping.ts');
    writeFileSync(added, "import type { Handler } from 'gati';\nexport const handler: Handler<{}, { pong: true }> = async () => ({ pong: true });\n");
    assert.ok(analyzer.update([added]).model.routes.some((r) => r.key === 'GET /ping'));
    rmSync(added);
    assert.not.ok(analyzer.update([added]).model.routes.some((r) => r.key === 'GET /ping'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a problem in a shared type stays reported while any handler still uses it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-incr-'));
  try {
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    write('src/types/shared.ts', 'export interface Shared {\n  when: Map<string, string>;\n}\n');
    const handler = (name: string, body: string) => `import type { Handler } from 'gati';\nimport type { Shared } from '../types/shared.js';\nexport const handler: Handler<{ body: ${body} }, { ok: true }> = async () => ({ ok: true });\nexport type Unused${name} = Shared;\n`;
    write('src/handlers/a.post.ts', handler('A', 'Shared'));
    write('src/handlers/b.post.ts', handler('B', 'Shared'));
    const analyzer = new Analyzer({ root: dir });
    const codes = (r: { diagnostics: { code: string; span?: { file: string } }[] }) => r.diagnostics.map((d) => `${d.code} ${d.span?.file}`);
    assert.equal(codes(analyzer.analyze()), ['GATI1005 src/types/shared.ts']);
    write('src/handlers/a.post.ts', handler('A', '{ n: number }'));
    assert.equal(codes(analyzer.update([join(dir, 'src/handlers/a.post.ts')])), ['GATI1005 src/types/shared.ts'], 'b still uses Shared');
    write('src/handlers/b.post.ts', handler('B', '{ n: number }'));
    assert.equal(codes(analyzer.update([join(dir, 'src/handlers/b.post.ts')])), [], 'no handler uses Shared any more');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('emitAll is pure: the same model gives the same artifacts', async () => {
  const { model } = await buildApp(fixture('payments'));
  assert.fixture(bytes(emitAll(model)), bytes(emitAll(JSON.parse(JSON.stringify(model)))));
});

test.run();
