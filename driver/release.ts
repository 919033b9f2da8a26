// The stages after a clean build that only `gati build` and `gati deploy` run: record the API
// version, emit what serves the released versions (the emitters of the 'release' phase), write
// everything, and bundle the server. What is deployed is a recorded version.
import type { RecordResult } from '../compiler/versions/store.js';
import type { Artifact } from '../emitters/artifact.js';
import { VERSIONS_MANIFEST } from '../emitters/versions/index.js';
import type { BuildResult } from './build.js';
import { Bundler, type BundleResult } from './bundle.js';
import { copyControlUi } from './control-ui-files.js';
import { emit } from './emit.js';
import * as stage from './stages.js';

export interface Released {
  artifacts: Artifact[];
  written: string[];
}

/** record: the version this build releases, under the store's lock (undefined when the build planned none). */
export function recordRelease(root: string, result: BuildResult, clock: stage.StageClock): RecordResult | undefined {
  const versions = result.versions;
  return versions && clock.time('record', () => stage.record({ root, versions }));
}

/** emit (release phase) and write: the build's artifacts with those serving the recorded versions. */
export function writeRelease(root: string, result: BuildResult, recorded: RecordResult | undefined, clock: stage.StageClock): Released {
  const releases = recorded ? clock.time('emit', () => emit({ model: result.model, ctx: { config: result.config, releases: recorded.snapshots }, phases: ['release'] })) : [];
  const artifacts = [...result.artifacts, ...releases];
  const { written } = clock.time('write', () => stage.write({ root, artifacts }));
  return { artifacts, written };
}

/** bundle: dist/server.mjs, once, with the `gati:versions` module made from the manifest among `artifacts`; then dist/control-ui. */
export async function bundle(input: { root: string; artifacts?: readonly Artifact[] }, clock: stage.StageClock): Promise<BundleResult> {
  const manifest = input.artifacts?.find((a) => a.path === VERSIONS_MANIFEST)?.contents;
  const bundler = new Bundler(input.root, { versionsManifest: typeof manifest === 'string' ? manifest : undefined });
  try {
    const bundled = await clock.timeAsync('bundle', () => bundler.build());
    // The control panel's files ship beside the server (dist/control-ui).
    if (bundled.ok) copyControlUi(input.root);
    return bundled;
  } finally {
    await bundler.dispose();
  }
}
