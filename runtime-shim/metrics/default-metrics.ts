// prom-client's process and Node.js default metrics, except the garbage-collection durations unless
// asked for (GATI_GC_METRICS=1). Those come from a `gc` PerformanceObserver, and Node builds a
// performance entry for every collection: about 50 µs each on Node 20, which a server allocating a
// few KB per request pays as ~0.4 µs per request (a CPU profile of the bench app's GET: 3% of it),
// whether anyone scrapes or not. Everything else (CPU, memory, heap spaces, event-loop lag,
// handles, file descriptors, version) is read at scrape time or by a timer, and stays on.
import { requireDependency } from '../dependency.js';
import type { PromClient, Registry } from './prom.js';

/** The environment variable that adds `nodejs_gc_duration_seconds` back. */
export const GC_METRICS_ENV = 'GATI_GC_METRICS';

type DefaultMetric = (registry: Registry, config: Record<string, unknown>) => void;

export function collectDefaultMetrics(prom: PromClient, registry: Registry, env: Record<string, string | undefined> = process.env): void {
  if (env[GC_METRICS_ENV] === '1' || env[GC_METRICS_ENV] === 'true') return prom.collectDefaultMetrics({ register: registry });
  // Each default metric is a module of prom-client named as in its own list (lib/defaultMetrics.js):
  // registered one by one, as collectDefaultMetrics does, without `gc`.
  const names = prom.collectDefaultMetrics.metricsList;
  let metrics: DefaultMetric[];
  try {
    metrics = (names ?? []).filter((name) => name !== 'gc').map((name) => requireDependency<DefaultMetric>('prom-client', `lib/metrics/${name}`));
  } catch {
    metrics = [];
  }
  // A prom-client whose files are laid out otherwise: all of its defaults rather than none.
  if (metrics.length === 0) return prom.collectDefaultMetrics({ register: registry });
  const config = { eventLoopMonitoringPrecision: 10 };
  for (const metric of metrics) metric(registry, config);
}
