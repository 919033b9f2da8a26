// What the cluster's monitoring needs from the app's pods: the admin port (Prometheus text on
// `/metrics`) as a named container port, the `prometheus.io/*` annotations the common
// annotation-driven scrape job reads, a `metrics` port on the Services, and, when asked, a
// prometheus-operator ServiceMonitor. Traces go where `OTEL_EXPORTER_OTLP_ENDPOINT` points.
import type * as Cdk8s from 'cdk8s';
import type * as Plus from 'cdk8s-plus-33';
import type { EnvPlan } from '../infra/plan.js';
import { labels, meta, METRICS_PORT_NAME } from './workloads.js';

type K8s = typeof Plus.k8s;

export const METRICS_PATH = '/metrics';
/** Prometheus's own default is 1 m; 30 s keeps rate() over a 2 m window meaningful at modest cost. */
export const SCRAPE_INTERVAL = '30s';

/** Variables of the ConfigMap: the admin port the server listens on and, with an endpoint, where traces go. */
export function observabilityEnv(plan: EnvPlan): Record<string, string> {
  const o = plan.observability;
  return {
    ADMIN_PORT: String(o.adminPort),
    ...(o.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint, OTEL_SERVICE_NAME: plan.app } : {}),
  };
}

export function metricsServicePort(k8s: K8s, plan: EnvPlan): Plus.k8s.ServicePort {
  return { name: METRICS_PORT_NAME, port: plan.observability.adminPort, protocol: 'TCP', targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME) };
}

/** Pod template annotations of every pod that runs the app (api and worker, not container modules). */
export function scrapeAnnotations(plan: EnvPlan): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(plan.observability.adminPort), 'prometheus.io/path': METRICS_PATH };
}

/**
 * The worker pods have no Service (nothing calls them); a ServiceMonitor finds pods only through one,
 * so with `serviceMonitor` they get a headless Service carrying just the metrics port.
 */
export function workerMetricsService(k8s: K8s, chart: Cdk8s.Chart, plan: EnvPlan, name: string, component: string): void {
  new k8s.KubeService(chart, `service-${name}`, {
    metadata: meta(plan, name, component),
    spec: { type: 'ClusterIP', clusterIp: 'None', selector: labels(plan, component), ports: [metricsServicePort(k8s, plan)] },
  });
}

/**
 * One ServiceMonitor per region's namespace, selecting the app's own Services by component (the
 * container modules' Services share the app's labels but serve no Gati metrics).
 */
export function serviceMonitor(cdk8s: typeof Cdk8s, chart: Cdk8s.Chart, plan: EnvPlan, components: string[]): void {
  const instance = labels(plan, components[0]!)['app.kubernetes.io/instance']!;
  new cdk8s.ApiObject(chart, 'service-monitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: meta(plan, plan.app, 'metrics'),
    spec: {
      selector: {
        matchLabels: { 'app.kubernetes.io/name': plan.app, 'app.kubernetes.io/instance': instance },
        matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: [...components].sort() }],
      },
      endpoints: [{ port: METRICS_PORT_NAME, path: METRICS_PATH, interval: SCRAPE_INTERVAL, scrapeTimeout: '10s' }],
    },
  });
}
