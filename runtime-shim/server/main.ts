// `node dist/server.mjs` (and `gati start`): PORT/HOST from the environment or flags, and
// `--workers N|auto` forks one server process per core with node:cluster.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { CompiledApp } from './app.js';
import { startServer } from './start.js';
import { PROCESS_DEFAULTS } from '../defaults.js';
import type { Role } from './context.js';
import { hasWsRoutes } from './websockets.js';
import { relayWsMessages } from '../ws/cluster-bridge.js';
import { runtimeName } from '../runtime-name.js';
import { serveClusterMetrics } from '../metrics/cluster-admin.js';
import { startControlTelemetry } from '../control/telemetry/telemetry.js';
import { controlEnabled } from '../control/mount.js';
import { relayControlQueries } from '../control/telemetry/cluster.js';
import { startModuleProcessesForWorkers } from '../modules/index.js';
import { createLogger, levelFrom } from './log.js';

/** Checks what the effects backend needs from the environment (GATI4020); prints it and exits 1 when something is wrong. */
async function exitOnConfigError(app: CompiledApp): Promise<void> {
  if (app.effects.length === 0) return;
  const { effectsConfigFor, backendTarget, isEffectsConfigError, formatConfigError } = await import('../effects/effects-config.js');
  try {
    const { config, key } = effectsConfigFor(app.config);
    backendTarget(config, app.root, key);
  } catch (error) {
    if (!isEffectsConfigError(error)) throw error;
    process.stderr.write(`${formatConfigError(error)}\n`);
    process.exit(1);
  }
}

const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 10_000;

export interface MainOptions {
  port?: number;
  host?: string;
  workers?: number | 'auto';
  dev?: boolean;
  /** 'all' (default), 'api' or 'worker'; also GATI_ROLE. */
  role?: Role;
  /** `--admin-port` / ADMIN_PORT: where `GET /metrics` is served (default 9464), or 'off'. */
  adminPort?: number | 'off';
}

export async function runMain(app: CompiledApp, options: MainOptions = {}): Promise<void> {
  // A configuration problem only the environment reveals is the user's to fix, not a crash: one
  // clean diagnostic and exit 1, before forking (each worker would fail the same way).
  await exitOnConfigError(app);
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : undefined);
  const host = options.host ?? (process.env.HOST || undefined); // HOST= is unset, as in serveOptions
  let workers = options.workers === 'auto' ? availableParallelism() : options.workers ?? PROCESS_DEFAULTS.workers;
  if (workers > 1 && runtimeName() === 'deno') {
    // node:cluster forks a subprocess, which Gati's Deno permissions (no --allow-run) rule out on
    // purpose: run-permission for the deno executable would let the app start an unsandboxed deno.
    // One process then, not a crash loop (the Kubernetes manifests pass --workers per CPU).
    process.stderr.write(`gati: --workers ${workers} is not supported on Deno (its permissions allow no subprocesses): serving with one process; scale with more instances\n`);
    workers = 1;
  }
  if (workers > 1 && cluster.isPrimary) {
    // The `dev.command` modules run once, here (stopped when the primary exits); the workers get
    // their URLs through the environment.
    await startModuleProcessesForWorkers(app, createLogger(levelFrom(process.env.LOG_LEVEL, PROCESS_DEFAULTS.logLevel), { app: app.name, component: 'modules' }));
    for (let i = 0; i < workers; i++) cluster.fork();
    // The control panel's request lands on one worker, which gathers every worker's data through here.
    if (controlEnabled(app.config)) relayControlQueries(startControlTelemetry(app.config));
    // `gctx.ws.publish` in one worker reaches the sockets of the others through here.
    if (hasWsRoutes(app)) relayWsMessages();
    // The admin port is the primary's: it serves the workers' metrics summed.
    if (options.adminPort !== 'off') void serveClusterMetrics(app, options.adminPort ?? PROCESS_DEFAULTS.adminPort, host);
    let exiting = false;
    const stopAll = (signal: NodeJS.Signals) => {
      exiting = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    };
    process.once('SIGTERM', stopAll);
    process.once('SIGINT', stopAll);
    const crashes: number[] = [];
    cluster.on('exit', (_worker, code) => {
      if (!exiting && code !== 0) {
        // A crashed worker is replaced, unless workers keep crashing (a bad config, a port in
        // use): then forking forever would only hide the error, so the primary gives up.
        const now = Date.now();
        crashes.push(now);
        while (crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_CRASHES) {
          console.error(`gati: ${crashes.length} workers crashed within ${CRASH_WINDOW_MS / 1000} s; giving up (their errors are above)`);
          exiting = true;
          stopAll('SIGTERM');
          process.exitCode = 1;
          return;
        }
        cluster.fork();
      }
      if (Object.keys(cluster.workers ?? {}).length === 0 && exiting) process.exit(); // 0, or 1 after giving up
    });
    return;
  }
  const role = options.role ?? (process.env.GATI_ROLE as Role | undefined);
  if (role !== undefined && !['all', 'api', 'worker'].includes(role)) throw new Error(`the role must be all, api or worker, got '${role}'`);
  await startServer(app, { port, host, dev: options.dev, role, adminPort: options.adminPort });
}
