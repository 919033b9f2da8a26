// What the build writes for the panel (emitters/control) and the runtime reads back
// (api/app-data.ts): dist/control/app.json (the graph, its layout, the routes and the deploy
// environments: a pure function of the model and the config) and dist/control/versions.json (the
// released versions and the changes between consecutive ones: written by `gati build` once the version is
// recorded). The emitter imports these types and the summary below; nothing here touches the disk.
import type { DeployEnvironment, RouteSummary, Topology } from '../api-types.js';
import type { VersionsSummary } from './versions-summary.js';

export const CONTROL_APP_FILE = 'dist/control/app.json';
export const CONTROL_VERSIONS_FILE = 'dist/control/versions.json';
export const CONTROL_DATA_FORMAT = 1;

export interface ControlAppData {
  format: number;
  app: string;
  topology: Topology;
  routes: RouteSummary[];
  /** Per deploy environment, what the panel needs to find its workloads in a cluster. */
  clusters: ClusterTarget[];
}

/** Where an environment's Kubernetes objects live (the k8s emitter's names). */
export interface ClusterTarget {
  env: string;
  provider: string;
  /** `{region}` already replaced, one per region. */
  namespaces: string[];
  components: { name: string; kind: DeployEnvironment['components'][number]['kind']; deployment: string; hpa?: string }[];
}

export type { VersionsSummary };
