// Which environment's workloads the panel manages in a cluster: the pod's own (GATI_ENV, set by the
// k8s emitter's ConfigMap), in the pod's namespace; the names come from dist/control/app.json.
import type { ClusterTarget, ControlAppData } from './app-data-file.js';
import { kubeApi, type KubeApi } from './kube-api.js';

export interface InCluster {
  kube: KubeApi;
  env: string;
  namespace: string;
  target: ClusterTarget;
  app: string;
}

/** undefined outside a cluster; an error message when in one but the app data does not name this environment. */
export function inCluster(data: ControlAppData | undefined, env: NodeJS.ProcessEnv = process.env): InCluster | string | undefined {
  const kube = kubeApi(env);
  if (!kube) return undefined;
  const name = env['GATI_ENV'];
  const target = data?.clusters.find((c) => c.env === name);
  if (!name || !target) return `in a cluster, but ${name ? `the build has no deploy environment '${name}'` : 'GATI_ENV is not set'}: the panel cannot tell which workloads are this app's`;
  return { kube, env: name, namespace: kube.namespace ?? target.namespaces[0]!, target, app: data!.app };
}

export const deploymentPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(name)}`;
export const hpaPath = (ns: string, name: string) => `/apis/autoscaling/v2/namespaces/${encodeURIComponent(ns)}/horizontalpodautoscalers/${encodeURIComponent(name)}`;
export const replicaSetsPath = (ns: string, selector: string) => `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets?labelSelector=${encodeURIComponent(selector)}`;
