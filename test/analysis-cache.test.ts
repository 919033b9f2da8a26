// The analysis cache (driver/analysis-cache.ts, BuildOptions.analysisCache) on real builds: what
// makes a saved analysis stale (content, the list of files, the options), what does not (a file's
// time alone), and that an analysis with errors is never saved. test/dev.test.ts runs it under gati dev.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildSession, type BuildOptions } from '../driver/build.js';
import { copyFixture, removeDir } from './helpers/server.js';

const DEV: BuildOptions = { infra: false, versions: 'warn', typecheck: 'deferred', emit: 'none' };

/** A first build as gati dev's: true when its analysis came from the cache; `save` then saves a full one. */
async function start(dir: string, options: BuildOptions = {}, save = true): Promise<boolean> {
  const session = new BuildSession(dir, { ...DEV, ...options, analysisCache: true });
  const result = await session.build({ fromCache: true });
  if (save) session.saveAnalysis();
  return result.analysisFromCache === true;
}

test('a saved analysis is taken while nothing it read changed, by content', async () => {
  const dir = copyFixture('payments');
  try {
    const built = await new BuildSession(dir, { ...DEV, analysisCache: 'write' }).build();
    assert.ok(built.ok);
    assert.ok(existsSync(join(dir, '.gati/cache/analysis.json')), "written by a 'write' session's build");
    assert.ok(await start(dir));

    // The same bytes with a new time: still taken.
    const common = join(dir, 'src/types/common.ts');
    utimesSync(common, new Date(), new Date());
    assert.ok(await start(dir));

    // A shared type's content: analysed again, and the new type is in the model.
    const text = readFileSync(common, 'utf8');
    writeFileSync(common, text.replace(/export type Currency = [^;]+;/, "export type Currency = 'USD' | 'EUR' | 'INR' | 'GBP';"));
    const session = new BuildSession(dir, { ...DEV, analysisCache: true });
    const fresh = await session.build({ fromCache: true });
    assert.not.ok(fresh.analysisFromCache);
    const currency = fresh.model.types.Currency!.type;
    assert.ok(currency.kind === 'union' && currency.members.length === 4);
    session.saveAnalysis();
    // Saved by that session: the next start takes it, with the new type.
    const next = new BuildSession(dir, { ...DEV, analysisCache: true });
    const cached = await next.build({ fromCache: true });
    assert.ok(cached.analysisFromCache);
    assert.is(JSON.stringify(cached.model), JSON.stringify(fresh.model));

    // A file added anywhere in the app (it could change how an import resolves): analysed again; removed, taken again.
    mkdirSync(join(dir, 'src/lib'));
    writeFileSync(join(dir, 'src/lib/extra.ts'), 'export const extra = 1;\n');
    assert.not.ok(await start(dir, {}, false));
    rmSync(join(dir, 'src/lib'), { recursive: true });
    assert.ok(await start(dir));

    // Other analyzer options (no type check: no context types in the program): not taken.
    assert.not.ok(await start(dir, { typecheck: 'skip' }, false));
    assert.ok(await start(dir));
  } finally {
    removeDir(dir);
  }
});

test('an analysis with errors is not saved, and removes the one saved before', async () => {
  const dir = copyFixture('payments');
  try {
    assert.not.ok(await start(dir));
    assert.ok(existsSync(join(dir, '.gati/cache/analysis.json')));
    const handler = join(dir, 'src/handlers/payments/capture.ts');
    writeFileSync(handler, `${readFileSync(handler, 'utf8')}\nexport const broken = ;\n`);
    const session = new BuildSession(dir, { ...DEV, analysisCache: true });
    assert.not.ok((await session.build({ fromCache: true })).ok);
    session.saveAnalysis();
    assert.not.ok(existsSync(join(dir, '.gati/cache/analysis.json')));
  } finally {
    removeDir(dir);
  }
});

test.run();
