// The Bun engine: `server.upgrade(req, { data })` in the fetch handler and one `websocket` handlers
// object given to Bun.serve. Local fan-out uses Bun's native topics (ws.subscribe, server.publish,
// ws.publish to the others), which write one frame to every subscriber in native code.
import type { WsFanout } from './hub.js';
import type { WsSession } from './session.js';
import { WsSessions } from './sessions.js';
import { CLOSE, type AcceptedUpgrade, type WsEngineOptions } from './types.js';

/** The part of Bun's ServerWebSocket the runtime uses. */
export interface BunSocket {
  data: BunSocketData;
  send(data: string): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): number;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data: string): number;
  getBufferedAmount(): number;
}
export interface BunSocketData {
  accepted: AcceptedUpgrade;
  session?: WsSession;
}
/** The part of Bun's Server the runtime uses. */
export interface BunUpgradeServer {
  upgrade(req: Request, options: { data: BunSocketData }): boolean;
  publish(topic: string, data: string): number;
}

/**
 * How often, at most, the subscribers of the topics published since the last check are checked
 * for the 1013 rule. The check is JS work per subscriber: run per publish (or per event-loop tick)
 * it costs more than the native fan-out it guards, at fan-out rates.
 */
export const SLOW_CONSUMER_CHECK_MS = 50;

/**
 * Bun's native topics. `attach(server)` once Bun.serve returned (publish goes through it). Bun
 * writes a published frame to every subscriber natively (no JS per subscriber), so the 1013 rule
 * cannot run per send: the subscribers of the topics published meanwhile are checked at most every
 * SLOW_CONSUMER_CHECK_MS. Between checks Bun's own backpressureLimit (twice ours) bounds the memory.
 */
export class BunFanout implements WsFanout {
  private server?: BunUpgradeServer;
  readonly sockets = new WeakMap<WsSession, BunSocket>();
  /** Set by the engine: unsent bytes past which a subscriber is closed with 1013. */
  maxBufferedBytes = Number.POSITIVE_INFINITY;
  private readonly members = new Map<string, Set<WsSession>>();
  private readonly published = new Set<string>();
  private check?: ReturnType<typeof setTimeout>;

  attach(server: BunUpgradeServer): void {
    this.server = server;
  }

  subscribe(session: WsSession, topic: string): void {
    const socket = this.sockets.get(session);
    if (!socket) return;
    socket.subscribe(topic);
    let members = this.members.get(topic);
    if (!members) this.members.set(topic, (members = new Set()));
    members.add(session);
  }

  unsubscribe(session: WsSession, topic: string): void {
    this.sockets.get(session)?.unsubscribe(topic);
    const members = this.members.get(topic);
    if (members?.delete(session) && members.size === 0) this.members.delete(topic);
  }

  leave(session: WsSession): void {
    // Bun unsubscribes a closed socket from its topics itself; only the mirror is ours.
    for (const [topic, members] of this.members) if (members.delete(session) && members.size === 0) this.members.delete(topic);
  }

  publish(topic: string, data: string, except?: WsSession): void {
    const socket = except && this.sockets.get(except);
    if (socket) socket.publish(topic, data);
    else this.server?.publish(topic, data);
    this.published.add(topic);
    this.check ??= setTimeout(() => this.closeSlowConsumers(), SLOW_CONSUMER_CHECK_MS);
  }

  private closeSlowConsumers(): void {
    this.check = undefined;
    for (const topic of this.published) {
      for (const session of this.members.get(topic) ?? []) {
        if ((this.sockets.get(session)?.getBufferedAmount() ?? 0) > this.maxBufferedBytes) session.close(CLOSE.tryAgainLater, 'slow consumer: too much unsent data');
      }
    }
    this.published.clear();
  }
}

export interface BunWsEngine {
  /** For Bun.serve({ websocket }). */
  websocket: Record<string, unknown>;
  /** Upgrades a request that passed middleware and validation: undefined once Bun took it, else a 400. */
  acceptUpgrade(req: Request, server: BunUpgradeServer, accepted: AcceptedUpgrade): Response | undefined;
  connections(): number;
  close(deadlineMs?: number): Promise<void>;
}

/** `options.hub` must have been made with this engine's `fanout` for native pub/sub (else a MapFanout works too). */
export function createBunWsEngine(options: WsEngineOptions & { fanout?: BunFanout }): BunWsEngine {
  const sessions = new WsSessions(options);
  const fanout = options.fanout;
  const limits = sessions.limits;
  if (fanout) fanout.maxBufferedBytes = limits.maxBufferedBytes;
  return {
    websocket: {
      maxPayloadLength: limits.maxMessageBytes,
      perMessageDeflate: false,
      // The heartbeat is ours (sessions.ts), with the same interval and rule on every engine.
      sendPings: false,
      idleTimeout: 0,
      // Bun's own limit sits above ours (past it Bun drops frames, or closes with 1006): sendText
      // and BunFanout check getBufferedAmount and close with 1013 first.
      backpressureLimit: limits.maxBufferedBytes * 2,
      closeOnBackpressureLimit: false,
      open(ws: BunSocket) {
        const session = sessions.create(
          {
            send(data) {
              ws.send(data);
              return ws.getBufferedAmount();
            },
            close: (code, reason) => ws.close(code, reason),
            terminate: () => ws.terminate(),
            ping: () => void ws.ping(),
          },
          ws.data.accepted,
        );
        ws.data.session = session;
        fanout?.sockets.set(session, ws);
        if (sessions.isStopping) return session.close(CLOSE.goingAway, 'server shutting down');
        session.opened();
      },
      message(ws: BunSocket, message: string | Uint8Array) {
        const session = ws.data.session!;
        if (typeof message === 'string') session.receiveText(message);
        else session.receiveBinary();
      },
      pong(ws: BunSocket) {
        ws.data.session?.receivePong();
      },
      close(ws: BunSocket, code: number, reason: string) {
        ws.data.session?.closed(code, reason);
      },
    },
    acceptUpgrade(req, server, accepted) {
      if (server.upgrade(req, { data: { accepted } })) return undefined;
      return new Response('WebSocket upgrade failed', { status: 400 });
    },
    connections: () => sessions.size,
    close: (deadlineMs) => sessions.shutdown(deadlineMs),
  };
}
