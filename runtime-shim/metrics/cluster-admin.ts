// The cluster primary's admin port (`--workers N`): `/metrics` serves the sum of the workers. The
// primary runs no app, so it logs its own line with the address.
import type { CompiledApp } from '../server/app.js';
import { createLogger, levelFrom } from '../server/log.js';
import { CONFIG_DEFAULTS, PROCESS_DEFAULTS } from '../defaults.js';
import { clusterRenderer } from './cluster-metrics.js';
import { openAdminPort } from './serve.js';

export async function serveClusterMetrics(app: CompiledApp, adminPort: number, host: string | undefined): Promise<void> {
  const log = createLogger(levelFrom(process.env.LOG_LEVEL, PROCESS_DEFAULTS.logLevel), { app: app.name });
  const render = clusterRenderer(log);
  if (!render) return;
  // The workers' host: the flag or HOST, else the config's server.host, else every interface.
  const admin = await openAdminPort(adminPort, host ?? app.config.server?.host ?? CONFIG_DEFAULTS.server.host, render, log);
  if (admin) log.info({ metrics: admin.url, workers: 'sum' }, 'metrics');
}
