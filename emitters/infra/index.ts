// Infrastructure for every deploy environment of the config: the Dockerfile, Kubernetes charts, and the
// provider's edge (AWS CloudFormation, Azure ARM; GCP's edge is in the charts). The image tag defaults
// to the content hash of everything else the build emitted, so equal builds give equal tags.
import { createHash } from 'node:crypto';
import type { AppModel } from '../../model/app-model.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { emitDocker } from '../docker/index.js';
import { emitK8s } from '../infra-k8s/index.js';
import { emitAzure } from '../infra-azure/index.js';
import { effectsTemplatePath, emitAzureEffects } from '../infra-azure/effects.js';
import { emitAws, type AwsOptions } from '../infra-aws/index.js';
import { planEnv, type EnvPlan } from './plan.js';
import { emitArgoCd } from '../gitops/argocd.js';
import { emitGithubActions } from '../ci/github-actions.js';
import type { Runtime } from '../../model/engines.js';
import { dashboardPath, grafanaDashboard } from './grafana-dashboard.js';

export interface InfraOptions {
  aws?: AwsOptions;
  /** The engine the image runs (default node). */
  runtime?: Runtime;
}

/** sha256 over path and bytes of each artifact, in path order; 12 hex digits. */
export function contentHash(artifacts: Artifact[]): string {
  const hash = createHash('sha256');
  for (const a of [...artifacts].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) {
    hash.update(a.path).update('\0').update(a.contents).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

export function emitInfra(model: AppModel, config: GatiConfig, built: Artifact[], options: InfraOptions = {}): Artifact[] {
  const docker = emitDocker(config.server?.port, options.runtime);
  const tag = contentHash([...built, ...docker]);
  const out = [...docker];
  // One dashboard for every environment (its namespace variable picks one); written under each.
  const dashboard = config.deploy ? grafanaDashboard(model) : undefined;
  for (const env of Object.keys(config.deploy ?? {}).sort()) {
    const plan = planEnv(model, config, env, tag);
    const files: Artifact[] = [...emitK8s(plan)];
    if (plan.provider === 'aws') files.push(...emitAws(plan, options.aws));
    if (plan.provider === 'azure') files.push(...emitAzureEffects(plan), ...emitAzure(plan));
    out.push(...files, jsonArtifact(`infra/${env}/deploy.json`, deployManifest(plan, files)), jsonArtifact(dashboardPath(env, plan.app), dashboard));
    if (plan.config.gitops === 'argocd') out.push(...emitArgoCd(plan));
    if (plan.config.ci === 'github-actions') out.push(...emitGithubActions(plan));
  }
  return out;
}

/** What `gati deploy` reads: the resolved plan's facts and the files to apply, in order. */
export interface DeployManifest {
  env: string;
  app: string;
  provider: EnvPlan['provider'];
  regions: string[];
  domain?: string;
  namespace: string;
  kubeContext?: string;
  image: EnvPlan['image'];
  version: string;
  ingress: string;
  /** `azureEffects`: the ARM template of the effects' storage queues and identity (applied before the workloads). */
  files: { k8s: { cluster: string; regions: Record<string, string> }; aws?: string; azure?: string; azureEffects?: string };
  azure?: { resourceGroup: string };
  custom?: { deployScript: string; cdnScript?: string };
}

function deployManifest(plan: EnvPlan, files: Artifact[]): DeployManifest {
  const base = `infra/${plan.env}`;
  const manifest: DeployManifest = {
    env: plan.env,
    app: plan.app,
    provider: plan.provider,
    regions: plan.regions,
    ...(plan.domain ? { domain: plan.domain } : {}),
    namespace: plan.namespace,
    ...(plan.kubeContext ? { kubeContext: plan.kubeContext } : {}),
    image: plan.image,
    version: plan.image.tag,
    ingress: plan.app,
    files: { k8s: { cluster: `${base}/k8s/cluster.k8s.yaml`, regions: Object.fromEntries(plan.regions.map((r) => [r, `${base}/k8s/${r}.k8s.yaml`])) } },
  };
  if (files.some((f) => f.path.startsWith(`${base}/aws/`))) manifest.files.aws = `${base}/aws`;
  if (files.some((f) => f.path.startsWith(`${base}/azure/frontdoor`))) manifest.files.azure = `${base}/azure/frontdoor.template.json`;
  if (files.some((f) => f.path === effectsTemplatePath(plan.env))) manifest.files.azureEffects = effectsTemplatePath(plan.env);
  if (plan.config.azure) manifest.azure = plan.config.azure;
  if (plan.config.custom) manifest.custom = plan.config.custom;
  return manifest;
}
