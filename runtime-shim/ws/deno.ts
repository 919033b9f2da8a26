// The Deno engine: Deno.upgradeWebSocket(req) returns the 101 response and a standard WebSocket.
// Deno pings by itself (idleTimeout: a socket that does not answer within it is closed), so the
// heartbeat here is Deno's, set from the same interval; it has no payload limit option, so the
// session checks the size of each text message (1009).
import { WsSessions } from './sessions.js';
import { CLOSE, type AcceptedUpgrade, type WsEngineOptions } from './types.js';

interface DenoGlobal {
  upgradeWebSocket(req: Request, options?: { idleTimeout?: number }): { socket: WebSocket; response: Response };
}

export interface DenoWsEngine {
  /** The 101 response to return from Deno.serve's handler, for a request that passed middleware and validation. */
  acceptUpgrade(req: Request, accepted: AcceptedUpgrade): Response;
  connections(): number;
  close(deadlineMs?: number): Promise<void>;
}

export function createDenoWsEngine(options: WsEngineOptions): DenoWsEngine {
  const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;
  // Deno's own pings replace ours: no `ping` on the transport, so sessions.ts skips these sockets.
  const sessions = new WsSessions(options);
  const ping = sessions.limits.pingIntervalMs;
  const idleTimeout = ping > 0 ? Math.max(1, Math.ceil((2 * ping) / 1000)) : 0;
  return {
    acceptUpgrade(req, accepted) {
      const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
      const session = sessions.create(
        {
          send(data) {
            socket.send(data);
            return socket.bufferedAmount;
          },
          close: (code, reason) => socket.close(code, reason),
          // The standard WebSocket has no abort: a close without waiting is the closest.
          terminate: () => socket.close(),
        },
        accepted,
      );
      socket.onopen = () => {
        if (sessions.isStopping) return session.close(CLOSE.goingAway, 'server shutting down');
        session.opened();
      };
      socket.onmessage = (event: MessageEvent) => (typeof event.data === 'string' ? session.receiveText(event.data) : session.receiveBinary());
      socket.onclose = (event: { code: number; reason: string }) => session.closed(event.code, event.reason);
      socket.onerror = () => {};
      return response;
    },
    connections: () => sessions.size,
    close: (deadlineMs) => sessions.shutdown(deadlineMs),
  };
}
