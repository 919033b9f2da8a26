// `gati dev` emits before its first answer only what the server loads or reads (BuildOptions.deferEmit:
// the route table, validators, serializers, schemas, the panel's data without the topology's layout),
// and the rest (the layout, OpenAPI, the SDK, model.json, the context types) once it answers: in the
// end the same files as a build that emits everything at once (the layout computed in a worker thread
// as in this one), and the panel's topology has its layout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BuildSession, type BuildResult } from '../driver/build.js';
import { MODEL_FILE } from '../emitters/model/index.js';
import { CONTROL_APP_FILE } from '../runtime-shim/control/app-data/app-data-file.js';
import type { Topology } from '../runtime-shim/control/api-types.js';
import type { Artifact } from '../emitters/artifact.js';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';

const OPTIONS = { infra: false, versions: 'warn', typecheck: 'deferred' } as const;
const bytes = (artifacts: Artifact[]) => new Map(artifacts.map((a) => [a.path, String(a.contents)]));
const topologyOf = (artifacts: Artifact[]) => (JSON.parse(String(artifacts.find((a) => a.path === CONTROL_APP_FILE)!.contents)) as { topology: Topology }).topology;

test('deferEmit: the serving emitters first, the rest from emitDeferred(), together what one build emits', async () => {
  const dir = copyFixture('serving');
  try {
    // With its disk cache, as gati dev's (the plain session below then lays the graph out itself, in this thread).
    const session = new BuildSession(dir, { ...OPTIONS, deferEmit: true, diskCache: true });
    const first = await session.build();
    assert.ok(first.ok, JSON.stringify(first.diagnostics));
    const paths = first.artifacts.map((a) => a.path);
    for (const served of ['dist/router.mjs', 'dist/validators/index.mjs', 'dist/serializers/index.mjs', 'dist/schemas/index.json', CONTROL_APP_FILE]) assert.ok(paths.includes(served), `${served} is emitted before the first answer`);
    for (const later of [MODEL_FILE, 'dist/openapi.json', '.gati/generated/context.ts', '.gati/generated/client.ts']) assert.not.ok(paths.includes(later), `${later} waits for emitDeferred()`);
    const early = topologyOf(first.artifacts);
    assert.ok(early.nodes.length > 0, 'the panel has the graph at once');
    assert.is(early.layout, undefined, 'the layout is not computed before the first answer');

    // As gati dev does it: the layout in a worker thread first, then the rest.
    await session.layOutDeferred();
    const rest = session.emitDeferred()!;
    const plain: BuildResult = await new BuildSession(dir, OPTIONS).build();
    assert.equal(bytes(rest), bytes(plain.artifacts), 'emitDeferred() gives what a build without deferEmit gives (the layout laid out in this thread), byte for byte');
    assert.ok(topologyOf(rest).layout!.width > 0, 'with the layout');
    assert.is(session.emitDeferred(), undefined, 'nothing left');

    const next = await session.rebuild([join(dir, 'src/handlers/teapot.ts')]);
    assert.equal(bytes(next.artifacts), bytes(plain.artifacts), 'later builds emit everything');
  } finally {
    removeDir(dir);
  }
});

test('gati dev: the rest is emitted after the server answers, and the panel then serves the laid-out topology', async () => {
  const dir = copyFixture('serving');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    for (const t0 = Date.now(); !/the rest emitted/.test(dev.output()) && Date.now() - t0 < 60_000; ) await new Promise((r) => setTimeout(r, 50));
    const output = dev.output();
    assert.match(output, /the rest emitted/);
    assert.ok(output.indexOf('serving on') < output.indexOf('the rest emitted'), 'the server listened before the rest was emitted');
    const res = await fetch(`${dev.url}/_control/api/topology`);
    assert.is(res.status, 200);
    const topology = (await res.json()) as Topology;
    assert.ok(topology.layout && topology.layout.width > 0, 'the topology has its layout');
    assert.ok(topology.nodes.every((n) => n.layout), 'every node has its box');
    for (const file of [MODEL_FILE, 'dist/openapi.json', '.gati/generated/client.ts']) assert.ok(existsSync(join(dir, file)), `${file} is written`);
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test.run();
