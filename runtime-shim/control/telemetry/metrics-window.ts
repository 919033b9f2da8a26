// Rates and percentiles over a window from the process's own counters: the request histogram
// (metrics/fast-histogram.ts), the effect runs and the WebSocket messages. Counters only grow, so a
// window is the difference between now and a snapshot taken that long ago: one is kept every
// SNAPSHOT_MS for HISTORY_MS. A window's raw differences (WindowCounts) add up across the workers
// of a cluster before they become a MetricsSummary.
import type { MetricsSummary, RouteMetrics } from '../api-types.js';
import type { ProcessMetrics } from '../../metrics/registry.js';
import { queueDepths } from '../../metrics/effect-metrics.js';

const SNAPSHOT_MS = 5_000;
const HISTORY_MS = 15 * 60_000;

interface Snapshot {
  at: number;
  /** `method route status` → per-bucket counts (the last: past every bound). */
  requests: Map<string, { method: string; route: string; status: number; counts: number[] }>;
  effects: Map<string, { completed: number; failed: number; dead: number }>;
  ws: Map<string, { in: number; out: number; connections: number }>;
}

/** A window's growth of every counter: what a worker sends the one that answers (cluster.ts). */
export interface WindowCounts {
  /** The seconds the window really covers (shorter just after the start). */
  seconds: number;
  /** Bucket bounds in seconds. */
  bounds: number[];
  requests: { method: string; route: string; status: number; counts: number[] }[];
  effects: { effect: string; completed: number; failed: number; dead: number }[];
  ws: { route: string; in: number; out: number; connections: number }[];
  activeRequests: number;
  /** Queue depth per effect and state (every worker reads the same backend: the largest is kept). */
  depths: Record<string, Record<string, number>>;
}

export class MetricsHistory {
  private readonly snapshots: Snapshot[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly metrics: () => ProcessMetrics | undefined) {}

  start(): void {
    if (this.timer) return;
    this.take();
    this.timer = setInterval(() => this.take(), SNAPSHOT_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The growth of every counter over the last `windowS` seconds (or since the metrics started, or the oldest snapshot). */
  async window(windowS: number): Promise<WindowCounts> {
    const metrics = this.metrics();
    const empty: WindowCounts = { seconds: windowS, bounds: [], requests: [], effects: [], ws: [], activeRequests: 0, depths: {} };
    if (metrics === undefined) return empty;
    const now = snapshotOf(metrics);
    const since = now.at - windowS * 1000;
    // The newest snapshot at or before the window's start. Without one, when the metrics are younger
    // than the window, every counter was zero when they started: the window counts from there (the
    // first snapshot may come up to SNAPSHOT_MS after the first requests, when the panel started before
    // the metrics did: `gati dev`). Else the oldest snapshot there is.
    let base: Snapshot | undefined;
    for (const s of this.snapshots) if (s.at <= since) base = s;
    if (base === undefined && metrics.startedAt < since) base = this.snapshots[0];
    const from = base?.at ?? metrics.startedAt;
    const seconds = Math.max((now.at - from) / 1000, 1);
    const requests: WindowCounts['requests'] = [];
    for (const [key, series] of now.requests) {
      const before = base?.requests.get(key);
      const counts = series.counts.map((c, i) => c - (before?.counts[i] ?? 0));
      if (counts.some((c) => c > 0)) requests.push({ method: series.method, route: series.route, status: series.status, counts });
    }
    const effects: WindowCounts['effects'] = [];
    for (const [effect, total] of now.effects) {
      const before = base?.effects.get(effect);
      effects.push({ effect, completed: total.completed - (before?.completed ?? 0), failed: total.failed - (before?.failed ?? 0), dead: total.dead - (before?.dead ?? 0) });
    }
    const ws: WindowCounts['ws'] = [];
    for (const [route, total] of now.ws) {
      const before = base?.ws.get(route);
      ws.push({ route, in: total.in - (before?.in ?? 0), out: total.out - (before?.out ?? 0), connections: total.connections });
    }
    const depths = await queueDepths(metrics.effects).catch(() => ({}));
    return { seconds, bounds: [...metrics.http.duration.buckets], requests, effects, ws, activeRequests: metrics.http.activeRequests(), depths };
  }

  private take(): void {
    const metrics = this.metrics();
    if (metrics === undefined) return;
    this.snapshots.push(snapshotOf(metrics));
    const oldest = Date.now() - HISTORY_MS;
    while (this.snapshots.length > 1 && this.snapshots[0]!.at < oldest) this.snapshots.shift();
  }
}

function snapshotOf(metrics: ProcessMetrics): Snapshot {
  const requests: Snapshot['requests'] = new Map();
  for (const s of metrics.http.duration.snapshot()) {
    const method = s.labels.http_request_method!;
    const route = s.labels.http_route!;
    const status = s.labels.http_response_status_code!;
    requests.set(`${method} ${route} ${status}`, { method, route, status: Number(status), counts: s.counts });
  }
  const effects: Snapshot['effects'] = new Map();
  for (const [effect, total] of metrics.effects.totals) effects.set(effect, { ...total });
  const ws: Snapshot['ws'] = new Map();
  for (const t of metrics.ws.totals()) ws.set(t.route, t);
  return { at: Date.now(), requests, effects, ws };
}

/** The windows of several processes as one (the workers of a cluster). */
export function mergeWindows(parts: WindowCounts[]): WindowCounts {
  const merged: WindowCounts = { seconds: 0, bounds: [], requests: [], effects: [], ws: [], activeRequests: 0, depths: {} };
  const requests = new Map<string, WindowCounts['requests'][number]>();
  const effects = new Map<string, WindowCounts['effects'][number]>();
  const ws = new Map<string, WindowCounts['ws'][number]>();
  for (const part of parts) {
    merged.seconds = Math.max(merged.seconds, part.seconds);
    if (part.bounds.length) merged.bounds = part.bounds;
    merged.activeRequests += part.activeRequests;
    for (const r of part.requests) {
      const key = `${r.method} ${r.route} ${r.status}`;
      const into = requests.get(key);
      if (into) r.counts.forEach((c, i) => (into.counts[i] = (into.counts[i] ?? 0) + c));
      else requests.set(key, { ...r, counts: [...r.counts] });
    }
    for (const e of part.effects) {
      const into = effects.get(e.effect);
      if (into) (into.completed += e.completed, into.failed += e.failed, into.dead += e.dead);
      else effects.set(e.effect, { ...e });
    }
    for (const w of part.ws) {
      const into = ws.get(w.route);
      if (into) (into.in += w.in, into.out += w.out, into.connections += w.connections);
      else ws.set(w.route, { ...w });
    }
    for (const [effect, states] of Object.entries(part.depths)) {
      const into = (merged.depths[effect] ??= {});
      for (const [state, n] of Object.entries(states)) into[state] = Math.max(into[state] ?? 0, n);
    }
  }
  merged.requests = [...requests.values()];
  merged.effects = [...effects.values()];
  merged.ws = [...ws.values()];
  return merged;
}

/** A window as the panel shows it: per route rate, error rate and percentiles. */
export function summarizeWindow(window: WindowCounts, windowS: number): MetricsSummary {
  const seconds = window.seconds || windowS;
  const byRoute = new Map<string, { method: string; route: string; counts: number[]; errors: number }>();
  for (const r of window.requests) {
    const key = `${r.method} ${r.route}`;
    let into = byRoute.get(key);
    if (!into) byRoute.set(key, (into = { method: r.method, route: r.route, counts: [], errors: 0 }));
    r.counts.forEach((c, i) => (into!.counts[i] = (into!.counts[i] ?? 0) + c));
    if (r.status >= 500) into.errors += r.counts.reduce((a, b) => a + b, 0);
  }
  const routes: RouteMetrics[] = [];
  for (const r of byRoute.values()) {
    const count = r.counts.reduce((a, b) => a + b, 0);
    if (count === 0) continue;
    routes.push({
      method: r.method,
      route: r.route,
      rate: round(count / seconds),
      errorRate: round(r.errors / count),
      p50Ms: quantileMs(0.5, r.counts, window.bounds),
      p95Ms: quantileMs(0.95, r.counts, window.bounds),
      p99Ms: quantileMs(0.99, r.counts, window.bounds),
      count,
    });
  }
  routes.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
  const effectNames = new Set([...window.effects.map((e) => e.effect), ...Object.keys(window.depths)]);
  const effects = [...effectNames].sort().map((effect) => {
    const runs = window.effects.find((e) => e.effect === effect);
    const depth = window.depths[effect] ?? {};
    return {
      effect,
      queued: depth.queued ?? 0,
      running: depth.running ?? 0,
      dead: depth.dead ?? 0,
      completedPerS: round((runs?.completed ?? 0) / seconds),
      failedPerS: round(((runs?.failed ?? 0) + (runs?.dead ?? 0)) / seconds),
    };
  });
  const ws = window.ws.map((w) => ({ route: w.route, connections: w.connections, inPerS: round(w.in / seconds), outPerS: round(w.out / seconds) }));
  return { source: 'local', at: Date.now(), windowS, activeRequests: window.activeRequests, routes, effects, ws };
}

/**
 * The q-quantile of a histogram, in milliseconds, as Prometheus' histogram_quantile estimates it:
 * linear within the bucket the rank falls in; past the last bound, the last bound.
 */
export function quantileMs(q: number, counts: number[], bounds: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0 || bounds.length === 0) return 0;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (cumulative + c >= rank && c > 0) {
      if (i >= bounds.length) return round(bounds[bounds.length - 1]! * 1000);
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return round((lower + ((upper - lower) * (rank - cumulative)) / c) * 1000);
    }
    cumulative += c;
  }
  return round(bounds[bounds.length - 1]! * 1000);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
