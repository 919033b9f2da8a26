// prom-client's default metrics as Gati registers them: all of them but the garbage-collection
// durations (a PerformanceObserver Node pays ~50 µs per collection for), which GATI_GC_METRICS=1 adds back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { collectDefaultMetrics, GC_METRICS_ENV } from '../runtime-shim/metrics/default-metrics.js';
import type { PromClient, Registry } from '../runtime-shim/metrics/prom.js';

const prom = createRequire(import.meta.url)('prom-client') as PromClient;

async function namesOf(registry: Registry): Promise<string[]> {
  return ((await registry.getMetricsAsJSON()) as { name: string }[]).map((m) => m.name).sort();
}

async function promDefaults(): Promise<string[]> {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  return namesOf(registry);
}

test('by default: every prom-client default but nodejs_gc_duration_seconds', async () => {
  const registry = new prom.Registry();
  collectDefaultMetrics(prom, registry, {});
  const all = await promDefaults();
  assert.ok(all.includes('nodejs_gc_duration_seconds'), "prom-client's own defaults have it");
  assert.equal(await namesOf(registry), all.filter((name) => name !== 'nodejs_gc_duration_seconds'));
  const page = await registry.metrics();
  assert.match(page, /^nodejs_eventloop_lag_seconds \d/m, 'the event-loop lag is measured');
  assert.match(page, /^process_cpu_user_seconds_total \d/m);
});

test(`${GC_METRICS_ENV}=1: prom-client's defaults, GC durations included`, async () => {
  const registry = new prom.Registry();
  collectDefaultMetrics(prom, registry, { [GC_METRICS_ENV]: '1' });
  assert.equal(await namesOf(registry), await promDefaults());
});

test.run();
