// Pod templates and the objects around a Deployment (Service, HPA, PDB), as typed cdk8s L1 props
// (cdk8s-plus-33's generated `k8s` module). Names are explicit: nothing is hashed or generated.
import type * as Plus from 'cdk8s-plus-33';
import type { Chart } from 'cdk8s';
import type { EnvPlan, Scaling } from '../infra/plan.js';
import { PRE_STOP_SECONDS } from '../infra/plan.js';
import { cpuMillis } from '../../model/quantities.js';

type K8s = typeof Plus.k8s;

export const UID = 1000;
/** The named container port of the runtime's admin port (`GET /metrics`): ./observability.ts. */
export const METRICS_PORT_NAME = 'metrics';

export function labels(plan: EnvPlan, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': plan.app, 'app.kubernetes.io/instance': `${plan.app}-${plan.env}`, 'app.kubernetes.io/component': component };
}

export function meta(plan: EnvPlan, name: string, component: string, annotations?: Record<string, string>): Plus.k8s.ObjectMeta {
  return { name, labels: { ...labels(plan, component), 'app.kubernetes.io/managed-by': 'gati' }, ...(annotations ? { annotations } : {}) };
}

function resources(k8s: K8s, s: Scaling): Plus.k8s.ResourceRequirements {
  const q = (v: string) => k8s.Quantity.fromString(v);
  return { requests: { cpu: q(s.requests.cpu), memory: q(s.requests.memory) }, limits: { cpu: q(s.limits.cpu), memory: q(s.limits.memory) } };
}

const containerSecurity: Plus.k8s.SecurityContext = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** The api pods' ServiceAccount with the control panel on (control-rbac.ts): the cloud queue's when there is one (it already carries the cloud identity), else the panel's own. */
export function controlServiceAccount(plan: EnvPlan): string | undefined {
  if (!plan.control) return undefined;
  return plan.queue?.serviceAccount ?? `${plan.app}-control`;
}

/** The pod of the Gati server in one role (`api` or `worker`). */
export function serverPod(k8s: K8s, plan: EnvPlan, role: 'api' | 'worker', component: string, s: Scaling, configMap: string): Plus.k8s.PodSpec {
  const env: Plus.k8s.EnvVar[] = Object.entries(plan.secrets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } }));
  const probe = (path: string, period: number, failures: number): Plus.k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromString('http') },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: failures,
  });
  return {
    // With a cloud queue, the identity that may use it (emitters/infra-k8s/cloud-queue.ts); the api pods
    // of an environment with the control panel also carry the panel's RBAC, and mount its token (control-rbac.ts).
    ...(role === 'api' && controlServiceAccount(plan) ? { serviceAccountName: controlServiceAccount(plan) } : plan.queue ? { serviceAccountName: plan.queue.serviceAccount } : {}),
    automountServiceAccountToken: role === 'api' && plan.control,
    terminationGracePeriodSeconds: plan.terminationGraceSeconds,
    securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: role === 'api' ? 'server' : 'worker',
        image: plan.image.ref,
        imagePullPolicy: 'IfNotPresent',
        // One server process per whole CPU of the limit: Kubernetes scales pods, and `auto` would count the node's CPUs.
        // Without a worker Deployment (`workers.enabled: false`), the api pods run the effect jobs too.
        args: ['start', '--role', role === 'api' && !plan.worker ? 'all' : role, ...(role === 'api' ? ['--workers', String(Math.max(1, Math.floor(cpuMillis(s.limits.cpu) / 1000)))] : [])],
        // The admin port (metrics) is reached by Prometheus inside the cluster only: no Ingress routes to it.
        ports: [{ name: 'http', containerPort: plan.port, protocol: 'TCP' }, { name: METRICS_PORT_NAME, containerPort: plan.observability.adminPort, protocol: 'TCP' }],
        envFrom: [{ configMapRef: { name: configMap } }],
        ...(env.length ? { env } : {}),
        // Readiness fails fast (10 s) so a draining or stuck pod leaves the Service; liveness is patient.
        readinessProbe: probe('/_ready', 5, 2),
        livenessProbe: { ...probe('/_health', 10, 3), initialDelaySeconds: 10 },
        // The endpoint is removed while the server still answers; then SIGTERM starts the graceful shutdown.
        lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
        resources: resources(k8s, s),
        securityContext: containerSecurity,
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels(plan, component) } },
    ],
  };
}

/** Extra metadata of a pod template: labels a webhook looks for, annotations a scraper reads. */
export interface PodTemplateMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function deployment(k8s: K8s, chart: Chart, plan: EnvPlan, name: string, component: string, pod: Plus.k8s.PodSpec, replicas?: number, template: PodTemplateMeta = {}): void {
  new k8s.KubeDeployment(chart, `deployment-${name}`, {
    metadata: meta(plan, name, component),
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: 10,
      minReadySeconds: 5,
      selector: { matchLabels: labels(plan, component) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
      template: { metadata: { labels: { ...labels(plan, component), ...template.labels }, ...(template.annotations ? { annotations: template.annotations } : {}) }, spec: pod },
    },
  });
}

export function autoscaler(k8s: K8s, chart: Chart, plan: EnvPlan, name: string, component: string, s: Scaling): void {
  new k8s.KubeHorizontalPodAutoscalerV2(chart, `hpa-${name}`, {
    metadata: meta(plan, name, component),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: s.min,
      maxReplicas: s.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.cpuTarget } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 25, periodSeconds: 60 }] },
      },
    },
  });
}

export function disruptionBudget(k8s: K8s, chart: Chart, plan: EnvPlan, name: string, component: string): void {
  new k8s.KubePodDisruptionBudget(chart, `pdb-${name}`, {
    metadata: meta(plan, name, component),
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels(plan, component) } },
  });
}

export function service(k8s: K8s, chart: Chart, plan: EnvPlan, name: string, component: string, targetPort: string | number, annotations?: Record<string, string>, extraPorts: Plus.k8s.ServicePort[] = []): void {
  new k8s.KubeService(chart, `service-${name}`, {
    metadata: meta(plan, name, component, annotations),
    spec: {
      type: 'ClusterIP',
      selector: labels(plan, component),
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: typeof targetPort === 'number' ? k8s.IntOrString.fromNumber(targetPort) : k8s.IntOrString.fromString(targetPort) }, ...extraPorts],
    },
  });
}

/** A container module: any image that serves the module's methods over HTTP on its port. */
export function modulePod(k8s: K8s, image: string, port: number): Plus.k8s.PodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'module',
        image,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        // The module wire protocol's `GET /_health` (200 when ready), as `gati dev` waits for it.
        readinessProbe: { httpGet: { path: '/_health', port: k8s.IntOrString.fromString('http') }, periodSeconds: 5, failureThreshold: 2 },
        livenessProbe: { httpGet: { path: '/_health', port: k8s.IntOrString.fromString('http') }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 10 },
        resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') }, limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') } },
        securityContext: containerSecurity,
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}
