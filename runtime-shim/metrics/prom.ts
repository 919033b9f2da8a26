// prom-client, loaded through requireDependency (the runtime never imports an npm package bare),
// typed by the few parts Gati uses. It loads on Node, Bun and Deno; if it cannot be loaded (an
// install without it), metrics turn off with one log line instead of the server failing to start.
import { requireDependency } from '../dependency.js';
import type { Logger } from '../types.js';

export type Labels = Record<string, string | number>;

export interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
  registers?: Registry[];
  /** How the cluster primary combines the workers' values (default: sum). */
  aggregator?: 'sum' | 'first' | 'min' | 'max' | 'average' | 'omit';
  buckets?: number[];
  collect?: (this: never) => void | Promise<void>;
}

export interface Registry {
  metrics(): Promise<string>;
  readonly contentType: string;
  getMetricsAsJSON(): Promise<unknown[]>;
  resetMetrics(): void;
  /** Any object with a name and prom-client's `get()`. */
  registerMetric(metric: { name: string; get(): unknown }): void;
}

export interface CounterChild { inc(value?: number): void }
export interface Counter { labels(...values: string[]): CounterChild; inc(labels: Labels, value?: number): void; reset(): void }
export interface Gauge { labels(...values: string[]): { inc(value?: number): void; dec(value?: number): void; set(value: number): void }; set(labels: Labels, value: number): void; set(value: number): void; reset(): void }
export interface HistogramChild { observe(value: number): void }
export interface Histogram { labels(...values: string[]): HistogramChild }

export interface PromClient {
  Registry: new () => Registry;
  AggregatorRegistry: (new () => Registry & { clusterMetrics(): Promise<string> }) & { setRegistries(registries: Registry[]): void };
  Counter: new (options: MetricOptions) => Counter;
  Gauge: new (options: MetricOptions) => Gauge;
  Histogram: new (options: MetricOptions) => Histogram;
  collectDefaultMetrics: ((options: { register: Registry }) => void) & { metricsList?: readonly string[] };
}

/** prom-client, or undefined (logged once) when it cannot be loaded on this engine or install. */
export function loadPromClient(log: Logger): PromClient | undefined {
  try {
    return requireDependency<PromClient>('prom-client');
  } catch (error) {
    log.warn({ err: String(error) }, 'metrics are off: the prom-client package could not be loaded');
    return undefined;
  }
}
