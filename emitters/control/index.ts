// What the control panel shows of the app, decided at build time (docs/control-panel.md):
// dist/control/app.json (the topology with its layout, the routes, the deploy environments) from the
// model and the config, and, once `gati build` records a version, dist/control/versions.json (every
// released version and the compiler's changes between consecutive ones). The runtime reads them
// back (runtime-shim/control/api/app-data.ts); the panel's UI is prebuilt and ships in the package.
import type { AppModel } from '../../model/app-model.js';
import type { ReleasedVersion } from '../../model/api-surface.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import type { RouteSummary } from '../../runtime-shim/control/api-types.js';
import { CONTROL_APP_FILE, CONTROL_DATA_FORMAT, CONTROL_VERSIONS_FILE, type ControlAppData } from '../../runtime-shim/control/app-data/app-data-file.js';
import { summarizeVersions, type SnapshotLike } from '../../runtime-shim/control/app-data/versions-summary.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { topologyGraph } from './topology.js';
import { layoutTopology, type LayoutCache } from './layout.js';
import { deployEnvironments } from './environments.js';

/** `deferLayout`: the layout only if the cache holds it (see EmitContext.deferLayout). */
export function controlAppData(model: AppModel, config: GatiConfig, layoutCache?: LayoutCache, deferLayout = false): ControlAppData {
  const { nodes, edges, layout } = layoutTopology(topologyGraph(model, config), layoutCache, !deferLayout);
  const { environments, clusters } = deployEnvironments(model, config);
  return { format: CONTROL_DATA_FORMAT, app: model.app.name, topology: { nodes, edges, environments, layout }, routes: routeSummaries(model), clusters };
}

function routeSummaries(model: AppModel): RouteSummary[] {
  return model.routes.map((r) => ({
    key: r.key,
    method: r.method,
    path: r.path,
    kind: r.method === 'WS' ? 'ws' : 'http',
    file: r.file,
    middleware: r.middleware,
    modules: r.modules,
    effects: r.effects,
    statuses: Object.keys(r.output).map(Number).sort((a, b) => a - b),
  }));
}

export function emit(model: AppModel, config: GatiConfig, layoutCache?: LayoutCache, deferLayout = false): Artifact[] {
  return [jsonArtifact(CONTROL_APP_FILE, controlAppData(model, config, layoutCache, deferLayout))];
}

/** The released versions (the snapshots the release phase gets carry their changes). */
export function emitVersions(releases: readonly ReleasedVersion[]): Artifact[] {
  return releases.length ? [jsonArtifact(CONTROL_VERSIONS_FILE, summarizeVersions(releases as readonly SnapshotLike[]))] : [];
}
