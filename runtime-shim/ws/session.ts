// One WebSocket connection, whatever the engine: the `ws` object handlers see, and what the engine
// adapter calls when a frame arrives. Incoming text is parsed (prototype-poisoning safe), checked
// against the route's `in` validator and revived before `message` runs; every way a message can be
// refused closes with the contract's code, and a reason a person can act on.
import { randomUUID } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { parseJson } from '../server/safe-json.js';
import { toValidationErrors } from '../server/validation-errors.js';
import type { ValidateFn } from '../server/app.js';
import type { Logger } from '../types.js';
import { closeReason } from './close-reason.js';
import { wsRouteMetrics } from '../metrics/ws-route.js';
import type { WsRouteMetrics } from '../metrics/ws-metrics.js';
import type { WsHub } from './hub.js';
import { CLOSE, type AcceptedUpgrade, type WsConnection, type WsLimits, type WsTransport } from './types.js';

export interface SessionContext {
  gctx: unknown;
  log: Logger;
  hub: WsHub;
  limits: WsLimits;
  /** Told once, when the socket is gone. */
  onGone(session: WsSession): void;
}

/** The first validation error of a message as `<pointer>: <message>` (pointer from the message's root). */
export function firstError(validate: ValidateFn): string {
  const [first] = toValidationErrors('message', validate.errors);
  if (!first) return 'the message is invalid';
  const pointer = first.path.slice('/message'.length) || '/';
  return `${pointer} ${first.message}`;
}

export class WsSession implements WsConnection {
  readonly id = randomUUID();
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Pings sent since the last pong (the heartbeat drops the socket at 2). */
  missedPongs = 0;
  private closing = false;
  private gone = false;
  /** This route's `gati_ws_*` series, when the process serves metrics. */
  private readonly metrics: WsRouteMetrics | undefined;

  constructor(
    readonly transport: WsTransport,
    private readonly accepted: AcceptedUpgrade,
    private readonly ctx: SessionContext,
  ) {
    this.params = accepted.params ?? {};
    this.query = accepted.query ?? {};
    this.headers = accepted.headers ?? {};
    this.data = accepted.data ?? {};
    this.metrics = wsRouteMetrics(accepted.route.key ?? '');
    this.metrics?.opened();
  }

  get isClosing(): boolean {
    return this.closing;
  }

  // ---- the `ws` object ----

  send(msg: unknown): void {
    this.checkOut(msg);
    this.sendText(this.serialize(msg));
  }

  close(code: number = CLOSE.normal, reason = ''): void {
    if (this.closing) return;
    this.closing = true;
    this.transport.close(code, closeReason(reason));
  }

  subscribe(topic: string): void {
    if (!this.closing) this.ctx.hub.fanout.subscribe(this, topic);
  }

  unsubscribe(topic: string): void {
    this.ctx.hub.fanout.unsubscribe(this, topic);
  }

  publish(topic: string, msg: unknown): void {
    this.checkOut(msg);
    this.ctx.hub.publishText(topic, this.serialize(msg), this);
  }

  // ---- called by the engine adapter and the hub ----

  /** An already serialized message (and, for a fan-out, its bytes); a consumer too slow to take it is closed with 1013. */
  sendText(data: string, encoded?: () => Uint8Array): void {
    if (this.closing) return;
    const buffered = encoded && this.transport.sendBytes ? this.transport.sendBytes(encoded()) : this.transport.send(data);
    this.metrics?.sent();
    if (buffered > this.ctx.limits.maxBufferedBytes) this.close(CLOSE.tryAgainLater, 'slow consumer: too much unsent data');
  }

  opened(): void {
    const open = this.accepted.route.handler.open;
    if (open) this.run(() => open.call(this.accepted.route.handler, this, this.ctx.gctx, this.accepted.lctx));
  }

  receiveText(text: string): void {
    if (this.closing) return;
    this.metrics?.received();
    const max = this.ctx.limits.maxMessageBytes;
    // Node's ws and Bun enforce the limit before a frame is read; Deno has no such option.
    if (text.length * 3 > max && Buffer.byteLength(text) > max) return this.close(CLOSE.tooBig, `message over ${max} bytes`);
    let msg: unknown;
    try {
      msg = parseJson(text);
    } catch (error) {
      return this.close(CLOSE.invalidPayload, `invalid JSON: ${(error as Error).message}`);
    }
    const route = this.accepted.route;
    if (route.validateIn && !route.validateIn(msg)) return this.close(CLOSE.invalidPayload, firstError(route.validateIn));
    if (route.reviveIn) msg = route.reviveIn(msg);
    const message = route.handler.message;
    if (message) this.run(() => message.call(route.handler, this, msg, this.ctx.gctx, this.accepted.lctx), true);
  }

  receiveBinary(): void {
    this.close(CLOSE.unsupportedData, 'binary messages are not accepted: send JSON text');
  }

  receivePong(): void {
    this.missedPongs = 0;
  }

  /** The socket is gone (closed by either side, or dropped): leave every topic, run `close` once. */
  closed(code: number, reason: string): void {
    if (this.gone) return;
    this.gone = this.closing = true;
    this.metrics?.closed();
    this.ctx.hub.fanout.leave(this);
    this.ctx.onGone(this);
    const close = this.accepted.route.handler.close;
    if (close) this.run(() => close.call(this.accepted.route.handler, this, code, reason));
  }

  /** An `out` message as JSON: the route's compiled serializer, or JSON.stringify. */
  private serialize(msg: unknown): string {
    const serializeOut = this.accepted.route.serializeOut;
    return (serializeOut === undefined ? JSON.stringify(msg) : serializeOut(msg)) as string;
  }

  private checkOut(msg: unknown): void {
    const check = this.accepted.route.checkOut;
    if (check && !check(JSON.parse(JSON.stringify(msg)))) throw new Error(`outgoing message does not match the route's out type: ${firstError(check)}`);
  }

  /**
   * Runs a hook (in its span when tracing is on: `message` in one of its own); an exception or a
   * rejection is logged with its stack and closes with 1011.
   */
  private run(hook: () => unknown, message = false): void {
    const trace = this.accepted.trace;
    try {
      const result = trace === undefined ? hook() : message ? trace.message(hook) : trace.run(hook);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    const err = error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
    this.ctx.log.error({ err, route: this.accepted.route.key, wsId: this.id }, 'WebSocket handler failed');
    this.close(CLOSE.internalError, 'internal error');
  }
}
