// Checks of the `deploy` section that a JSON Schema says poorly: bounds that must be ordered
// (GATI4010) and keys a provider needs or cannot use (GATI4011). Runs after the schema passed.
import type { DeployEnvConfig, GatiConfig, ReplicasConfig, ResourcesConfig } from '../../runtime-shim/config.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { locateKey } from './locate-key.js';
import { cpuMillis, memoryBytes } from '../../model/quantities.js';
import { effectsConfigFor } from '../../runtime-shim/effects/effects-config.js';
import { queueProvider } from '../../model/queue-provider.js';

export function checkDeployConfig(config: GatiConfig, file: string, text: string, diagnostics: DiagnosticBag): boolean {
  const before = diagnostics.items.length;
  for (const [env, deploy] of Object.entries(config.deploy ?? {})) {
    const at = (key: string) => locateKey(text, file, key.split('.').pop()!);
    const bounds = (path: string, replicas?: ReplicasConfig, resources?: ResourcesConfig) => {
      if (replicas?.min !== undefined && replicas.max !== undefined && replicas.min > replicas.max) {
        diagnostics.report('GATI4010', `config key 'deploy.${env}.${path}replicas.min' (${replicas.min}) is greater than 'replicas.max' (${replicas.max})`, { span: at('min') });
      }
      const req = resources?.requests;
      const lim = resources?.limits;
      if (req?.cpu && lim?.cpu && cpuMillis(req.cpu) > cpuMillis(lim.cpu)) {
        diagnostics.report('GATI4010', `config key 'deploy.${env}.${path}resources.requests.cpu' (${req.cpu}) is greater than its limit (${lim.cpu})`, { span: at('requests') });
      }
      if (req?.memory && lim?.memory && memoryBytes(req.memory) > memoryBytes(lim.memory)) {
        diagnostics.report('GATI4010', `config key 'deploy.${env}.${path}resources.requests.memory' (${req.memory}) is greater than its limit (${lim.memory})`, { span: at('requests') });
      }
    };
    bounds('', deploy.replicas, deploy.resources);
    bounds('workers.', deploy.workers?.replicas, deploy.workers?.resources);
    for (const problem of [...providerProblems(deploy), ...cloudQueueProblems(deploy, effectsConfigFor(config, env).config)]) {
      diagnostics.report('GATI4011', `deploy environment '${env}' (provider '${deploy.provider}'): ${problem.message}`, { span: at(problem.key) });
    }
    const shared = sharedCluster(deploy);
    if (shared) {
      const where = shared.context === undefined ? 'the current kubectl context (no `kubeContext`)' : `the kubectl context '${shared.context}'`;
      diagnostics.report('GATI4012', `deploy environment '${env}': the regions '${shared.regions[0]}' and '${shared.regions[1]}' both deploy to ${where} and the same namespace (${deploy.namespace !== undefined ? `'${deploy.namespace}'` : 'the app name, by default'}): the second region's objects (same names) would overwrite the first's`, {
        span: at(deploy.kubeContext !== undefined ? 'kubeContext' : 'regions'),
      });
    }
  }
  return diagnostics.items.length === before;
}

interface Problem { key: string; message: string }

/**
 * Two regions whose objects land in the same cluster and namespace, or undefined. `gati deploy`
 * applies each region's chart with `kubectl --context <kubeContext, {region} replaced>` (none: the
 * current context), and every region's objects have the same names, so such regions overwrite each
 * other. A custom provider applies nothing itself. `{region}` in the namespace keeps them apart.
 */
export function sharedCluster(d: DeployEnvConfig): { regions: [string, string]; context: string | undefined } | undefined {
  if (d.provider === 'custom' || d.namespace?.includes('{region}')) return undefined;
  const seen = new Map<string | undefined, string>();
  for (const region of d.regions ?? []) {
    const context = d.kubeContext?.replace(/\{region\}/g, region);
    const first = seen.get(context);
    if (first !== undefined) return { regions: [first, region], context };
    seen.set(context, region);
  }
  return undefined;
}

/**
 * What the provider's output needs to create the effects' queue and give the pods (and only them)
 * access to it: the cloud account and each cluster's OIDC issuer (aws: IRSA; azure: Workload
 * Identity), the project (gcp: Workload Identity), and names the service accepts.
 */
function cloudQueueProblems(d: DeployEnvConfig, effects: GatiConfig['effects']): Problem[] {
  const backend = effects?.backend;
  if (queueProvider(backend) !== d.provider) return [];
  const out: Problem[] = [];
  const regions = d.regions ?? ['default'];
  const needs = (present: unknown, key: string, why: string) => {
    if (present === undefined) out.push({ key: 'provider', message: `'${key}' is required with effects on ${backend}: ${why}` });
  };
  const issuers = (map: Record<string, string> | undefined, key: string) => {
    const missing = map ? regions.filter((r) => map[r] === undefined) : regions;
    if (map && missing.length) out.push({ key: 'oidcIssuers', message: `'${key}' has no issuer for the region(s) ${missing.map((r) => `'${r}'`).join(', ')}` });
  };
  if (backend === 'sqs') {
    needs(d.aws?.accountId, 'aws.accountId', "the ARN of the effects role the pods' ServiceAccount names (IRSA)");
    needs(d.aws?.oidcIssuers, 'aws.oidcIssuers', "each EKS cluster's OIDC issuer, which the effects role trusts for the app's ServiceAccount only");
    issuers(d.aws?.oidcIssuers, 'aws.oidcIssuers');
  }
  if (backend === 'pubsub') {
    needs(d.gcp, 'gcp.project', 'the project of the topics and of the Workload Identity binding');
    if (effects?.queue !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{2,249}$/.test(effects.queue)) {
      out.push({ key: 'queue', message: `'${effects.queue}' is not a Pub/Sub topic name (a letter first, 3 to 250 characters)` });
    }
  }
  if (backend === 'azure-queue') {
    needs(d.azure?.identity, 'azure.identity', 'the managed identity (name and client id) the pods run as through Workload Identity');
    needs(d.azure?.oidcIssuers, 'azure.oidcIssuers', "each AKS cluster's OIDC issuer, for the identity's federated credentials");
    issuers(d.azure?.oidcIssuers, 'azure.oidcIssuers');
    // Queue names: lowercase letters, digits and single hyphens, 3 to 63 (58 leaves room for "-dead").
    if (effects?.queue !== undefined && !/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,56}[a-z0-9]$/.test(effects.queue)) {
      out.push({ key: 'queue', message: `'${effects.queue}' is not an Azure queue name (lowercase letters, digits and single hyphens, 3 to 58 characters)` });
    }
    if (effects?.table !== undefined && !/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(effects.table)) {
      out.push({ key: 'table', message: `'${effects.table}' is not an Azure table name (letters and digits, a letter first, 3 to 63 characters)` });
    }
  }
  return out;
}

function providerProblems(d: DeployEnvConfig): Problem[] {
  const out: Problem[] = [];
  const needs = (present: unknown, key: string, why: string) => {
    if (present === undefined) out.push({ key: 'provider', message: `'${key}' is required: ${why}` });
  };
  for (const key of ['aws', 'gcp', 'azure', 'custom'] as const) {
    if (d[key] !== undefined && d.provider !== key) out.push({ key, message: `'${key}' applies only to provider '${key}'` });
  }
  if (d.tls?.dns01 !== undefined && d.provider !== 'kubernetes' && d.provider !== 'custom') {
    out.push({ key: 'dns01', message: "'tls.dns01' applies only to providers 'kubernetes' and 'custom': the edge of aws, gcp and azure certifies the domain itself" });
  }
  if (d.gitops === 'argocd') needs(d.argocd, 'argocd.repoURL', 'the Git repository Argo CD syncs infra/ from');
  if (d.argocd !== undefined && d.gitops !== 'argocd') out.push({ key: 'argocd', message: "'argocd' applies only with gitops: 'argocd'" });
  switch (d.provider) {
    case 'aws':
      needs(d.regions, 'regions', 'the AWS regions of the clusters, the first one primary');
      needs(d.domain, 'domain', 'the CloudFront certificate and the Route 53 records are issued for it');
      needs(d.aws, 'aws.hostedZoneId', 'the Route 53 hosted zone of the domain');
      if ((d.regions?.length ?? 1) > 2) out.push({ key: 'regions', message: 'Route 53 failover pairs a primary with one secondary: give at most two regions' });
      break;
    case 'gcp':
      needs(d.domain, 'domain', 'the GKE ManagedCertificate is issued for it');
      break;
    case 'azure':
      needs(d.domain, 'domain', 'the Front Door custom domain and its certificate are issued for it');
      needs(d.azure, 'azure.resourceGroup', 'the resource group `az deployment group create` deploys Front Door into');
      break;
    case 'custom':
      needs(d.custom, 'custom.deployScript', 'the script that `gati deploy` runs');
      break;
    case 'kubernetes':
      break;
  }
  return out;
}
