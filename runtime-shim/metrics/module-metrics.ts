// The config modules' metrics: `gati_module_calls_total{module,function,outcome}` and
// `gati_module_call_duration_seconds{module,function}`, counted where a call to an HTTP or
// container module ends (runtime-shim/modules/http-module-client.ts).
import type { Counter, CounterChild, Histogram, HistogramChild, PromClient, Registry } from './prom.js';

/**
 * How a call ended: `ok`; `error` (the module answered an error); `invalid` (its result broke the
 * interface); `bad_arguments` (the caller's did); `unavailable` (no connection, an open circuit,
 * 502/503/504); `timeout`.
 */
export type ModuleCallOutcome = 'ok' | 'error' | 'invalid' | 'bad_arguments' | 'unavailable' | 'timeout';

/** A module call is a network round trip: 1 ms to 10 s. */
export const MODULE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ModuleCallMetrics {
  private readonly calls: Counter;
  private readonly duration: Histogram;
  private readonly children = new Map<string, { outcomes: Map<ModuleCallOutcome, CounterChild>; duration: HistogramChild }>();

  constructor(prom: PromClient, registry: Registry) {
    this.calls = new prom.Counter({ name: 'gati_module_calls_total', help: 'Calls to HTTP and container modules, by how they ended', labelNames: ['module', 'function', 'outcome'], registers: [registry] });
    this.duration = new prom.Histogram({ name: 'gati_module_call_duration_seconds', help: 'Duration of calls to HTTP and container modules', labelNames: ['module', 'function'], buckets: MODULE_DURATION_BUCKETS, registers: [registry] });
  }

  /** One call of `module.fn` ended with `outcome` after `ms` milliseconds. */
  called(module: string, fn: string, outcome: ModuleCallOutcome, ms: number): void {
    const key = `${module}\0${fn}`;
    let series = this.children.get(key);
    if (series === undefined) this.children.set(key, (series = { outcomes: new Map(), duration: this.duration.labels(module, fn) }));
    let counter = series.outcomes.get(outcome);
    if (counter === undefined) series.outcomes.set(outcome, (counter = this.calls.labels(module, fn, outcome)));
    counter.inc();
    series.duration.observe(ms / 1000);
  }
}
