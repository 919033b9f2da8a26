// Metrics from Prometheus (`control.prometheus.url`): PromQL instant queries (`/api/v1/query`) over
// Gati's series (http_server_request_duration_seconds and the effects and WebSocket families), each
// over the window, narrowed by `control.prometheus.selector` when set.
import type { MetricsSummary, RouteMetrics } from '../../api-types.js';

const TIMEOUT_MS = 5_000;
const REQUESTS = 'http_server_request_duration_seconds';
const BY_ROUTE = 'http_request_method, http_route';

export interface PrometheusSource {
  url: string;
  selector: string | undefined;
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

export function prometheusSource(url: string, selector: string | undefined): PrometheusSource {
  return { url: url.replace(/\/+$/, ''), selector };
}

/** The PromQL of each figure of the summary, for a window of `windowS` seconds. */
export function promQueries(selector: string | undefined, windowS: number): Record<string, string> {
  const m = (extra?: string) => `{${[extra, selector].filter(Boolean).join(',')}}`;
  const w = `[${windowS}s]`;
  const quantile = (q: number) => `histogram_quantile(${q}, sum by (le, ${BY_ROUTE}) (rate(${REQUESTS}_bucket${m()}${w})))`;
  return {
    count: `sum by (${BY_ROUTE}) (increase(${REQUESTS}_count${m()}${w}))`,
    rate: `sum by (${BY_ROUTE}) (rate(${REQUESTS}_count${m()}${w}))`,
    errors: `sum by (${BY_ROUTE}) (rate(${REQUESTS}_count${m('http_response_status_code=~"5.."')}${w}))`,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
    active: `sum(http_server_active_requests${m()})`,
    depth: `max by (effect, state) (gati_effect_queue_depth${m()})`,
    jobs: `sum by (effect, outcome) (rate(gati_effect_jobs_total${m()}${w}))`,
    wsConnections: `sum by (http_route) (gati_ws_connections${m()})`,
    wsMessages: `sum by (http_route, direction) (rate(gati_ws_messages_total${m()}${w}))`,
  };
}

async function query(source: PrometheusSource, promql: string, at: number): Promise<Vector> {
  const params = new URLSearchParams({ query: promql, time: String(at / 1000) });
  const res = await fetch(`${source.url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`Prometheus answered ${res.status}`);
  const body = (await res.json()) as { status?: string; data?: { resultType?: string; result?: Vector }; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus: ${body.error ?? 'query failed'}`);
  return body.data?.result ?? [];
}

export async function prometheusMetrics(source: PrometheusSource, windowS: number): Promise<MetricsSummary> {
  const at = Date.now();
  const queries = promQueries(source.selector, windowS);
  const names = Object.keys(queries);
  const results = await Promise.all(names.map((name) => query(source, queries[name]!, at)));
  const r = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as Record<string, Vector>;
  const num = (v: [number, string]) => {
    const n = Number(v[1]);
    return Number.isFinite(n) ? n : 0;
  };
  const key = (metric: Record<string, string>) => `${metric.http_request_method ?? ''} ${metric.http_route ?? ''}`;
  const byKey = (vector: Vector) => new Map(vector.map((s) => [key(s.metric), num(s.value)]));
  const rate = byKey(r.rate!), errors = byKey(r.errors!), p50 = byKey(r.p50!), p95 = byKey(r.p95!), p99 = byKey(r.p99!);
  const routes: RouteMetrics[] = [];
  for (const sample of r.count!) {
    const k = key(sample.metric);
    const count = Math.round(num(sample.value));
    if (count === 0) continue;
    const perS = rate.get(k) ?? 0;
    routes.push({
      method: sample.metric.http_request_method ?? '',
      route: sample.metric.http_route ?? '',
      rate: round(perS),
      errorRate: perS > 0 ? round((errors.get(k) ?? 0) / perS) : 0,
      p50Ms: round((p50.get(k) ?? 0) * 1000),
      p95Ms: round((p95.get(k) ?? 0) * 1000),
      p99Ms: round((p99.get(k) ?? 0) * 1000),
      count,
    });
  }
  routes.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
  const effects = new Map<string, MetricsSummary['effects'][number]>();
  const effect = (name: string) => {
    let e = effects.get(name);
    if (!e) effects.set(name, (e = { effect: name, queued: 0, running: 0, dead: 0, completedPerS: 0, failedPerS: 0 }));
    return e;
  };
  for (const s of r.depth!) {
    const state = s.metric.state;
    if (state === 'queued' || state === 'running' || state === 'dead') effect(s.metric.effect ?? '')[state] = num(s.value);
  }
  for (const s of r.jobs!) {
    const e = effect(s.metric.effect ?? '');
    if (s.metric.outcome === 'completed') e.completedPerS = round(e.completedPerS + num(s.value));
    else e.failedPerS = round(e.failedPerS + num(s.value));
  }
  const ws = new Map<string, MetricsSummary['ws'][number]>();
  const socket = (route: string) => {
    let w = ws.get(route);
    if (!w) ws.set(route, (w = { route, connections: 0, inPerS: 0, outPerS: 0 }));
    return w;
  };
  for (const s of r.wsConnections!) socket(s.metric.http_route ?? '').connections = num(s.value);
  for (const s of r.wsMessages!) {
    const w = socket(s.metric.http_route ?? '');
    if (s.metric.direction === 'in') w.inPerS = round(num(s.value));
    else w.outPerS = round(num(s.value));
  }
  return {
    source: 'prometheus',
    at,
    windowS,
    activeRequests: r.active![0] ? num(r.active![0].value) : 0,
    routes,
    effects: [...effects.values()].sort((a, b) => a.effect.localeCompare(b.effect)),
    ws: [...ws.values()],
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
