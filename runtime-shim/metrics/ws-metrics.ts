// The WebSocket metrics: `gati_ws_connections{http_route}` (open sockets) and
// `gati_ws_messages_total{http_route,direction}` (`in`: received from clients, `out`: sent to them,
// fan-out included). Resolved once per route: a message costs one counter increment.
import type { Counter, Gauge, PromClient, Registry } from './prom.js';

export interface WsRouteMetrics {
  opened(): void;
  closed(): void;
  received(): void;
  sent(): void;
}

export class WsMetrics {
  private readonly connections: Gauge;
  private readonly messages: Counter;
  private readonly routes = new Map<string, WsRouteMetrics>();

  constructor(prom: PromClient, registry: Registry) {
    this.connections = new prom.Gauge({ name: 'gati_ws_connections', help: 'Open WebSocket connections', labelNames: ['http_route'], registers: [registry] });
    this.messages = new prom.Counter({ name: 'gati_ws_messages_total', help: 'WebSocket messages, by direction (in: from clients, out: to them)', labelNames: ['http_route', 'direction'], registers: [registry] });
  }

  /** The series of one WS route, by its template (`/chat/:room`). */
  route(template: string): WsRouteMetrics {
    let series = this.routes.get(template);
    if (series === undefined) {
      const open = this.connections.labels(template);
      const received = this.messages.labels(template, 'in');
      const sent = this.messages.labels(template, 'out');
      received.inc(0);
      sent.inc(0);
      series = { opened: () => open.inc(), closed: () => open.dec(), received: () => received.inc(), sent: () => sent.inc() };
      this.routes.set(template, series);
    }
    return series;
  }
}
