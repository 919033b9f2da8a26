// Argo CD for `deploy.<env>.gitops: 'argocd'`: Argo CD syncs the environment's committed charts
// (infra/<env>/k8s) instead of `gati deploy` applying them. One region: an Application; several: an
// ApplicationSet with one element per region, so each region's Application syncs only
// cluster.k8s.yaml and its own <region>.k8s.yaml to its own cluster (never every region's chart to
// one cluster: the objects have the same names). Pure: plan in, YAML out.
import { stringify } from 'yaml';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { regionNamespace, type EnvPlan } from '../infra/plan.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';

/** In-cluster API server: where Argo CD runs, when the environment names no kubectl context. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

export function emitArgoCd(plan: EnvPlan): Artifact[] {
  const argocd = plan.config.argocd!;
  const path = `infra/${plan.env}/k8s`;
  const labels = { 'app.kubernetes.io/name': plan.app, 'app.kubernetes.io/instance': `${plan.app}-${plan.env}`, 'app.kubernetes.io/managed-by': 'gati' };
  const source = (region: string) => ({
    repoURL: argocd.repoURL,
    targetRevision: argocd.revision ?? CONFIG_DEFAULTS.deploy.argocd.revision,
    path,
    directory: { include: `{cluster.k8s.yaml,${region}.k8s.yaml}` },
  });
  // The Argo CD cluster of a region: the kubectl context's name, as `argocd cluster add <context>` registers it.
  const destination = (region: string, namespace: string) =>
    plan.kubeContext ? { name: plan.kubeContext.replace(/\{region\}/g, region), namespace } : { server: IN_CLUSTER, namespace };
  const syncPolicy = {
    automated: { prune: true, selfHeal: true },
    // Server-side apply, as `gati deploy` does; cluster.k8s.yaml creates the namespace.
    syncOptions: ['ServerSideApply=true'],
  };
  const file = `infra/${plan.env}/argocd/${plan.regions.length === 1 ? 'application' : 'applicationset'}.yaml`;
  if (plan.regions.length === 1) {
    const region = plan.regions[0]!;
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: `${plan.app}-${plan.env}`, namespace: 'argocd', labels },
      spec: { project: argocd.project ?? CONFIG_DEFAULTS.deploy.argocd.project, source: source(region), destination: destination(region, regionNamespace(plan.namespace, region)), syncPolicy },
    };
    return [yaml(file, app)];
  }
  const set = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `${plan.app}-${plan.env}`, namespace: 'argocd', labels },
    spec: {
      generators: [{ list: { elements: plan.regions.map((region) => ({ region, namespace: regionNamespace(plan.namespace, region), ...destinationElement(plan, region) })) } }],
      template: {
        metadata: { name: `${plan.app}-${plan.env}-{{region}}`, labels },
        spec: {
          project: argocd.project ?? CONFIG_DEFAULTS.deploy.argocd.project,
          source: { ...source('{{region}}') },
          destination: plan.kubeContext ? { name: '{{cluster}}', namespace: '{{namespace}}' } : { server: IN_CLUSTER, namespace: '{{namespace}}' },
          syncPolicy,
        },
      },
    },
  };
  return [yaml(file, set)];
}

function destinationElement(plan: EnvPlan, region: string): Record<string, string> {
  return plan.kubeContext ? { cluster: plan.kubeContext.replace(/\{region\}/g, region) } : {};
}

function yaml(path: string, object: unknown): Artifact {
  return { path, contents: `# ${GENERATED_HEADER}\n${stringify(object, { lineWidth: 0 })}` };
}
