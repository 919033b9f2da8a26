// What a WebSocket session counts into: its route's series, when this process serves metrics.
import { activeMetrics } from './registry.js';
import type { WsRouteMetrics } from './ws-metrics.js';

/** The series of the WS route `key` (`WS /chat/:room`), or undefined when metrics are off. */
export function wsRouteMetrics(key: string): WsRouteMetrics | undefined {
  return activeMetrics()?.ws.route(key.slice(key.indexOf(' ') + 1));
}
