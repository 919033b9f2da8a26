// GCP edge as Kubernetes objects read by GKE's ingress controller: BackendConfig (Cloud CDN, health
// check on /_ready, connection draining), FrontendConfig (HTTP → HTTPS), ManagedCertificate (TLS).
import type * as Cdk8s from 'cdk8s';
import { regionCertificates, type EnvPlan } from '../infra/plan.js';
import { meta } from './workloads.js';
import { gkeBackendTimeoutSeconds } from './websocket-edge.js';

export const GKE_NAMES = {
  backendConfig: (plan: EnvPlan) => `${plan.app}-backend`,
  frontendConfig: (plan: EnvPlan) => `${plan.app}-frontend`,
};

export function gkeEdge(cdk8s: typeof Cdk8s, chart: Cdk8s.Chart, plan: EnvPlan, region: string): void {
  new cdk8s.ApiObject(chart, 'backend-config', {
    apiVersion: 'cloud.google.com/v1',
    kind: 'BackendConfig',
    metadata: meta(plan, GKE_NAMES.backendConfig(plan), 'edge'),
    spec: {
      // API answers are not cached unless the handler sends Cache-Control: USE_ORIGIN_HEADERS.
      cdn: { enabled: true, cachePolicy: { includeHost: true, includeProtocol: true, includeQueryString: true }, cacheMode: 'USE_ORIGIN_HEADERS' },
      healthCheck: { type: 'HTTP', requestPath: '/_ready', port: plan.port, checkIntervalSec: 5, timeoutSec: 3, healthyThreshold: 1, unhealthyThreshold: 2 },
      connectionDraining: { drainingTimeoutSec: Math.ceil(plan.shutdownMs / 1000) },
      timeoutSec: gkeBackendTimeoutSeconds(plan),
    },
  });
  new cdk8s.ApiObject(chart, 'frontend-config', {
    apiVersion: 'networking.gke.io/v1beta1',
    kind: 'FrontendConfig',
    metadata: meta(plan, GKE_NAMES.frontendConfig(plan), 'edge'),
    spec: { redirectToHttps: { enabled: true, responseCodeName: 'PERMANENT_REDIRECT' } },
  });
  for (const certificate of regionCertificates(plan, region)) {
    new cdk8s.ApiObject(chart, `managed-certificate-${certificate.name}`, {
      apiVersion: 'networking.gke.io/v1',
      kind: 'ManagedCertificate',
      metadata: meta(plan, certificate.name, 'edge'),
      spec: { domains: certificate.hosts },
    });
  }
}
