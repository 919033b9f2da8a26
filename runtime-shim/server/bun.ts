// The Bun engine adapter: Bun.serve's fetch-style Request/Response in front of the same pipeline,
// with the same body limit (checked here, so the answer is a problem document, not Bun's plain 413),
// timeouts and shutdown as node.ts.
import type { IncomingRequest, OutgoingResponse } from './handle.js';
import { BodyTooLargeError } from './body.js';
import { problem, problemBody } from './problem.js';
import type { EngineOptions, EngineServer } from './node.js';

interface BunServer {
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  requestIP(req: Request): { address: string } | null;
}
interface BunGlobal {
  serve(options: Record<string, unknown>): BunServer;
}

export function isBun(): boolean {
  return typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
}

export function createBunServer(handle: (req: IncomingRequest) => Promise<OutgoingResponse>, options: EngineOptions): EngineServer {
  const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  let server: BunServer | undefined;
  let inFlight = 0;
  let closing = false;
  const fetch = async (request: Request, srv: BunServer): Promise<Response> => {
    inFlight++;
    try {
      const out = await handle(adapt(request, srv));
      return toResponse(out);
    } catch (error) {
      options.log.error({ err: error }, 'request pipeline failed');
      return new Response(problemBody(problem(500)), { status: 500, headers: { 'content-type': 'application/problem+json' } });
    } finally {
      inFlight--;
    }
  };
  return {
    async listen(port, host) {
      server = Bun.serve({
        port,
        hostname: host,
        // Bun would answer an oversized body itself, in plain text: let the pipeline's limit answer.
        maxRequestBodySize: Number.MAX_SAFE_INTEGER,
        idleTimeout: Math.min(255, Math.ceil(options.requestTimeoutMs / 1000)),
        fetch,
        error: () => new Response(problemBody(problem(400, 'malformed HTTP request')), { status: 400, headers: { 'content-type': 'application/problem+json' } }),
      });
      return server.port;
    },
    inFlight: () => inFlight,
    async close(deadlineMs) {
      if (closing || !server) return;
      closing = true;
      const graceful = Promise.resolve(server.stop(false));
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref?.());
      await Promise.race([graceful.then(() => waitIdle(() => inFlight)), deadline]);
      await server.stop(true);
    },
  };
}

async function waitIdle(count: () => number): Promise<void> {
  while (count() > 0) await new Promise((r) => setTimeout(r, 5));
}

function adapt(request: Request, srv: BunServer): IncomingRequest {
  const url = request.url;
  // `http://host:port/path?q`: the path starts at the first '/' after the scheme's '//'.
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const headers: Record<string, string | string[]> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return {
    method: request.method,
    url: start === -1 ? '/' : url.slice(start),
    headers,
    ip: srv.requestIP(request)?.address ?? '',
    readBody: (limit) => readBody(request, limit),
  };
}

async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = request.headers.get('content-length');
  if (Number(declared) > limit) throw new BodyTooLargeError();
  if (!request.body) return Buffer.alloc(0);
  // A declared length within the limit is read in one go (Bun stops at Content-Length); a body
  // without one is streamed, so that the limit holds chunk by chunk.
  if (declared !== null && !request.headers.has('transfer-encoding')) return Buffer.from(await request.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function toResponse(out: OutgoingResponse): Response {
  const headers = new Headers();
  for (const [key, value] of Object.entries(out.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  return new Response(out.body, { status: out.status, headers });
}
