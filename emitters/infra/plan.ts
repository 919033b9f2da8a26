// One deploy environment resolved from config + model: every default applied, every name chosen.
// The infrastructure emitters (k8s, aws, azure, docker) and `gati deploy` read only this.
import type { AppModel } from '../../model/app-model.js';
import type { DeployEnvConfig, DeployProvider, GatiConfig, ResourceQuantities } from '../../runtime-shim/config.js';
import { effectsConfigFor } from '../../runtime-shim/effects/effects-config.js';
import { CONFIG_DEFAULTS, PROCESS_DEFAULTS } from '../../runtime-shim/defaults.js';
import { cloudQueue, type CloudQueue } from './cloud-queue.js';

const DEPLOY_DEFAULTS = CONFIG_DEFAULTS.deploy;
const { requests, limits } = DEPLOY_DEFAULTS.resources;
/** The pod keeps serving this long after SIGTERM, so endpoints and load balancers drop it first. */
export const PRE_STOP_SECONDS = 5;
/**
 * The runtime's admin port (`--admin-port` / `ADMIN_PORT`): `GET /metrics` in the Prometheus text
 * format, never on the public port. The pods set `ADMIN_PORT` to it, so the charts and the server agree.
 */
export const ADMIN_PORT = PROCESS_DEFAULTS.adminPort;

export interface Component {
  /** `api` (split 'none'), else the top-level folder of src/handlers, or `root` for files directly in it. */
  name: string;
  /** Kubernetes name: `<app>-<name>`. */
  resource: string;
  /** First path segments this component answers (`/payments`); `/` is the catch-all. */
  prefixes: string[];
  routes: string[];
}

export interface ContainerModule {
  name: string;
  resource: string;
  image: string;
  port: number;
  /** Its own autoscaler and disruption budget: a module scales apart from the app. */
  scaling: Scaling;
}

export interface Scaling {
  min: number;
  max: number;
  cpuTarget: number;
  requests: Required<ResourceQuantities>;
  limits: Required<ResourceQuantities>;
}

export interface EnvPlan {
  env: string;
  app: string;
  provider: DeployProvider;
  regions: string[];
  domain?: string;
  namespace: string;
  kubeContext?: string;
  image: { repository: string; tag: string; ref: string };
  port: number;
  shutdownMs: number;
  /** > shutdown deadline + preStop delay, so the kubelet never kills a draining server. */
  terminationGraceSeconds: number;
  api: Scaling;
  components: Component[];
  worker?: Scaling & { resource: string };
  modules: ContainerModule[];
  envVars: Record<string, string>;
  secrets: Record<string, { secret: string; key: string }>;
  ingressClass: string;
  /** Paths of the app's WebSocket routes (method 'WS'), sorted; the edges keep idle sockets open only when there are some. */
  websocketPaths: string[];
  /** The control panel runs in the api pods (`deploy.<env>.control.enabled`, else `control.enabled`): they get its RBAC. */
  control: boolean;
  /** cert-manager's ACME issuer (kubernetes, azure, custom); `dns01` is the user's DNS-01 solver, else HTTP-01. */
  tls?: { issuer: string; email?: string; staging: boolean; dns01?: Record<string, unknown> };
  /** The effects' queue on the provider's own service (sqs on aws, pubsub on gcp, azure-queue on azure). */
  queue?: CloudQueue;
  /** Metrics on `adminPort` (always); a ServiceMonitor when asked; traces to an OTLP endpoint when one is given. */
  observability: { adminPort: number; serviceMonitor: boolean; otlpEndpoint?: string };
  config: DeployEnvConfig;
}

export interface PrefixConflict {
  prefix: string;
  components: string[];
  routes: string[];
}

/** Components of split 'domain': routes grouped by top-level handler folder, with their path prefixes. */
export function splitComponents(model: AppModel, app: string, split: 'none' | 'domain'): { components: Component[]; conflicts: PrefixConflict[] } {
  if (split === 'none' || model.routes.length === 0) {
    return { components: [{ name: 'api', resource: `${app}-api`, prefixes: ['/'], routes: model.routes.map((r) => r.key) }], conflicts: [] };
  }
  const byName = new Map<string, Component>();
  const owners = new Map<string, Map<string, string[]>>();
  for (const route of model.routes) {
    const rel = route.file.replace(/^src\/handlers\//, '');
    const name = rel.includes('/') ? k8sName(rel.split('/')[0]!) : 'root';
    const component = byName.get(name) ?? { name, resource: `${app}-${name}`, prefixes: [], routes: [] };
    byName.set(name, component);
    component.routes.push(route.key);
    const first = route.path.split('/')[1] ?? '';
    const prefix = first === '' || first.startsWith(':') || first === '*' ? '/' : `/${first}`;
    if (!component.prefixes.includes(prefix)) component.prefixes.push(prefix);
    const owner = owners.get(prefix) ?? new Map<string, string[]>();
    owners.set(prefix, owner);
    owner.set(name, [...(owner.get(name) ?? []), route.key]);
  }
  const conflicts: PrefixConflict[] = [];
  for (const [prefix, owner] of [...owners].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (owner.size > 1) conflicts.push({ prefix, components: [...owner.keys()].sort(), routes: [...owner.values()].flat().sort() });
  }
  const components = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of components) c.prefixes.sort();
  return { components, conflicts };
}

/** A DNS-1123 label from a folder name (`Billing_v2` → `billing-v2`). */
export function k8sName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
}

function scaling(replicas: { min?: number; max?: number } | undefined, resources: { requests?: ResourceQuantities; limits?: ResourceQuantities } | undefined, cpuTarget: number | undefined, dflt: { min: number; max: number }): Scaling {
  const min = replicas?.min ?? Math.min(dflt.min, replicas?.max ?? dflt.min);
  return {
    min,
    max: replicas?.max ?? Math.max(dflt.max, min),
    cpuTarget: cpuTarget ?? DEPLOY_DEFAULTS.cpuTarget,
    requests: { cpu: resources?.requests?.cpu ?? requests.cpu, memory: resources?.requests?.memory ?? requests.memory },
    limits: { cpu: resources?.limits?.cpu ?? limits.cpu, memory: resources?.limits?.memory ?? limits.memory },
  };
}

export function planEnv(model: AppModel, config: GatiConfig, env: string, tag: string): EnvPlan {
  const d = config.deploy![env]!;
  const app = model.app.name;
  const shutdownMs = config.server?.shutdownTimeoutMs ?? CONFIG_DEFAULTS.server.shutdownTimeoutMs;
  const repository = d.image?.repository ?? app;
  const imageTag = d.image?.tag ?? tag;
  const workersOn = d.workers?.enabled ?? model.effects.length > 0;
  const modules: ContainerModule[] = Object.entries(config.modules ?? {})
    .filter(([, m]) => m.container?.image)
    .map(([name, m]) => ({ name, resource: `${app}-module-${k8sName(name)}`, image: m.container!.image, port: m.container!.port ?? CONFIG_DEFAULTS.modules.port, scaling: scaling(undefined, undefined, undefined, DEPLOY_DEFAULTS.replicas) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const tlsOn = d.domain !== undefined && (d.provider === 'kubernetes' || d.provider === 'azure' || d.provider === 'custom');
  return {
    env,
    app,
    provider: d.provider,
    regions: d.regions ?? [...DEPLOY_DEFAULTS.regions],
    domain: d.domain,
    namespace: d.namespace ?? app,
    kubeContext: d.kubeContext,
    image: { repository, tag: imageTag, ref: `${repository}:${imageTag}` },
    port: config.server?.port ?? CONFIG_DEFAULTS.server.port,
    shutdownMs,
    terminationGraceSeconds: Math.ceil(shutdownMs / 1000) + PRE_STOP_SECONDS + 5,
    api: scaling(d.replicas, d.resources, d.cpuTarget, DEPLOY_DEFAULTS.replicas),
    components: splitComponents(model, app, d.split ?? DEPLOY_DEFAULTS.split).components,
    worker: workersOn ? { ...scaling(d.workers?.replicas, d.workers?.resources, d.workers?.cpuTarget, DEPLOY_DEFAULTS.workers.replicas), resource: `${app}-worker` } : undefined,
    modules,
    envVars: d.env ?? {},
    secrets: d.secrets ?? {},
    ingressClass: d.ingressClass ?? DEPLOY_DEFAULTS.ingressClass[d.provider],
    websocketPaths: model.routes.filter((r) => r.method === 'WS').map((r) => r.path).sort(),
    control: d.control?.enabled ?? config.control?.enabled ?? CONFIG_DEFAULTS.control.enabled,
    queue: cloudQueue(app, env, d, effectsConfigFor(config, env).config, model.effects.length > 0),
    observability: { adminPort: ADMIN_PORT, serviceMonitor: d.observability?.serviceMonitor ?? false, ...(d.observability?.otlpEndpoint ? { otlpEndpoint: d.observability.otlpEndpoint } : {}) },
    tls: tlsOn ? { issuer: `letsencrypt-${d.tls?.staging ? 'staging' : 'prod'}`, email: d.tls?.email, staging: d.tls?.staging ?? false, ...(d.tls?.dns01 ? { dns01: d.tls.dns01 } : {}) } : undefined,
    config: d,
  };
}

/**
 * What a deploy environment lacks to run the app's effects, or null. Every api pod enqueues and
 * every worker pod claims, so all of them must share one queue: the embedded SQLite backend cannot
 * be it (the pods' root file system is read-only, and a volume would still give each pod, or each
 * node, a file of its own; SQLite's locks are not safe on a network file system). Redis can, given
 * a URL: `effects.url`, or `REDIS_URL` in the environment's `env` or `secrets`. GATI3011.
 */
export function deployedEffectsProblem(model: AppModel, config: GatiConfig, env: string): 'sqlite' | 'redis-url' | null {
  if (model.effects.length === 0) return null;
  // The environment's own backend (`deploy.<env>.effects`) when it has one: a local SQLite is fine.
  const effects = effectsConfigFor(config, env).config;
  if ((effects?.backend ?? CONFIG_DEFAULTS.effects.backend) === 'sqlite') return 'sqlite';
  // The cloud queues (sqs, pubsub, azure-queue) find their service through the cloud's own variables and credentials, not a URL.
  if (effects?.backend !== 'redis') return null;
  const d = config.deploy?.[env];
  if (effects?.url === undefined && d?.env?.['REDIS_URL'] === undefined && d?.secrets?.['REDIS_URL'] === undefined) return 'redis-url';
  return null;
}

/** The namespace of one region: `{region}` in `deploy.<env>.namespace` is replaced. */
export function regionNamespace(namespace: string, region: string): string {
  return namespace.replace(/\{region\}/g, region);
}

/** The failover record a CDN sends every request to (AWS): `origin.<domain>`. */
export function originHost(plan: EnvPlan): string | undefined {
  return plan.domain ? `origin.${plan.domain}` : undefined;
}

/**
 * Hosts the Ingress of one region answers: the domain, the region's host and, behind CloudFront, the
 * failover origin. Behind Front Door only the region's host: Front Door owns the domain and forwards
 * with `originHostHeader` set to the region's host.
 */
export function ingressHosts(plan: EnvPlan, region: string): string[] {
  if (!plan.domain) return [];
  if (plan.provider === 'azure') return [regionHost(plan, region)!];
  // Regions in one cluster (namespace per region): two Ingresses claiming one host would collide
  // in its ingress controller, so only the primary answers the domain there.
  if (region !== plan.regions[0] && !plan.kubeContext?.includes('{region}') && plan.regions.length > 1) return [regionHost(plan, region)!];
  return [plan.domain, regionHost(plan, region)!, ...(plan.provider === 'aws' ? [originHost(plan)!] : [])];
}

/** One certificate a region's cluster orders: a cert-manager Certificate (its Secret) or a GKE ManagedCertificate. */
export interface RegionCertificate {
  name: string;
  hosts: string[];
}

/**
 * The certificates one region's cluster orders. An HTTP-01 (or GKE) check reaches the ingress a name
 * resolves to, so an order may hold only names that resolve to this region's ingress: its own
 * `<region>.<domain>` always does; the shared domain does only where its DNS points, which Gati
 * takes to be the primary (first) region when no edge owns it. With a DNS-01 solver, where a name
 * resolves does not matter and every region orders the domain (so failover keeps a valid
 * certificate). Behind Front Door the domain's certificate is Front Door's own, and on AWS every
 * certificate is ACM's, validated by DNS records in Route 53: the cluster orders none there.
 */
export function regionCertificates(plan: EnvPlan, region: string): RegionCertificate[] {
  if (!plan.domain || plan.provider === 'aws') return [];
  const suffix = plan.provider === 'gcp' ? 'cert' : 'tls';
  const own: RegionCertificate = { name: `${plan.app}-${suffix}`, hosts: [regionHost(plan, region)!] };
  if (plan.provider === 'azure') return [own];
  const ordersDomain = plan.tls?.dns01 !== undefined || region === plan.regions[0];
  return ordersDomain ? [own, { name: `${plan.app}-shared-${suffix}`, hosts: [plan.domain] }] : [own];
}

/** Host names of one region: the public domain and `<region>.<domain>`, the origin a CDN or failover record points at. */
export function regionHost(plan: EnvPlan, region: string): string | undefined {
  return plan.domain ? `${region}.${plan.domain}` : undefined;
}
