// Counters per effect name, read by metrics() (`gati effects` in-process and the tests): `<name>.enqueued`,
// `.completed`, `.failed` (an attempt that threw, retried or not), `.dead`, `.durationMsSum` and
// `.durationCount` (runs that ended, either way). When the process serves metrics, each run also
// goes to the Prometheus series (runtime-shim/metrics/effect-metrics.ts).
import { activeMetrics } from '../metrics/registry.js';
import type { EffectRunMetrics, JobOutcome, QueueSource } from '../metrics/effect-metrics.js';

export class EffectMetrics {
  private readonly counters = new Map<string, number>();
  /** The Prometheus series, when this process serves metrics. */
  private readonly prometheus: EffectRunMetrics | undefined = activeMetrics()?.effects;

  add(effect: string, counter: 'enqueued' | 'deduped' | 'completed' | 'failed' | 'dead' | 'durationMsSum' | 'durationCount', by = 1): void {
    const key = `${effect}.${counter}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** A run of `effect` ended after `ms`: completed, failed (to be retried) or dead. */
  ran(effect: string, outcome: JobOutcome, ms: number): void {
    this.add(effect, 'durationMsSum', ms);
    this.add(effect, 'durationCount');
    // `failed` counts every attempt that threw; `dead` those of them that had no attempts left.
    if (outcome === 'completed') this.add(effect, 'completed');
    else this.add(effect, 'failed');
    if (outcome === 'dead') this.add(effect, 'dead');
    this.prometheus?.ran(effect, outcome, ms);
  }

  /** Reports the backend's queue depth on each scrape (when metrics are served); returns the undo. */
  watchQueue(source: QueueSource): () => void {
    return this.prometheus?.watchQueue(source) ?? (() => {});
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
