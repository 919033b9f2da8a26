// The WebSocket runtime's types: what a WS route hands the runtime (its handler and validators),
// the `ws` object a handler sees, the limits, and the transport each engine adapter implements.
import type { ValidateFn } from '../server/app.js';
import type { Logger } from '../types.js';
import { CONFIG_DEFAULTS } from '../defaults.js';

/** The `ws` object of a WS handler (one per connection). */
export interface WsConnection<Out = unknown, Data extends Record<string, unknown> = Record<string, unknown>> {
  /** Unique per connection (a UUID). */
  readonly id: string;
  /** The upgrade request's validated params, query and headers. */
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, unknown>;
  /** Per-connection state, free for the handler. */
  data: Data;
  /** Sends one JSON text frame (a Date becomes its ISO string, as in HTTP responses). */
  send(msg: Out): void;
  /** Closes with `code` (default 1000) and `reason` (cut to 123 bytes of UTF-8). */
  close(code?: number, reason?: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** To every OTHER subscriber of `topic`, in this process and (through the hub's bridge) elsewhere. */
  publish(topic: string, msg: Out): void;
}

/** A WS route's handler: every hook optional; a hook that throws (or rejects) closes with 1011. */
export interface WsHandlerHooks {
  open?(ws: WsConnection, gctx: unknown, lctx: unknown): unknown;
  message?(ws: WsConnection, msg: any, gctx: unknown, lctx: unknown): unknown;
  close?(ws: WsConnection, code: number, reason: string): unknown;
}

/** What the later wiring gives the runtime for one WS route. */
export interface WsRoute {
  /** The route's template ('WS /rooms/:room'), for logs. */
  key?: string;
  handler: WsHandlerHooks;
  /** The generated validator of `in` (AJV standalone: false with `errors`); absent: any JSON. */
  validateIn?: ValidateFn;
  /** Turns a valid incoming message's ISO strings into Dates (the validators emitter's reviver). */
  reviveIn?(msg: unknown): unknown;
  /** `gati dev`: the validator of `out`; a message that fails it is a handler error (1011). */
  checkOut?: ValidateFn;
  /** The compiled serializer of `out` (the same text as JSON.stringify); absent: JSON.stringify. */
  serializeOut?: (msg: unknown) => string | undefined;
}

/** An upgrade that already passed the route's middleware and the params/query/headers validation. */
export interface AcceptedUpgrade {
  route: WsRoute;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  /** The request's local context (lctx), handed to open/message. */
  lctx?: unknown;
  /** The initial `ws.data`. */
  data?: Record<string, unknown>;
  /** Tracing on: how the connection's hooks run, in spans of the upgrade's trace (runtime-shim/tracing/ws-trace.ts). */
  trace?: WsHookTrace;
}

/** The tracing of one connection's hooks (tracing/ws-trace.ts's WsTrace). */
export interface WsHookTrace {
  /** `open` and `close`. */
  run<T>(hook: () => T): T;
  /** `message`: one span per received message. */
  message<T>(hook: () => T): T;
}

export interface WsLimits {
  /** A text message over this many bytes closes with 1009 (default 1 MiB). */
  maxMessageBytes: number;
  /** Unsent data over this many bytes closes with 1013 (default 4 MiB). */
  maxBufferedBytes: number;
  /** Ping every this many ms; a socket that misses two pongs is dropped (default 30 s; 0: off). */
  pingIntervalMs: number;
}

/** The config's defaults (`ws.*` in defaults.ts). */
export const DEFAULT_WS_LIMITS: WsLimits = CONFIG_DEFAULTS.ws;

/** The close codes of the contract. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  tooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** One engine's socket, as the engine-independent session drives it. */
export interface WsTransport {
  /** Sends a text frame; returns the bytes still buffered for this socket after it. */
  send(data: string): number;
  /** The same text frame from its UTF-8 bytes, encoded once for every subscriber of a publish (node's ws). */
  sendBytes?(bytes: Uint8Array): number;
  close(code: number, reason: string): void;
  /** Drops the socket without a closing handshake (a client that stopped answering). */
  terminate(): void;
  /** Sends a ping; absent when the engine pings by itself (Deno's idleTimeout). */
  ping?(): void;
}

export interface WsEngineOptions {
  /** gctx: the process context handed to every hook. */
  gctx: unknown;
  log: Logger;
  /** Topic fan-out, in this process and across processes. */
  hub: import('./hub.js').WsHub;
  limits?: Partial<WsLimits>;
}
