// Prometheus metrics (docs/observability.md): the process registry, the HTTP, effects and
// WebSocket series, the admin port and the sum over `--workers`.
export { enableMetrics, activeMetrics, renderMetrics, type ProcessMetrics } from './registry.js';
export { startAdminServer, type AdminServer, type RenderMetrics } from './admin-server.js';
export { answerPrimaryScrapes, clusterRenderer } from './cluster-metrics.js';
export { HTTP_DURATION_BUCKETS, UNMATCHED_ROUTE, methodLabel, type HttpMetrics } from './http-metrics.js';
export { EFFECT_DURATION_BUCKETS, QUEUE_STATES, type JobOutcome } from './effect-metrics.js';
export { MODULE_DURATION_BUCKETS, type ModuleCallOutcome } from './module-metrics.js';
export { serveProcessMetrics, type ServedMetrics } from './serve.js';
