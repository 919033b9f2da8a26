// gati dev [dir]: watch + serve with zero-downtime reload. The dev process owns the socket; each
// good build is imported beside the running one, its modules initialised, and then new requests
// go to it while in-flight ones finish on the old build, whose modules close once it is idle. A
// build with errors keeps the old build serving. A build is the app's files as one module each
// (driver/dev-modules.ts) on the runtime this process runs: a save imports only what it changed.
import { watchApp } from '../../driver/watcher.js';
import { createNodeServer } from '../../runtime-shim/server/node.js';
import type { IncomingRequest, OutgoingResponse } from '../../runtime-shim/server/wire.js';
import { createLogger, levelFrom } from '../../runtime-shim/server/log.js';
import { listenAddress } from '../../runtime-shim/server/start.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { CONFIG_DEFAULTS, PROCESS_DEFAULTS } from '../../runtime-shim/defaults.js';
import { createNodeWsEngine, createWsHub, type NodeWsEngine } from '../../runtime-shim/ws/index.js';
import { hasWsRoutes, wsLimits } from '../../runtime-shim/server/websockets.js';
import type { UpgradeDecision } from '../../runtime-shim/server/pipeline.js';
import type { Terminal } from '../terminal.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { prepareApp } from '../../runtime-shim/server/start.js';
import type { CompiledApp } from '../../runtime-shim/server/app.js';
import type { DevModules } from '../../driver/dev-modules.js';
import { moduleOnlyEdit, type ModuleEdit } from '../../driver/dev-module-swap.js';
import { createModuleSwapper, type ModuleSwapper } from '../../runtime-shim/modules/module-swapper.js';
import { openLocalSocket } from '../../runtime-shim/control/local-socket.js';
import { RebuildLoop, type RebuildOutcome } from './rebuild-loop.js';
import { devMetricsAnswer } from '../../runtime-shim/metrics/dev-metrics.js';
import { createControlPanel } from '../../runtime-shim/control/panel.js';
import { startControlTelemetry } from '../../runtime-shim/control/telemetry/telemetry.js';
import { enableMetrics } from '../../runtime-shim/metrics/registry.js';
import { stopTracing } from '../../runtime-shim/tracing/index.js';
import { provideRequire } from './load-bundle.js';
import { addressInUse, isAddressInUse, parsePort, type ServeFlags } from './start.js';

interface Generation {
  handle(req: IncomingRequest): Promise<OutgoingResponse>;
  prepareUpgrade(req: IncomingRequest): Promise<UpgradeDecision>;
  /** The build's WebSocket adapter (its sockets stay on it until it retires), when it has WS routes. */
  ws?: NodeWsEngine;
  close(): Promise<void>;
  inFlight: number;
  /** The build's config: the first one's server.port/host decide where dev listens. */
  config: GatiConfig;
  app: CompiledApp;
  /** Hot swap of one module of this build (a save of a module file, the panel, gati modules swap). */
  swapper: ModuleSwapper;
  /** Each module's function names, as this build's `gctx.modules` has them. */
  moduleFunctions: Map<string, string[]>;
  onIdle?: () => void;
}

export async function devCommand(root: string, flags: ServeFlags, term: Terminal): Promise<number> {
  // flag > PORT/HOST > server.port/host of the config > 3000 on 127.0.0.1 (listenAddress);
  // an empty variable is unset, as for gati start.
  const port = parsePort(flags.port ?? (process.env.PORT || undefined), term);
  if (port === null) return 2;
  const log = createLogger(levelFrom(process.env.LOG_LEVEL, PROCESS_DEFAULTS.logLevel), {});
  // The panel's buffers take every log line and the traces from the first request on (before the
  // first build starts tracing).
  startControlTelemetry();
  const loop = new RebuildLoop(root, term, { modules: true });
  let current: Generation | undefined;
  // The last run's modules, when the app's files are as it left them: served at once, while the
  // app is built again (the rebuilds need the analysis; it finds what the cache cannot, e.g. a
  // type error). Any file changed since, and the app is built before it is served.
  let cached = loop.modules!.restore();
  if (cached) current = await load(loop.modules!, log).catch(() => undefined);
  cached &&= current !== undefined;
  // The first build's analysis came from .gati/cache (the app unchanged since the last full one,
  // by `gati build` or `gati dev`): the app is analysed again behind the first answer, for the rebuilds.
  let analysedBehind = false;
  if (!cached) {
    const first = await loop.initial(true);
    analysedBehind = first.result.analysisFromCache === true;
    if (!first.ok) {
      await loop.checkTypes();
      term.error('gati dev: the first build failed; fix the errors above and run gati dev again');
      await loop.dispose();
      return 1;
    }
    try {
      current = await load(loop.modules!, log);
    } catch (error) {
      // E.g. GATI4020 (Redis without a URL): bin/gati.ts prints it; the rebuild loop must not keep the process alive.
      await loop.dispose();
      throw error;
    }
  }
  const serving = current!;
  let answered: () => void = () => {};
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  // /_control: the control panel, open without a login (dev listens on loopback unless told otherwise).
  const control = createControlPanel({ app: () => current!.app, mode: 'dev', log, modules: () => current!.swapper });
  const server = createNodeServer(async (req) => {
    const panel = control.answer(req);
    if (panel) return panel;
    // /_metrics: the process's metrics, before the app (it counts the app's requests, not these).
    const metrics = await devMetricsAnswer(req, log);
    if (metrics) return metrics;
    const gen = current!;
    gen.inFlight++;
    try {
      return await gen.handle(req);
    } finally {
      gen.inFlight--;
      if (gen.inFlight === 0) gen.onIdle?.();
      answered();
    }
  }, {
    requestTimeoutMs: CONFIG_DEFAULTS.server.requestTimeoutMs,
    log,
    // An upgrade goes to the newest build; a build without WS routes answers it as any request.
    websocket: {
      prepare: (req) => current!.prepareUpgrade(req),
      engine: {
        acceptUpgrade: (req, socket, head, accepted) => (current!.ws ? current!.ws.acceptUpgrade(req, socket, head, accepted) : socket.destroy()),
        connections: () => current!.ws?.connections() ?? 0,
        close: async () => {},
      },
    },
  });
  enableMetrics(log)?.http.countInFlight(server.inFlight);
  const address = listenAddress({ port, host: flags.host ?? (process.env.HOST || undefined) }, serving.config.server, true);
  const host = address.host;
  let bound: number;
  try {
    bound = await server.listen(address.port, host);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    term.error(addressInUse('dev', address.port));
    await serving.close();
    await loop.dispose();
    return 1;
  }
  // Listened for before "serving on" is printed: a signal without a listener ends the process at once,
  // without recording its build (a Ctrl-C, or a test's SIGTERM, right after the start).
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    // The terminal closed: stopped as by Ctrl-C (its build recorded for the next start).
    process.once('SIGHUP', resolve);
  });
  // `gati modules swap` reaches the build that serves (a reload starts again from the app's files).
  const localSocket = await openLocalSocket(root, { list: () => current!.swapper.list(), swap: (name, to) => current!.swapper.swap(name, to) }, log);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  term.info(`${term.style.bold('gati dev')} serving on ${origin} (reloads on save)`);
  term.info(`  control panel: ${origin}/_control (no login under gati dev)`);
  // Set once a signal asked gati dev to stop: a build that ends afterwards is not served (its
  // modules would start again, effects polling included, and keep the process from exiting).
  let stopping = false;
  const reload = async (outcome: RebuildOutcome, changed: string[] = []) => {
    if (stopping) return;
    if (!outcome.ok) return void loop.checkTypes();
    // A save of module files alone: each swapped in a fresh worker thread, the build keeps serving.
    const edits = moduleOnlyEdit(root, [...new Set(changed)], outcome.result.model, current!.moduleFunctions, loop.modules!);
    if (edits && (await swapModules(current!, edits, outcome.ms, term, log))) {
      await loop.checkTypes();
      collectWhenIdle(loop);
      return;
    }
    try {
      const loadStarted = performance.now();
      const next = await load(loop.modules!, log);
      if (stopping) return void (await next.close());
      const old = current!;
      current = next;
      retire(old, log);
      const loadMs = performance.now() - loadStarted;
      term.info(`  reloaded in ${Math.round(outcome.ms + loadMs)} ms (rebuild ${Math.round(outcome.ms)}, load ${Math.round(loadMs)})`);
    } catch (error) {
      log.error({ err: error }, 'the new build failed to start; the previous one keeps serving');
    }
    // TypeScript's errors come as warnings once the build is served.
    await loop.checkTypes();
    collectWhenIdle(loop);
  };
  let edited = false;
  // After the first answer (or a second): what follows holds this thread for seconds on a large app.
  const afterFirstAnswer = Promise.race([firstAnswer, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  if (cached || analysedBehind) {
    term.info(cached ? "  from the last run's build (the app is unchanged since); building it again to watch it" : '  analysing the app again behind the first answer, to watch it');
    // A full analysis, never the saved one: the rebuilds work from its program.
    void afterFirstAnswer.then(() => (edited || stopping ? undefined : loop.initial().then(reload)));
  } else {
    void loop.checkTypes().then(() => collectWhenIdle(loop));
  }
  // What the server does not load (the panel's topology layout, the SDK, OpenAPI, model.json), emitted
  // after the first answer, queued behind the build and type check above (BuildOptions.deferEmit).
  void afterFirstAnswer.then(() => {
    if (stopping) return;
    loop.finishEmit().then(() => collectWhenIdle(loop), (error: unknown) => log.error({ err: error }, 'emitting the SDK, OpenAPI and the panel\'s layout failed'));
  });

  const watcher = watchApp(root, (changed) => {
    edited = true;
    void loop.rebuild(changed).then((outcome) => reload(outcome, changed));
  });
  await stopped;
  stopping = true;
  watcher.close();
  await localSocket?.close();
  // Sockets get 1001 while HTTP drains (an upgraded socket would hold the server open to the deadline).
  await Promise.all([current?.ws?.close(CONFIG_DEFAULTS.server.shutdownTimeoutMs), server.close(CONFIG_DEFAULTS.server.shutdownTimeoutMs)]);
  await current?.close();
  // The spans of the last requests and effect runs reach the collector before the process ends.
  await stopTracing();
  if (loop.built) {
    loop.modules!.save();
    loop.saveAnalysis();
  }
  await loop.dispose();
  return 0;
}

async function load(modules: DevModules, log: ReturnType<typeof createLogger>): Promise<Generation> {
  process.setSourceMapsEnabled(true);
  provideRequire();
  const app = (await modules.createApp()) as CompiledApp;
  const appLog = log.child({ app: app.name });
  // One process: the hub delivers in memory, no bridge.
  const hub = createWsHub();
  const { handle, context } = await prepareApp(app, { dev: true, log: appLog, hub });
  const ws = hasWsRoutes(app) ? createNodeWsEngine({ gctx: context.gctx, log: appLog, hub, limits: wsLimits(app.config) }) : undefined;
  const close = async () => {
    // A reload or the end of gati dev: the build's sockets close with 1001 (the client reconnects to the new one).
    await ws?.close(CONFIG_DEFAULTS.server.shutdownTimeoutMs);
    await context.close();
  };
  const moduleFunctions = new Map(Object.entries(app.modules).map(([name, ns]) => [name, Object.keys(ns).filter((key) => typeof ns[key] === 'function' && key !== 'init' && key !== 'close')]));
  return { handle, prepareUpgrade: handle.prepareUpgrade, ws, close, inFlight: 0, config: app.config, app, swapper: createModuleSwapper(context.moduleSlots, app, appLog), moduleFunctions };
}

/**
 * Swaps each edited module of the serving build for its new version, loaded in a worker thread of
 * its own (Node cannot unload a module from an isolate; a worker's isolate ends with it). False
 * when one could not be loaded: the caller then reloads the whole build, which reports the error.
 */
async function swapModules(gen: Generation, edits: ModuleEdit[], rebuildMs: number, term: Terminal, log: ReturnType<typeof createLogger>): Promise<boolean> {
  const started = performance.now();
  try {
    for (const edit of edits) await gen.swapper.swap(edit.name, { kind: 'worker', url: edit.url, source: edit.file });
  } catch (error) {
    log.warn({ err: error }, 'hot-swapping the module failed; reloading the build');
    return false;
  }
  const swapMs = performance.now() - started;
  term.info(`  swapped module ${edits.map((e) => e.name).join(', ')} in ${Math.round(rebuildMs + swapMs)} ms (rebuild ${Math.round(rebuildMs)}, swap ${Math.round(swapMs)})`);
  return true;
}

/**
 * Once idle, the build is recorded for the next start (see collectWhenIdle), and garbage collected:
 * V8's own: with the compiler's program in the heap (hundreds of MB on a large app), it lets the
 * old builds' garbage pile up for a long time, and the RSS grows with every reload. One full
 * collection once the loop has been idle for a second (a reload served, its type check done, no
 * save waiting) gives the memory back; not sooner, as it takes a few hundred ms on a large app and
 * would hold up a save that follows at once.
 */
const collectGarbage = ((): (() => void) | undefined => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();
let collection: NodeJS.Timeout | undefined;

function collectWhenIdle(loop: RebuildLoop): void {
  if (collection) clearTimeout(collection);
  collection = setTimeout(() => {
    collection = undefined;
    if (!loop.idle) return;
    collectGarbage?.();
    // The build as it stands, recorded for the next start (DevModules.save) now rather than only at
    // the end: a process killed, or whose terminal closed, leaves it too, and the next start serves
    // it at once instead of analysing the app first.
    loop.modules?.save();
    loop.saveAnalysis();
  }, 1000).unref();
}

/** Closes an old build's modules once its last in-flight request is done. */
function retire(gen: Generation, log: ReturnType<typeof createLogger>): void {
  const close = () => void gen.close().catch((error: unknown) => log.error({ err: error }, 'closing the previous build failed'));
  if (gen.inFlight === 0) close();
  else gen.onIdle = close;
}
