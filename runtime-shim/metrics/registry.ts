// The process's metrics: one registry with every Gati metric and prom-client's process and Node.js
// defaults. There is one per process, whichever copy of the runtime asks: `gati dev` serves
// /_metrics from its own copy while each build it loads counts in the bundled one, so the registry
// is kept on globalThis under a registered symbol rather than in a module variable.
import type { Logger } from '../types.js';
import { collectDefaultMetrics } from './default-metrics.js';
import { EffectRunMetrics } from './effect-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { ModuleCallMetrics } from './module-metrics.js';
import { loadPromClient, type PromClient, type Registry } from './prom.js';
import { WsMetrics } from './ws-metrics.js';

export interface ProcessMetrics {
  /** When they were turned on (Date.now()): every counter was zero then. */
  startedAt: number;
  prom: PromClient;
  registry: Registry;
  http: HttpMetrics;
  effects: EffectRunMetrics;
  ws: WsMetrics;
  modules: ModuleCallMetrics;
}

const KEY = Symbol.for('gati.metrics');
type Holder = { [KEY]?: ProcessMetrics | null };

/**
 * Turns metrics on in this process (idempotent) and returns them; undefined when prom-client
 * cannot be loaded (logged once).
 */
export function enableMetrics(log: Logger): ProcessMetrics | undefined {
  const holder = globalThis as Holder;
  if (holder[KEY] !== undefined) return holder[KEY] ?? undefined;
  const prom = loadPromClient(log);
  if (!prom) {
    holder[KEY] = null;
    return undefined;
  }
  const registry = new prom.Registry();
  collectDefaultMetrics(prom, registry);
  const metrics = { startedAt: Date.now(), prom, registry, http: new HttpMetrics(prom, registry), effects: new EffectRunMetrics(prom, registry), ws: new WsMetrics(prom, registry), modules: new ModuleCallMetrics(prom, registry) };
  holder[KEY] = metrics;
  return metrics;
}

/** This process's metrics when they are on (a server started them), else undefined: the effects CLI and tests count nothing. */
export function activeMetrics(): ProcessMetrics | undefined {
  return (globalThis as Holder)[KEY] ?? undefined;
}

/** Every metric in Prometheus text format, with its content type: the request histogram (kept outside the registry) and the registry. */
export async function renderMetrics(metrics: ProcessMetrics): Promise<{ contentType: string; text: string }> {
  return { contentType: metrics.registry.contentType, text: `${metrics.http.duration.render()}\n\n${await metrics.registry.metrics()}` };
}
