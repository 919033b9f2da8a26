// The Bun engine adapter: Bun.serve in front of the shared fetch-style handler (fetch-engine.ts),
// with the body limit left to the pipeline (so the answer is a problem document, not Bun's plain
// 413), an idle timeout against slow clients, and the same graceful shutdown as node.ts.
import { createFetchHandler, problemWebResponse, waitIdle } from './fetch-engine.js';
import type { EngineHandler } from './wire.js';
import { problem } from './problem.js';
import type { EngineOptions, EngineServer, EngineWebSockets } from './node.js';
import type { BunFanout, BunUpgradeServer, BunWsEngine } from '../ws/bun.js';

interface BunServer {
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  requestIP(req: Request): { address: string } | null;
}
interface BunGlobal {
  serve(options: Record<string, unknown>): BunServer;
}

export function createBunServer(handle: EngineHandler, options: EngineOptions & { websocket?: EngineWebSockets<BunWsEngine> & { fanout?: BunFanout } }): EngineServer {
  const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  let server: BunServer | undefined;
  let closing = false;
  const ws = options.websocket;
  const handler = createFetchHandler<BunServer>(handle, {
    log: options.log,
    ipOf: (request, srv) => srv.requestIP(request)?.address ?? '',
    upgrade: ws && { prepare: ws.prepare, accept: (request, srv, accepted) => ws.engine.acceptUpgrade(request, srv as unknown as BunUpgradeServer, accepted) },
  });
  return {
    async listen(port, host) {
      server = Bun.serve({
        port,
        hostname: host,
        // Bun would answer an oversized body itself, in plain text: let the pipeline's limit answer.
        maxRequestBodySize: Number.MAX_SAFE_INTEGER,
        idleTimeout: Math.min(255, Math.ceil(options.requestTimeoutMs / 1000)),
        fetch: handler.fetch,
        ...(ws ? { websocket: ws.engine.websocket } : {}),
        error: () => problemWebResponse(problem(400, 'malformed HTTP request')),
      });
      // Bun's native topics publish through the server.
      ws?.fanout?.attach(server as unknown as BunUpgradeServer);
      return server.port;
    },
    inFlight: handler.inFlight,
    async close(deadlineMs) {
      if (closing || !server) return;
      closing = true;
      handler.endStreams();
      const graceful = Promise.resolve(server.stop(false));
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref?.());
      await Promise.race([graceful.then(() => waitIdle(handler.inFlight)), deadline]);
      await server.stop(true);
    },
  };
}
