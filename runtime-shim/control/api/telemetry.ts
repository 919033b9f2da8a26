// The panel's live data (docs/control-panel.md, "Traces, logs and metrics"): overview, traces, one
// trace, logs, metrics and the SSE stream. Answers come from this process's buffers (telemetry/),
// from every worker under `--workers` (telemetry/cluster.ts), and from Loki and Prometheus when
// `control.loki.url` / `control.prometheus.url` are set.
import type { ControlCall, ControlEndpoint, ControlEnv, ControlResult } from '../endpoint.js';
import type { List, LogList, MetricsSummary, Overview, TraceSummary } from '../api-types.js';
import { runtimeName } from '../../runtime-name.js';
import { controlTelemetry, startControlTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { askAll } from '../telemetry/cluster.js';
import type { LogFilter } from '../telemetry/log-buffer.js';
import type { TraceFilter } from '../telemetry/trace-buffer.js';
import { mergeWindows, summarizeWindow } from '../telemetry/metrics-window.js';
import { lokiLogs, lokiSource } from '../telemetry/sources/loki.js';
import { prometheusMetrics, prometheusSource } from '../telemetry/sources/prometheus.js';
import { telemetryStream, topicsOf, type StreamSources } from '../telemetry/stream.js';

const MAX_LIMIT = 1000;

/** The process's telemetry; started here when the mount did not (the buffers then begin now). */
const telemetryOf = (env: ControlEnv): Telemetry => controlTelemetry() ?? startControlTelemetry(env.app().config);

export const TELEMETRY_ENDPOINTS: ControlEndpoint[] = [
  { method: 'GET', path: 'overview', handler: (_call, env) => overview(env) },
  { method: 'GET', path: 'traces', handler: async (call, env) => ({ json: { items: await traces(telemetryOf(env), traceFilter(call.query)) } satisfies List<TraceSummary> }) },
  { method: 'GET', path: 'traces/:traceId', handler: (call, env) => trace(telemetryOf(env), call.params.traceId!) },
  { method: 'GET', path: 'logs', handler: async (call, env) => ({ json: await logs(env, logFilter(call.query), call.query.get('source')) }) },
  { method: 'GET', path: 'metrics', handler: async (call, env) => ({ json: await metrics(env, windowOf(call.query), call.query.get('source')) }) },
  { method: 'GET', path: 'stream', handler: (call, env) => stream(call, env) },
];

async function overview(env: ControlEnv): Promise<ControlResult> {
  const app = env.app();
  const telemetry = telemetryOf(env);
  const instances = (await askAll(telemetry, 'instance', {})).sort((a, b) => (a.role === 'primary' ? -1 : b.role === 'primary' ? 1 : a.pid - b.pid));
  const middleware = new Set([...app.routes.flatMap((r) => r.middleware), ...(app.folders ?? []).flatMap((f) => f.middleware)]);
  const body: Overview = {
    app: app.name,
    version: app.versions?.manifest.current ?? null,
    engine: process.env.GATI_ENGINE === 'node' ? 'node' : runtimeName(),
    runtimeVersion: runtimeVersion(),
    mode: env.mode,
    startedAt: Math.min(...instances.map((i) => i.startedAt), telemetry.startedAt),
    ready: instances.filter((i) => i.role !== 'primary').every((i) => i.ready),
    instances,
    counts: { routes: app.routes.length, middleware: middleware.size, modules: Object.keys(app.modules).length, effects: app.effects.length, versions: app.versions?.manifest.versions.length ?? 0 },
  };
  return { json: body };
}

async function traces(telemetry: Telemetry, filter: TraceFilter): Promise<TraceSummary[]> {
  const parts = await askAll(telemetry, 'traces', filter);
  return parts.flat().sort((a, b) => b.start - a.start).slice(0, filter.limit);
}

async function trace(telemetry: Telemetry, traceId: string): Promise<ControlResult> {
  if (!/^[0-9a-f]{32}$/.test(traceId)) return notFound('no such trace: a trace id is 32 lowercase hex digits');
  const found = (await askAll(telemetry, 'trace', { traceId })).filter((t) => t !== null);
  // Under --workers a trace may span processes (an effect run on another worker): its spans, joined.
  if (!found.length) return notFound('the trace is not in the buffer (it may have been dropped to make room for newer ones)');
  return { json: { traceId, spans: found.flatMap((t) => t!.spans).sort((a, b) => a.start - b.start) } };
}

async function logs(env: ControlEnv, filter: LogFilter, source: string | null): Promise<LogList> {
  const loki = source !== 'local' ? lokiOf(env) : undefined;
  if (loki) return { items: await lokiLogs(loki, filter), source: 'loki' };
  const parts = await askAll(telemetryOf(env), 'logs', filter);
  const items = parts.length === 1 ? parts[0]! : parts.flat().sort((a, b) => a.time - b.time).slice(-filter.limit);
  return { items, source: 'local' };
}

async function metrics(env: ControlEnv, windowS: number, source: string | null): Promise<MetricsSummary> {
  const prometheus = source !== 'local' ? prometheusOf(env) : undefined;
  if (prometheus) return prometheusMetrics(prometheus, windowS);
  const parts = await askAll(telemetryOf(env), 'metrics', { windowS });
  return summarizeWindow(mergeWindows(parts), windowS);
}

function stream(call: ControlCall, env: ControlEnv): ControlResult {
  const telemetry = telemetryOf(env);
  const topics = topicsOf(call.query);
  const header = call.lastEventId ?? call.headers['last-event-id'];
  const last = Number(Array.isArray(header) ? header[0] : header ?? NaN);
  const lastEventId = Number.isSafeInteger(last) && last >= 0 ? last : undefined;
  const loki = lokiOf(env);
  const clustered = isClusterWorker();
  const windowS = windowOf(call.query);
  const sources: StreamSources = {
    logsAfter: async (after) => (await logs(env, { after, limit: MAX_LIMIT }, null)).items,
    metrics: () => metrics(env, windowS, null),
  };
  // This process's own lines and traces are pushed as they come; a cluster's (and Loki's) polled.
  if (!loki && !clustered) sources.onLogs = (listener) => telemetry.onLogs(listener);
  if (!clustered) sources.onTraces = (listener) => telemetry.onTraces(listener);
  else {
    sources.tracesSince = (since) => traces(telemetry, { since, limit: MAX_LIMIT });
    sources.watch = () => void askAll(telemetry, 'watch', {});
  }
  return { stream: telemetryStream(topics, sources, lastEventId) };
}

function isClusterWorker(): boolean {
  return typeof process.send === 'function' && process.env.NODE_UNIQUE_ID !== undefined;
}

function lokiOf(env: ControlEnv) {
  const app = env.app();
  const url = app.config.control?.loki?.url;
  return url ? lokiSource(url, app.config.control?.loki?.query, app.name) : undefined;
}

function prometheusOf(env: ControlEnv) {
  const config = env.app().config.control?.prometheus;
  return config?.url ? prometheusSource(config.url, config.selector) : undefined;
}

function traceFilter(query: URLSearchParams): TraceFilter {
  const filter: TraceFilter = { limit: limitOf(query, 100) };
  const route = query.get('route');
  if (route) filter.route = route;
  const status = query.get('status');
  if (status) filter.status = status;
  const minMs = numberOf(query.get('minMs'));
  if (minMs !== undefined) filter.minMs = minMs;
  const maxMs = numberOf(query.get('maxMs'));
  if (maxMs !== undefined) filter.maxMs = maxMs;
  return filter;
}

function logFilter(query: URLSearchParams): LogFilter {
  const filter: LogFilter = { limit: limitOf(query, 200) };
  const level = query.get('level');
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') filter.level = level;
  for (const key of ['q', 'route', 'traceId'] as const) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

function windowOf(query: URLSearchParams): number {
  const n = numberOf(query.get('windowS'));
  return n === undefined ? 60 : Math.min(Math.max(Math.round(n), 10), 3600);
}

function limitOf(query: URLSearchParams, dflt: number): number {
  const n = numberOf(query.get('limit'));
  return n === undefined ? dflt : Math.min(Math.max(Math.floor(n), 1), MAX_LIMIT);
}

function numberOf(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function notFound(detail: string): ControlResult {
  return { status: 404, json: { type: 'about:blank', title: 'Not Found', status: 404, detail } };
}

function runtimeVersion(): string {
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  return process.versions.bun ?? deno?.version?.deno ?? process.versions.node;
}
