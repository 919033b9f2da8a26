// The WebSocket runtime: sessions (the `ws` object), the topic hub and its cross-process bridges,
// and one adapter per engine. The request pipeline hands it upgrades that passed middleware and
// validation (acceptUpgrade); `gctx.ws.publish` is `hub.publish`.
export { CLOSE, DEFAULT_WS_LIMITS, type AcceptedUpgrade, type WsConnection, type WsEngineOptions, type WsHandlerHooks, type WsLimits, type WsRoute, type WsTransport } from './types.js';
export { closeReason } from './close-reason.js';
export { WsSession } from './session.js';
export { WsHub, MapFanout, createWsHub, type WsBridge, type WsFanout } from './hub.js';
export { createClusterBridge, relayWsMessages } from './cluster-bridge.js';
export { createRedisBridge, type RedisBridgeOptions } from './redis-bridge.js';
export { createNodeWsEngine, type NodeWsEngine } from './node.js';
export { createBunWsEngine, BunFanout, type BunWsEngine, type BunSocket, type BunUpgradeServer } from './bun.js';
export { createDenoWsEngine, type DenoWsEngine } from './deno.js';
