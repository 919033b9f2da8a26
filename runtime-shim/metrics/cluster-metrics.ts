// `--workers N`: each worker counts its own requests and jobs; the cluster primary serves their sum
// on the admin port. prom-client's AggregatorRegistry does it over the cluster's IPC channel (the
// one the WebSocket relay uses): on a scrape the primary asks every worker for its registry as
// JSON and merges them (counters and histograms summed; the queue depth, which every worker reads
// from the same backend, by its `max` aggregator).
import type { Logger } from '../types.js';
import type { RenderMetrics } from './admin-server.js';
import { loadPromClient } from './prom.js';
import type { ProcessMetrics } from './registry.js';

/** In a cluster worker: answer the primary's scrape requests with this process's registry. */
export function answerPrimaryScrapes(metrics: ProcessMetrics): void {
  const { AggregatorRegistry } = metrics.prom;
  // Constructing one installs the worker's IPC listener; the registry it answers with is ours.
  new AggregatorRegistry();
  // The request histogram lives outside the registry (fast-histogram.ts): it goes in a registry of
  // its own, which only the cluster reads (its `get()` has prom-client's shape).
  const requests = new metrics.prom.Registry();
  requests.registerMetric(metrics.http.duration);
  AggregatorRegistry.setRegistries([metrics.registry, requests]);
}

/** In the cluster primary: what `/metrics` renders, the sum of the workers; undefined when prom-client is missing. */
export function clusterRenderer(log: Logger): RenderMetrics | undefined {
  const prom = loadPromClient(log);
  if (!prom) return undefined;
  const aggregator = new prom.AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
}
