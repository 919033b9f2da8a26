// The Kubernetes emitter: per deploy environment, one chart per region (`infra/<env>/k8s/<region>.k8s.yaml`)
// and one cluster-scoped chart (`cluster.k8s.yaml`: Namespace, cert-manager ClusterIssuer), synthesised
// in-process by cdk8s. Pure: plan in, YAML out; byte-stable (explicit names, no hashes, no clock).
import { moduleUrlEnv } from '../../runtime-shim/modules/module-url.js';
import { createRequire } from 'node:module';
import type * as Cdk8s from 'cdk8s';
import type * as Plus from 'cdk8s-plus-33';
import { stringify } from 'yaml';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { ingressHosts, regionCertificates, regionNamespace, type EnvPlan } from '../infra/plan.js';
import { autoscaler, deployment, disruptionBudget, meta, modulePod, serverPod, service } from './workloads.js';
import { gkeEdge, GKE_NAMES } from './gke.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import { pubsubObjects, queueEnv, queuePodLabels, queueServiceAccount } from './cloud-queue.js';
import { websocketIngressAnnotations } from './websocket-edge.js';
import { controlRbac } from './control-rbac.js';
import { metricsServicePort, observabilityEnv, scrapeAnnotations, serviceMonitor, workerMetricsService } from './observability.js';

const require = createRequire(import.meta.url);
let libs: { cdk8s: typeof Cdk8s; k8s: typeof Plus.k8s } | undefined;

/** cdk8s costs ~0.3 s to load: only apps with a deploy section pay for it. */
function load(): { cdk8s: typeof Cdk8s; k8s: typeof Plus.k8s } {
  libs ??= { cdk8s: require('cdk8s') as typeof Cdk8s, k8s: (require('cdk8s-plus-33') as typeof Plus).k8s };
  return libs;
}

export function emitK8s(plan: EnvPlan): Artifact[] {
  const { cdk8s, k8s } = load();
  const app = new cdk8s.App({ outdir: '/nonexistent', recordConstructMetadata: false } as Cdk8s.AppProps);
  const base = `infra/${plan.env}/k8s`;
  const artifacts: Artifact[] = [];

  const cluster = new cdk8s.Chart(app, 'cluster', { disableResourceNameHashes: true });
  const namespaces = [...new Set(plan.regions.map((r) => regionNamespace(plan.namespace, r)))];
  for (const name of namespaces) {
    new k8s.KubeNamespace(cluster, namespaces.length === 1 ? 'namespace' : `namespace-${name}`, { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'gati' } } });
  }
  if (plan.tls) {
    new cdk8s.ApiObject(cluster, 'cluster-issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: plan.tls.issuer },
      spec: {
        acme: {
          server: plan.tls.staging ? 'https://acme-staging-v02.api.letsencrypt.org/directory' : 'https://acme-v02.api.letsencrypt.org/directory',
          ...(plan.tls.email ? { email: plan.tls.email } : {}),
          privateKeySecretRef: { name: `${plan.tls.issuer}-account-key` },
          solvers: [plan.tls.dns01 ? { dns01: plan.tls.dns01 } : { http01: { ingress: { ingressClassName: plan.ingressClass } } }],
        },
      },
    });
  }
  artifacts.push(yamlArtifact(`${base}/cluster.k8s.yaml`, cluster));

  for (const region of plan.regions) {
    const chart = new cdk8s.Chart(app, `region-${region}`, { namespace: regionNamespace(plan.namespace, region), disableResourceNameHashes: true });
    regionChart(k8s, cdk8s, chart, plan, region);
    artifacts.push(yamlArtifact(`${base}/${region}.k8s.yaml`, chart));
  }
  return artifacts;
}

function regionChart(k8s: typeof Plus.k8s, cdk8s: typeof Cdk8s, chart: Cdk8s.Chart, plan: EnvPlan, region: string): void {
  const configMap = `${plan.app}-config`;
  const data: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: CONFIG_DEFAULTS.server.host,
    PORT: String(plan.port),
    GATI_ENV: plan.env,
    GATI_REGION: region,
    GATI_VERSION: plan.image.tag,
  };
  for (const m of plan.modules) data[moduleUrlEnv(m.name)] = `http://${m.resource}.${regionNamespace(plan.namespace, region)}.svc.cluster.local`;
  // The user's own `env` comes last: it may override any of these (OTEL_SERVICE_NAME, say).
  // The panel is mounted by `gati start` when GATI_CONTROL=1 (the environment may enable it apart from the top-level config).
  if (plan.control) data['GATI_CONTROL'] = '1';
  Object.assign(data, queueEnv(plan.queue, region), observabilityEnv(plan), plan.envVars);
  new k8s.KubeConfigMap(chart, 'config', { metadata: meta(plan, configMap, 'config'), data: sortKeys(data) });

  const gcp = plan.provider === 'gcp';
  const serviceAnnotations = gcp ? { 'cloud.google.com/neg': '{"ingress":true}', 'cloud.google.com/backend-config': JSON.stringify({ default: GKE_NAMES.backendConfig(plan) }) } : undefined;
  queueServiceAccount(k8s, chart, plan, region);
  controlRbac(k8s, chart, plan);
  const template = { labels: queuePodLabels(plan.queue), annotations: scrapeAnnotations(plan) };
  for (const c of plan.components) {
    deployment(k8s, chart, plan, c.resource, c.name, serverPod(k8s, plan, 'api', c.name, plan.api, configMap), undefined, template);
    service(k8s, chart, plan, c.resource, c.name, 'http', serviceAnnotations, [metricsServicePort(k8s, plan)]);
    autoscaler(k8s, chart, plan, c.resource, c.name, plan.api);
    disruptionBudget(k8s, chart, plan, c.resource, c.name);
  }
  if (plan.worker) {
    deployment(k8s, chart, plan, plan.worker.resource, 'worker', serverPod(k8s, plan, 'worker', 'worker', plan.worker, configMap), undefined, template);
    if (plan.observability.serviceMonitor) workerMetricsService(k8s, chart, plan, plan.worker.resource, 'worker');
    autoscaler(k8s, chart, plan, plan.worker.resource, 'worker', plan.worker);
    disruptionBudget(k8s, chart, plan, plan.worker.resource, 'worker');
  }
  for (const m of plan.modules) {
    const component = `module-${m.name}`;
    // No fixed replica count: the module's own autoscaler owns it, as the app's does.
    deployment(k8s, chart, plan, m.resource, component, modulePod(k8s, m.image, m.port));
    service(k8s, chart, plan, m.resource, component, 'http');
    autoscaler(k8s, chart, plan, m.resource, component, m.scaling);
    disruptionBudget(k8s, chart, plan, m.resource, component);
  }
  if (plan.observability.serviceMonitor) serviceMonitor(cdk8s, chart, plan, [...plan.components.map((c) => c.name), ...(plan.worker ? ['worker'] : [])]);
  ingress(k8s, chart, plan, region);
  if (gcp) gkeEdge(cdk8s, chart, plan, region);
  if (region === plan.regions[0]) pubsubObjects(cdk8s, chart, plan);
}

function ingressAnnotations(plan: EnvPlan, region: string): Record<string, string> {
  const a: Record<string, string> = {};
  if (plan.tls) a['cert-manager.io/cluster-issuer'] = plan.tls.issuer;
  if (plan.provider === 'aws') {
    Object.assign(a, {
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/healthcheck-path': '/_ready',
      'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '5',
      'alb.ingress.kubernetes.io/healthy-threshold-count': '2',
      'alb.ingress.kubernetes.io/unhealthy-threshold-count': '2',
    });
  }
  if (plan.provider === 'gcp') {
    Object.assign(a, {
      'kubernetes.io/ingress.class': 'gce',
      'networking.gke.io/managed-certificates': regionCertificates(plan, region).map((c) => c.name).join(','),
      'networking.gke.io/v1beta1.FrontendConfig': GKE_NAMES.frontendConfig(plan),
    });
  }
  Object.assign(a, websocketIngressAnnotations(plan));
  return a;
}

function ingress(k8s: typeof Plus.k8s, chart: Cdk8s.Chart, plan: EnvPlan, region: string): void {
  const routed = plan.components.flatMap((c) => c.prefixes.map((prefix) => ({ prefix, service: c.resource })));
  // Everything else (/_versions, unknown paths answered with the app's 404) goes to one server too.
  if (!routed.some((r) => r.prefix === '/')) routed.push({ prefix: '/', service: (plan.components.find((c) => c.name === 'root') ?? plan.components[0]!).resource });
  const paths: Plus.k8s.HttpIngressPath[] = routed
    .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))
    .map(({ prefix, service }) => ({ path: prefix, pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }));
  const hosts = ingressHosts(plan, region);
  const annotations = ingressAnnotations(plan, region);
  const certificates = regionCertificates(plan, region);
  new k8s.KubeIngress(chart, 'ingress', {
    metadata: meta(plan, plan.app, 'ingress', Object.keys(annotations).length ? annotations : undefined),
    spec: {
      // GKE reads the class from the annotation and rejects an unknown ingressClassName.
      ...(plan.provider === 'gcp' ? {} : { ingressClassName: plan.ingressClass }),
      // AWS: the ALB ingress controller finds the ACM certificates by these hosts (no Secret is made).
      // cert-manager: one order per secretName (a Certificate each), holding what regionCertificates allows.
      ...(plan.provider === 'aws' && hosts.length ? { tls: [{ hosts, secretName: `${plan.app}-tls` }] } : {}),
      ...(plan.tls && certificates.length ? { tls: certificates.map((c) => ({ hosts: c.hosts, secretName: c.name })) } : {}),
      rules: hosts.length ? hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
    },
  });
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function yamlArtifact(path: string, chart: Cdk8s.Chart): Artifact {
  const docs = chart.toJson() as unknown[];
  const body = docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  return { path, contents: `# ${GENERATED_HEADER}\n${body}` };
}
