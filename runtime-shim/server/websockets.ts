// The WebSocket side of a server process: the topic hub behind `gctx.ws.publish` (with the bridge
// that carries a publish to the other processes) and the engine's WebSocket adapter, given the
// upgrades the pipeline accepted (pipeline.ts `prepareUpgrade`). An app without WS routes gets a
// hub with no bridge and no adapter: no Redis connection, no `ws` package loaded.
import cluster from 'node:cluster';
import type { GatiConfig } from '../config.js';
import type { Logger } from '../types.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import { BunFanout, createClusterBridge, createRedisBridge, createWsHub, type WsBridge, type WsHub, type WsLimits } from '../ws/index.js';
import type { CompiledApp } from './app.js';

export interface ServerHub {
  hub: WsHub;
  /** Bun's native topics, attached to the server once it listens (absent on the other engines). */
  fanout?: BunFanout;
  /** Whether the app has WS routes (an engine adapter is needed). */
  serves: boolean;
}

export const hasWsRoutes = (app: CompiledApp): boolean => app.routes.some((r) => r.method === 'WS');

/**
 * The Redis that carries publishes between pods: `ws.redis`, else the effects backend's Redis
 * (`effects.url` or REDIS_URL when `effects.backend` is 'redis'), else none (one process, or
 * `--workers` through the cluster primary).
 */
export function wsRedisUrl(config: GatiConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config.ws?.redis !== undefined) return config.ws.redis || undefined;
  const deployed = env.GATI_ENV ? config.deploy?.[env.GATI_ENV]?.effects : undefined;
  const effects = deployed ?? config.effects;
  if (effects?.backend !== 'redis') return undefined;
  return effects.url ?? env.REDIS_URL;
}

export async function createServerHub(app: CompiledApp, engine: 'node' | 'bun' | 'deno', log: Logger): Promise<ServerHub> {
  const serves = hasWsRoutes(app);
  const fanout = serves && engine === 'bun' ? new BunFanout() : undefined;
  let bridge: WsBridge | undefined;
  if (serves) {
    const url = wsRedisUrl(app.config);
    // Redis reaches every process, the other workers of this pod included: no cluster bridge then.
    if (url) bridge = await createRedisBridge({ url, prefix: `gati:${app.name}:` });
    else if (cluster.isWorker && process.send) bridge = createClusterBridge();
    if (bridge) log.debug({ bridge: url ? 'redis' : 'cluster' }, 'WebSocket publishes cross processes');
  }
  return { hub: createWsHub({ fanout, bridge }), fanout, serves };
}

/** `ws.maxMessageBytes`, `ws.maxBufferedBytes` and `ws.pingIntervalMs`, with their defaults. */
export function wsLimits(config: GatiConfig): WsLimits {
  const ws = config.ws ?? {};
  const defaults = CONFIG_DEFAULTS.ws;
  return {
    maxMessageBytes: ws.maxMessageBytes ?? defaults.maxMessageBytes,
    maxBufferedBytes: ws.maxBufferedBytes ?? defaults.maxBufferedBytes,
    pingIntervalMs: ws.pingIntervalMs ?? defaults.pingIntervalMs,
  };
}
