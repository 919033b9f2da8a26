// Every open session of one engine adapter: the heartbeat (ping every interval, drop a socket that
// missed two pongs) and the graceful shutdown (1001 to everyone, then drop whoever did not finish
// the closing handshake by the deadline). Shared by the node, bun and deno adapters.
import { WsSession } from './session.js';
import { CLOSE, DEFAULT_WS_LIMITS, type AcceptedUpgrade, type WsEngineOptions, type WsLimits, type WsTransport } from './types.js';

export class WsSessions {
  readonly limits: WsLimits;
  private readonly open = new Set<WsSession>();
  private readonly heartbeat?: ReturnType<typeof setInterval>;
  private stopping = false;
  private drained?: () => void;

  constructor(private readonly options: WsEngineOptions) {
    this.limits = { ...DEFAULT_WS_LIMITS, ...options.limits };
    if (this.limits.pingIntervalMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), this.limits.pingIntervalMs);
      (this.heartbeat as { unref?: () => void }).unref?.();
    }
  }

  get size(): number {
    return this.open.size;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** A session for a socket the engine just accepted (closed at once with 1001 during shutdown). */
  create(transport: WsTransport, accepted: AcceptedUpgrade): WsSession {
    const session = new WsSession(transport, accepted, {
      gctx: this.options.gctx,
      log: this.options.log,
      hub: this.options.hub,
      limits: this.limits,
      onGone: (s) => {
        this.open.delete(s);
        if (this.open.size === 0) this.drained?.();
      },
    });
    this.open.add(session);
    return session;
  }

  private beat(): void {
    for (const session of this.open) {
      // A closing socket is past pinging (ws throws on a ping once closing): its closing
      // handshake has the engine's own timeout (30 s in ws), and its close frame may sit behind
      // the unsent data of a slow consumer.
      if (!session.transport.ping || session.isClosing) continue;
      if (session.missedPongs >= 2) {
        this.options.log.info({ wsId: session.id }, 'WebSocket missed two pongs: dropped');
        session.transport.terminate();
        session.closed(1006, 'missed two pongs');
        continue;
      }
      session.missedPongs++;
      session.transport.ping();
    }
  }

  /** Closes every socket with 1001, waits for their closing handshakes up to `deadlineMs`, drops the rest. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const session of this.open) session.close(CLOSE.goingAway, 'server shutting down');
    if (this.open.size > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, deadlineMs).unref?.();
      });
    }
    for (const session of [...this.open]) {
      session.transport.terminate();
      session.closed(1006, 'shutdown deadline');
    }
  }
}
