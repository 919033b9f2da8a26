// What the edges in front of the pods need for WebSocket routes: each proxies the Upgrade by itself
// (ingress-nginx, the AWS ALB, GKE's load balancer), but closes a connection idle longer than its
// timeout (nginx 60 s, ALB 60 s; on GKE the backend timeout bounds a WebSocket's whole life, 30 s
// here otherwise). Only an app with WS routes gets the longer timeouts: the HTTP-only outputs stay
// as they were.
import type { EnvPlan } from '../infra/plan.js';

/** How long an idle WebSocket (or, on GKE, any WebSocket) lives at the edge: one hour. */
export const WEBSOCKET_EDGE_TIMEOUT_SECONDS = 3600;

export const hasWebSockets = (plan: EnvPlan) => plan.websocketPaths.length > 0;

/** Ingress annotations for the app's ingress controller, by class (nginx, alb); GKE's is in its BackendConfig. */
export function websocketIngressAnnotations(plan: EnvPlan): Record<string, string> {
  if (!hasWebSockets(plan)) return {};
  const seconds = String(WEBSOCKET_EDGE_TIMEOUT_SECONDS);
  if (plan.ingressClass === 'nginx') {
    return { 'nginx.ingress.kubernetes.io/proxy-read-timeout': seconds, 'nginx.ingress.kubernetes.io/proxy-send-timeout': seconds };
  }
  if (plan.ingressClass === 'alb') return { 'alb.ingress.kubernetes.io/load-balancer-attributes': `idle_timeout.timeout_seconds=${seconds}` };
  return {};
}

/** GKE's backend service timeout: the request timeout for HTTP, a WebSocket's longest life. */
export function gkeBackendTimeoutSeconds(plan: EnvPlan): number {
  return hasWebSockets(plan) ? WEBSOCKET_EDGE_TIMEOUT_SECONDS : 30;
}
