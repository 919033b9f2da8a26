// The HTTP server metrics of the OpenTelemetry semantic conventions, in Prometheus form:
// `http_server_request_duration_seconds{http_request_method,http_route,http_response_status_code}`
// and `http_server_active_requests`. Every label comes from a bounded set: the route template (never
// the raw path; a request no route matched is `_unmatched`), a method of HTTP's registry (any other
// folds to `_OTHER`, as OpenTelemetry does) and the status code. The per-request work is one
// cached child lookup and one observe: the children are resolved once per route, method and status.
import type { Gauge, PromClient, Registry } from './prom.js';
import { FastHistogram, type HistogramSeries } from './fast-histogram.js';

/** OpenTelemetry's advice for `http.server.request.duration` (seconds): 5 ms to 10 s. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The `http_route` of a request no route matched (404, and 405/400 answers without a template). */
export const UNMATCHED_ROUTE = '_unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** A request method as a label: one of HTTP's methods, else `_OTHER` (a client picks the method, so it is not bounded). */
export const methodLabel = (method: string): string => (KNOWN_METHODS.has(method) ? method : '_OTHER');

/** The route and method of one series family: its children by status code. */
type StatusChildren = Map<number, HistogramSeries>;

export class HttpMetrics {
  /** Rendered apart from the registry (registry.ts), for speed: see fast-histogram.ts. */
  readonly duration: FastHistogram;
  /** route template → method → status → child. */
  private readonly children = new Map<string, Map<string, StatusChildren>>();
  /**
   * route template → the child of its last sample, with that sample's raw method and status: a route's
   * requests mostly share both, so one lookup instead of four (the method's label, then route, method, status).
   */
  private readonly last = new Map<string, { method: string; status: number; child: HistogramSeries }>();
  private readonly inFlight = new Set<() => number>();

  constructor(prom: PromClient, registry: Registry) {
    this.duration = new FastHistogram(
      'http_server_request_duration_seconds',
      'Duration of HTTP server requests, from arrival to the answer',
      ['http_request_method', 'http_route', 'http_response_status_code'],
      HTTP_DURATION_BUCKETS,
    );
    const inFlight = this.inFlight;
    new prom.Gauge({
      name: 'http_server_active_requests',
      help: 'HTTP requests being served',
      registers: [registry],
      // Read from the engines' own in-flight counts at scrape time: nothing to do per request.
      collect(this: Gauge) {
        let active = 0;
        for (const count of inFlight) active += count();
        this.set(active);
      },
    } as never);
  }

  /** Counts an engine's in-flight requests into `http_server_active_requests`; returns the undo. */
  countInFlight(count: () => number): () => void {
    this.inFlight.add(count);
    return () => this.inFlight.delete(count);
  }

  /** The engines' in-flight requests now (what the gauge reports at scrape time). */
  activeRequests(): number {
    let active = 0;
    for (const count of this.inFlight) active += count();
    return active;
  }

  /** One answered request: `route` its template (undefined: unmatched), `elapsedMs` from its arrival to its answer. */
  observe(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    const template = route ?? UNMATCHED_ROUTE;
    const last = this.last.get(template);
    let child: HistogramSeries;
    if (last !== undefined && last.method === method && last.status === status) child = last.child;
    else this.last.set(template, { method, status, child: (child = this.child(method, template, status)) });
    child.observe(elapsedMs / 1000);
  }

  private child(rawMethod: string, route: string, status: number): HistogramSeries {
    // Keyed by the label, not the raw method: a client inventing methods adds no entries.
    const method = methodLabel(rawMethod);
    let byMethod = this.children.get(route);
    if (byMethod === undefined) this.children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (child === undefined) byStatus.set(status, (child = this.duration.labels(method, route, String(status))));
    return child;
  }
}

/** Gati's own paths, answered before routing: labelled by their path (a fixed set). */
const GATI_PATHS = new Set(['/_health', '/_ready', '/_versions']);

/** An answered request as the pipeline holds it. */
export interface AnsweredRequest {
  incoming: { method: string };
  route: { path: string } | undefined;
  /** `<METHOD> <template>` when the pipeline named the route another way (an OPTIONS preflight). */
  routeKey: string | undefined;
  path: string;
}

/**
 * Records one answered request (the pipeline's hook, which read the clock once for it and its log
 * line): its route template, never its raw path.
 */
export function recordRequest(metrics: HttpMetrics, x: AnsweredRequest, status: number, elapsedMs: number): void {
  const key = x.routeKey;
  const template = x.route !== undefined ? x.route.path : key !== undefined ? key.slice(key.indexOf(' ') + 1) : GATI_PATHS.has(x.path) ? x.path : undefined;
  metrics.observe(x.incoming.method, template, status, elapsedMs);
}
