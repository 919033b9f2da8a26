// The WebSocket metrics: `gati_ws_connections{http_route}` (open sockets) and
// `gati_ws_messages_total{http_route,direction}` (`in`: received from clients, `out`: sent to them,
// fan-out included). A message adds one to a plain number of its route's (prom-client's labelled
// `inc` hashes the labels on every call: measurable at tens of thousands of messages a second);
// the counter takes the totals when it is scraped.
import type { Counter, Gauge, PromClient, Registry } from './prom.js';

export interface WsRouteMetrics {
  opened(): void;
  closed(): void;
  received(): void;
  sent(): void;
}

export class WsMetrics {
  private readonly connections: Gauge;
  private readonly routes = new Map<string, WsRouteMetrics>();
  /** Messages per route template, since the process started. */
  private readonly counts = new Map<string, { in: number; out: number }>();
  /** Open connections per route template, as plain numbers beside the gauge. */
  private readonly open = new Map<string, number>();

  constructor(prom: PromClient, registry: Registry) {
    this.connections = new prom.Gauge({ name: 'gati_ws_connections', help: 'Open WebSocket connections', labelNames: ['http_route'], registers: [registry] });
    const counts = this.counts;
    // Registered with the registry, which is all it needs: the scrape calls its collect().
    new prom.Counter({
      name: 'gati_ws_messages_total',
      help: 'WebSocket messages, by direction (in: from clients, out: to them)',
      labelNames: ['http_route', 'direction'],
      registers: [registry],
      collect(this: Counter) {
        this.reset();
        for (const [template, count] of counts) {
          this.inc({ http_route: template, direction: 'in' }, count.in);
          this.inc({ http_route: template, direction: 'out' }, count.out);
        }
      },
    });
  }

  /** Messages per route template since the process started, and the open connections (the control panel's WS summary). */
  totals(): { route: string; in: number; out: number; connections: number }[] {
    return [...this.counts].map(([route, count]) => ({ route, in: count.in, out: count.out, connections: this.open.get(route) ?? 0 }));
  }

  /** The series of one WS route, by its template (`/chat/:room`). */
  route(template: string): WsRouteMetrics {
    let series = this.routes.get(template);
    if (series === undefined) {
      const open = this.connections.labels(template);
      const count = { in: 0, out: 0 };
      this.counts.set(template, count);
      const opened = this.open;
      opened.set(template, 0);
      series = {
        opened: () => (open.inc(), opened.set(template, opened.get(template)! + 1)),
        closed: () => (open.dec(), opened.set(template, opened.get(template)! - 1)),
        received: () => count.in++,
        sent: () => count.out++,
      };
      this.routes.set(template, series);
    }
    return series;
  }
}
