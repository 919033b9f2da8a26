// The Deno engine adapter: Deno.serve in front of the shared fetch-style handler (fetch-engine.ts).
// Deno.serve has no body limit of its own (the pipeline's answers 413) and no timeout settings
// (denoland/deno#3515): a body that stops arriving is answered 408 by the fetch handler's own
// timer; a client that never finishes its headers is out of the adapter's reach (README: Engines).
// Graceful shutdown uses HttpServer.shutdown(), which stops accepting and waits for in-flight
// requests, raced against the shutdown deadline, after which the abort signal closes the rest.
import { createFetchHandler, problemWebResponse } from './fetch-engine.js';
import type { EngineHandler } from './wire.js';
import { problem } from './problem.js';
import type { EngineOptions, EngineServer, EngineWebSockets } from './node.js';
import type { DenoWsEngine } from '../ws/deno.js';

interface DenoServeInfo {
  remoteAddr: { hostname?: string };
}
interface DenoHttpServer {
  addr: { port: number };
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(options: Record<string, unknown>, handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>): DenoHttpServer;
}

export function createDenoServer(handle: EngineHandler, options: EngineOptions & { websocket?: EngineWebSockets<DenoWsEngine> }): EngineServer {
  const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;
  let server: DenoHttpServer | undefined;
  let closing = false;
  const abort = new AbortController();
  const ws = options.websocket;
  const handler = createFetchHandler<DenoServeInfo>(handle, { log: options.log, ipOf: (_request, info) => info.remoteAddr.hostname ?? '', bodyTimeoutMs: options.requestTimeoutMs,
    upgrade: ws && { prepare: ws.prepare, accept: (request, _info, accepted) => ws.engine.acceptUpgrade(request, accepted) },
  });
  return {
    listen(port, host) {
      return new Promise((resolve) => {
        server = Deno.serve(
          {
            port,
            hostname: host,
            signal: abort.signal,
            reusePort: options.clusterWorker ?? false,
            onListen: (addr: { port: number }) => resolve(addr.port),
            onError: () => problemWebResponse(problem(500)),
          },
          handler.fetch,
        );
      });
    },
    inFlight: handler.inFlight,
    async close(deadlineMs) {
      if (closing || !server) return;
      closing = true;
      handler.endStreams();
      let timer: ReturnType<typeof setTimeout> | undefined;
      let drained = false;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([server.shutdown().then(() => (drained = true)), deadline]);
      clearTimeout(timer);
      // Past the deadline: close the connections still open (after a clean shutdown there are none,
      // and aborting then would touch a closed listener).
      if (!drained) abort.abort();
      await server.finished.catch(() => undefined);
    },
  };
}
