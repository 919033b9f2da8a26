// `gati dev` serves the metrics on its app port at `/_metrics` (no admin port to open while
// developing). The registry is the process's, shared with the builds it loads (registry.ts).
import type { IncomingRequest, OutgoingResponse } from '../server/wire.js';
import type { Logger } from '../types.js';
import { enableMetrics, renderMetrics } from './registry.js';

export const DEV_METRICS_PATH = '/_metrics';

/** The answer to `GET /_metrics`, or undefined for any other request (the app answers it). */
export async function devMetricsAnswer(req: IncomingRequest, log: Logger): Promise<OutgoingResponse | undefined> {
  if (req.method !== 'GET' || req.url.split('?')[0] !== DEV_METRICS_PATH) return undefined;
  const metrics = enableMetrics(log);
  if (!metrics) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'metrics are off: prom-client could not be loaded (see the log)\n' };
  const { contentType, text } = await renderMetrics(metrics);
  return { status: 200, headers: { 'content-type': contentType }, body: text };
}
