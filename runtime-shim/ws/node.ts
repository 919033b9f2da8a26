// The Node engine: the `ws` package (loaded through requireDependency) in noServer mode behind
// node:http's 'upgrade' event. permessage-deflate is off (it costs CPU and memory per socket and
// invites compression attacks); ws itself enforces maxPayload (1009) before buffering a frame.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { requireDependency } from '../dependency.js';
import { WsSessions } from './sessions.js';
import { CLOSE, type AcceptedUpgrade, type WsEngineOptions } from './types.js';

export interface NodeWsEngine {
  /** Completes the upgrade (101) of a request that passed middleware and validation. */
  acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, accepted: AcceptedUpgrade): void;
  connections(): number;
  /** Closes every socket with 1001 (graceful shutdown), dropping those still open at the deadline. */
  close(deadlineMs?: number): Promise<void>;
}

export function createNodeWsEngine(options: WsEngineOptions): NodeWsEngine {
  const { WebSocketServer: Server } = requireDependency<typeof import('ws')>('ws');
  const sessions = new WsSessions(options);
  const server: WebSocketServer = new Server({ noServer: true, perMessageDeflate: false, maxPayload: sessions.limits.maxMessageBytes, clientTracking: false });
  return {
    acceptUpgrade(req, socket, head, accepted) {
      server.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const session = sessions.create(
          {
            send(data) {
              ws.send(data);
              return ws.bufferedAmount;
            },
            sendBytes(bytes) {
              ws.send(bytes, { binary: false });
              return ws.bufferedAmount;
            },
            close: (code, reason) => ws.close(code, reason),
            terminate: () => ws.terminate(),
            ping: () => ws.ping(),
          },
          accepted,
        );
        ws.on('message', (data, isBinary) => (isBinary ? session.receiveBinary() : session.receiveText(data.toString())));
        ws.on('pong', () => session.receivePong());
        // ws closes by itself on a protocol error (1002), an oversized frame (1009) or bad UTF-8 (1007).
        ws.on('error', (error) => options.log.debug({ wsId: session.id, err: error.message }, 'WebSocket protocol error'));
        ws.on('close', (code, reason) => session.closed(code, reason.toString()));
        if (sessions.isStopping) return session.close(CLOSE.goingAway, 'server shutting down');
        session.opened();
      });
    },
    connections: () => sessions.size,
    close: (deadlineMs) => sessions.shutdown(deadlineMs),
  };
}
