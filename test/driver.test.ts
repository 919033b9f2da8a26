// The build driver (driver/): one list of emitters, each an Emitter runnable alone, run in order by
// the emit stage; the release emitters read the recorded versions from the context; `--verbose`
// prints every stage a build ran, with its time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp, emitAll } from '../driver/build.js';
import { emit } from '../driver/emit.js';
import { StageClock } from '../driver/stages.js';
import { EMITTERS, openApiEmitter, versionsEmitter } from '../emitters/index.js';
import type { EmitContext } from '../emitters/emitter.js';
import type { Artifact } from '../emitters/artifact.js';
import { surfaceOf, surfaceHash } from '../compiler/versions/surface.js';
import type { ReleasedVersion } from '../model/api-surface.js';
import { fixture } from './helpers/paths.js';
import { copyFixture, gatiSync, removeDir } from './helpers/server.js';

const paths = (artifacts: readonly Artifact[]) => artifacts.map((a) => a.path);

test('one list: unique names, infra last of the build, the release emitters after it', () => {
  const names = EMITTERS.map((e) => e.name);
  assert.equal([...new Set(names)], names, 'unique names');
  const build = EMITTERS.filter((e) => e.phase !== 'release').map((e) => e.name);
  assert.is(build.at(-1), 'infra');
  assert.equal(EMITTERS.filter((e) => e.phase === 'release').map((e) => e.name), ['versions', 'version-validators', 'control-versions']);
  assert.equal(EMITTERS.slice(-3).map((e) => e.phase), ['release', 'release', 'release']);
});

test('each emitter alone gives its own share of the build, in the list order', async () => {
  const built = await buildApp(fixture('payments'), { emit: 'none', versions: 'skip', infra: false });
  assert.ok(built.ok);
  const ctx: EmitContext = { config: built.config, infra: false, apiVersion: '1.2.3' };
  const all = emitAll(built.model, ctx);
  const oneByOne: Artifact[] = [];
  for (const emitter of EMITTERS.filter((e) => e.phase !== 'release')) oneByOne.push(...emitter.emit(built.model, { ...ctx, previous: [...oneByOne] }));
  assert.equal(paths(oneByOne), paths(all));
  assert.ok(paths(all).includes('.gati/model.json') && paths(all).includes('dist/router.mjs') && paths(all).includes('.gati/generated/context.ts'));
  assert.not.ok(paths(all).some((p) => p.startsWith('infra/') || p === 'dist/Dockerfile'), 'no infra when ctx.infra is false');
  // An emitter reads its options from the context: the semver reaches the OpenAPI document.
  const openapi = JSON.parse(String(openApiEmitter.emit(built.model, ctx)[0]!.contents)) as { info: { version: string } };
  assert.is(openapi.info.version, '1.2.3');
  // 'generated' only: what `gati generate` writes.
  assert.equal(paths(emit({ model: built.model, ctx, phases: ['generated'] })).filter((p) => !p.startsWith('.gati/cache/sdk/') && !p.startsWith('sdk/')), ['.gati/generated/context.ts', '.gati/generated/client.ts']);
});

test('the release emitters read the recorded versions from the context, and nothing else', async () => {
  const built = await buildApp(fixture('payments'), { emit: 'none', versions: 'skip', infra: false });
  const surface = surfaceOf(built.model);
  const release: ReleasedVersion = { semver: '1.0.0', timestamp: '2026-11-26T11:30:00Z', hash: surfaceHash(surface), bump: 'initial', versionChanges: [], surface };
  assert.equal(versionsEmitter.emit(built.model, { config: {} }), [], 'no versions without releases');
  const [manifest, ...rest] = emit({ model: built.model, ctx: { config: {}, releases: [release] }, phases: ['release'] });
  assert.equal(paths(rest), ['dist/control/versions.json'], "one version: no old validators, the panel's summary");
  assert.is(manifest!.path, 'dist/versions.json');
  const parsed = JSON.parse(String(manifest!.contents)) as { current: string; versions: { routes: Record<string, unknown> }[] };
  assert.is(parsed.current, '1.0.0');
  assert.equal(Object.keys(parsed.versions[0]!.routes).sort(), Object.keys(surface.routes).sort());
});

test('the stage clock keeps each stage in order, summing a stage that ran twice', async () => {
  const clock = new StageClock();
  clock.time('emit', () => 1);
  await clock.timeAsync('write', async () => 2);
  clock.time('emit', () => 3);
  assert.equal(clock.timings.map((t) => t.stage), ['emit', 'write', 'emit']);
  assert.ok(clock.ms('emit') >= 0 && clock.ms('bundle') === 0);
  assert.throws(() => clock.time('record', () => { throw new Error('boom'); }), /boom/);
  assert.is(clock.timings.at(-1)!.stage, 'record', 'a failed stage is timed too');
});

test('gati build --verbose prints each stage it ran with its time; without it, no stage line', () => {
  const dir = copyFixture('payments');
  try {
    const verbose = gatiSync(['build', dir, '--verbose']);
    assert.is(verbose.status, 0, verbose.stderr);
    const line = verbose.stdout.split('\n').find((l) => l.trimStart().startsWith('stages'));
    assert.ok(line, verbose.stdout);
    const stages = [...line!.matchAll(/(\w+) (\d+) ms/g)].map((m) => m[1]);
    assert.equal(stages, ['discover', 'config', 'analyze', 'checks', 'versions', 'typecheck', 'emit', 'record', 'emit', 'write', 'bundle']);
    const quiet = gatiSync(['build', dir]);
    assert.is(quiet.status, 0, quiet.stderr);
    assert.not.ok(quiet.stdout.includes('stages '), quiet.stdout);
  } finally {
    removeDir(dir);
  }
});

test.run();
