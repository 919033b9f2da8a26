// What a server process does with its metrics once its app listens: count the engine's in-flight
// requests, then either serve `/metrics` on the admin port or, in a `--workers` worker, answer the
// primary's scrapes (the primary serves the sum: see main.ts and cluster-metrics.ts).
import type { Logger } from '../types.js';
import { startAdminServer } from './admin-server.js';
import { answerPrimaryScrapes } from './cluster-metrics.js';
import { renderMetrics, type ProcessMetrics } from './registry.js';

export interface ServedMetrics {
  /** The admin port's `/metrics` address; undefined in a cluster worker or when the port could not be had. */
  url: string | undefined;
  close(): Promise<void>;
}

export interface ServeMetricsOptions {
  adminPort: number;
  host: string;
  /** The engine's in-flight request count. */
  inFlight: () => number;
  clusterWorker: boolean;
  log: Logger;
}

export async function serveProcessMetrics(metrics: ProcessMetrics, options: ServeMetricsOptions): Promise<ServedMetrics> {
  const uncount = metrics.http.countInFlight(options.inFlight);
  if (options.clusterWorker) {
    answerPrimaryScrapes(metrics);
    return { url: undefined, close: async () => void uncount() };
  }
  const admin = await openAdminPort(options.adminPort, options.host, () => renderMetrics(metrics), options.log);
  return {
    url: admin?.url,
    close: async () => {
      uncount();
      await admin?.close();
    },
  };
}

/**
 * The admin server, or undefined when its port is taken: metrics must never keep the app from
 * serving, so that is logged as an error (with the fix) and the app starts without them.
 */
export async function openAdminPort(port: number, host: string, render: Parameters<typeof startAdminServer>[2], log: Logger) {
  try {
    return await startAdminServer(port, host, render, log);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    log.error({ err: String(error), adminPort: port }, code === 'EADDRINUSE' || code === 'AddrInUse'
      ? `the admin port ${port} is already in use: /metrics is not served; choose another with --admin-port or ADMIN_PORT (0: any free port, off: none)`
      : `the admin port ${port} could not be opened: /metrics is not served`);
    return undefined;
  }
}
