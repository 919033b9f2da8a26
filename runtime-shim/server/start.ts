// Starting and stopping a compiled app on its engine (node:http, Bun.serve or Deno.serve): modules init before /_ready turns green,
// SIGTERM/SIGINT drain in-flight requests up to the shutdown deadline, close modules, exit 0.
import cluster from 'node:cluster';
import type { Logger } from '../types.js';
import type { CompiledApp } from './app.js';
import { createPipeline } from './pipeline.js';
import { createNodeServer } from './node.js';
import { createBunServer } from './bun.js';
import { createDenoServer } from './deno.js';
import { runtimeName } from '../runtime-name.js';
import { createProcessContext, type Role } from './context.js';
import { parseByteSize } from './body.js';
import { createLogger, levelFrom } from './log.js';
import { CONFIG_DEFAULTS, PROCESS_DEFAULTS } from '../defaults.js';
import { createServerHub, wsLimits, type ServerHub } from './websockets.js';
import { createBunWsEngine, createDenoWsEngine, createNodeWsEngine } from '../ws/index.js';
import { enableMetrics, serveProcessMetrics } from '../metrics/index.js';
import { startTracing, stopTracing } from '../tracing/index.js';
import { controlEnabled, withControlPanel } from '../control/mount.js';
import { controlTelemetry, startControlTelemetry } from '../control/telemetry/telemetry.js';
import { answerPrimary } from '../control/telemetry/cluster.js';

export interface StartOptions {
  port?: number;
  host?: string;
  /** `gati dev`: responses are checked against their types. */
  dev?: boolean;
  log?: Logger;
  /** Handle SIGTERM/SIGINT (default true; tests and `gati dev` manage shutdown themselves). */
  signals?: boolean;
  /** 'all' (default): routes and effect workers; 'api': routes only; 'worker': effect workers only. */
  role?: Role;
  /** Where `GET /metrics` is served (default 9464; 0: a free port); 'off': no admin port and no metrics. */
  adminPort?: number | 'off';
}

export interface StartedServer {
  url: string;
  port: number;
  log: Logger;
  /** Graceful stop: drain, close modules. */
  stop(): Promise<void>;
  /** The request handler, for an engine that owns the socket (`gati dev` swaps it on reload). */
  handle: ReturnType<typeof createPipeline>;
}

const DEFAULTS = CONFIG_DEFAULTS.server;

/** `metrics`: count this app's requests and jobs (default true; `gati dev` serves them on /_metrics). */
export async function prepareApp(app: CompiledApp, options: { dev: boolean; log: Logger; role?: Role; hub?: ServerHub['hub']; metrics?: boolean }) {
  const server = app.config.server ?? {};
  const role = options.role ?? 'all';
  let ready = false;
  // The control panel's buffers (`gati dev` starts them itself), before tracing: it records for them.
  const telemetry = controlEnabled(app.config) ? startControlTelemetry(app.config) : controlTelemetry();
  if (telemetry) {
    telemetry.process = { role, ready: () => ready };
    if (cluster.isWorker) answerPrimary(telemetry);
  }
  // Before the context and the pipeline: they wrap modules, handlers and middleware when it is on.
  startTracing(app.name, options.log);
  const context = createProcessContext(app, options.log, role, options.hub);
  // A worker serves only /_health and /_ready: no route matches.
  if (role === 'worker') app = { ...app, match: () => null, folders: [] };
  // On before the effects runtime opens, so that it reports its jobs and queue.
  const metrics = options.metrics === false ? undefined : enableMetrics(options.log);
  const handle = createPipeline(app, context.gctx, {
    bodyLimit: parseByteSize(server.bodyLimit, DEFAULTS.bodyLimit),
    maxDepth: app.config.validation?.maxDepth,
    checkResponses: app.config.validation?.responses ?? options.dev,
    log: options.log,
    isReady: () => ready,
    notReadyReason: () => context.notReady(),
    metrics: metrics?.http,
  });
  await context.init();
  ready = true;
  return { handle, context };
}

/**
 * The engine adapter for the runtime this process runs on: Bun.serve on Bun, Deno.serve on Deno,
 * node:http on Node. GATI_ENGINE=node picks the node:http adapter on any runtime (Bun and Deno both
 * implement node:http), e.g. to compare them.
 */
export function currentEngine(): 'node' | 'bun' | 'deno' {
  if (process.env.GATI_ENGINE === 'node') return 'node';
  return runtimeName();
}

/**
 * Where a server listens: the flag or environment value (already merged in `options`), else the
 * config's `server.port`/`server.host`, else 3000 on 0.0.0.0 (127.0.0.1 under `gati dev`, which
 * should not be reachable from the network unless asked). `gati start`, `gati dev` and
 * `node dist/server.mjs` all go through here so they agree.
 */
export function listenAddress(options: { port?: number; host?: string }, server: { port?: number; host?: string } | undefined, dev: boolean): { port: number; host: string } {
  return { port: options.port ?? server?.port ?? DEFAULTS.port, host: options.host ?? server?.host ?? (dev ? DEFAULTS.devHost : DEFAULTS.host) };
}

export async function startServer(app: CompiledApp, options: StartOptions = {}): Promise<StartedServer> {
  const dev = options.dev ?? false;
  const log = options.log ?? createLogger(levelFrom(process.env.LOG_LEVEL, PROCESS_DEFAULTS.logLevel), { app: app.name });
  const engine = currentEngine();
  const sockets = await createServerHub(options.role === 'worker' ? { ...app, routes: [] } : app, engine, log);
  const adminPort = options.adminPort ?? PROCESS_DEFAULTS.adminPort;
  const prepared = await prepareApp(app, { dev, log, role: options.role, hub: sockets.hub, metrics: adminPort !== 'off' });
  const context = prepared.context;
  // /_control, when enabled (and not on a worker-only process, which serves no HTTP routes).
  // Loaded only then: a server without the panel does not even evaluate its modules.
  const control = options.role !== 'worker' && controlEnabled(app.config) ? (await import('../control/panel.js')).createControlPanel({ app: () => app, mode: 'start', log }) : undefined;
  const handle = control ? withControlPanel(prepared.handle, control) : prepared.handle;
  const cfg = app.config.server ?? {};
  // The engine is the runtime this process runs on: the same pipeline behind either adapter, and
  // that engine's WebSocket adapter behind the upgrades the pipeline accepts.
  const engineOptions = { requestTimeoutMs: cfg.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs, log, clusterWorker: cluster.isWorker };
  const wsOptions = { gctx: context.gctx, log, hub: sockets.hub, limits: wsLimits(app.config) };
  let wsEngine: { close(deadlineMs?: number): Promise<void> } | undefined;
  let running;
  if (engine === 'bun') {
    const ws = sockets.serves ? createBunWsEngine({ ...wsOptions, fanout: sockets.fanout }) : undefined;
    running = createBunServer(handle, { ...engineOptions, websocket: ws && { prepare: handle.prepareUpgrade, engine: ws, fanout: sockets.fanout! } });
    wsEngine = ws;
  } else if (engine === 'deno') {
    const ws = sockets.serves ? createDenoWsEngine(wsOptions) : undefined;
    running = createDenoServer(handle, { ...engineOptions, websocket: ws && { prepare: handle.prepareUpgrade, engine: ws } });
    wsEngine = ws;
  } else {
    const ws = sockets.serves ? createNodeWsEngine(wsOptions) : undefined;
    running = createNodeServer(handle, { ...engineOptions, websocket: ws && { prepare: handle.prepareUpgrade, engine: ws } });
    wsEngine = ws;
  }
  const address = listenAddress(options, app.config.server, dev);
  const host = address.host;
  const port = await running.listen(address.port, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const metrics = adminPort === 'off' ? undefined : enableMetrics(log);
  const served = metrics && adminPort !== 'off' ? await serveProcessMetrics(metrics, { adminPort, host, inFlight: running.inFlight, clusterWorker: cluster.isWorker, log }) : undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    log.info({ inFlight: running.inFlight() }, 'shutting down');
    const deadline = cfg.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;
    // Sockets get 1001 at once, while the HTTP requests drain (an upgraded socket would otherwise
    // hold the HTTP server open until the deadline).
    await Promise.all([wsEngine?.close(deadline), running.close(deadline)]);
    await served?.close();
    await sockets.hub.close();
    await context.close(deadline);
    await control?.close();
    // The spans of the last requests and jobs are exported before the process ends.
    await stopTracing();
    log.info({}, 'stopped');
  })());
  if (options.signals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'signal received');
      void stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  log.info({ url, routes: app.routes.length, engine, role: options.role ?? 'all', ...(served?.url ? { metrics: served.url } : {}) }, 'listening');
  return { url, port, log, stop, handle };
}
