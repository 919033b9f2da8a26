// The node:http engine adapter: IncomingMessage → IncomingRequest, OutgoingResponse → the socket
// (one writeHead, one end), through the pipeline's `respond` and one reply function per server.
// Timeouts guard against slow clients; shutdown stops accepting and drains in-flight requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NodeWsEngine } from '../ws/node.js';
import type { UpgradeDecision } from './pipeline.js';
import type { Logger } from '../types.js';
import { BodyTooLargeError } from './body.js';
import { problem, problemAnswer } from './problem.js';
import { openStream } from './response-stream.js';
import { STATUS_TEXT, type EngineHandler, type IncomingRequest, type OutgoingResponse } from './wire.js';

/** What every engine adapter gives the runtime (node.ts, bun.ts). */
export interface EngineServer {
  /** Resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  inFlight(): number;
  /** Stops accepting, lets in-flight requests finish up to `deadlineMs`, then closes what is left. */
  close(deadlineMs: number): Promise<void>;
}

export interface EngineOptions {
  /** Longest a whole request may take to arrive (slowloris), ms. */
  requestTimeoutMs: number;
  log: Logger;
  /**
   * This process is one of several `--workers` on one port. node:http and Bun share the port
   * through node:cluster; Deno.serve needs SO_REUSEPORT for it.
   */
  clusterWorker?: boolean;
}

/** An engine's WebSocket routes: the pipeline's upgrade step and the engine's WebSocket adapter. */
export interface EngineWebSockets<Engine> {
  prepare(req: IncomingRequest): Promise<UpgradeDecision>;
  engine: Engine;
}

export interface RunningServer extends EngineServer {
  server: Server;
}

/** node:http's client errors, answered as problem documents instead of a bare socket reset. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request did not arrive in time'],
};

/** The pipeline as createPipeline makes it (with `respond`), or any promise-returning handler (`gati dev`). */
export type NodeHandler = EngineHandler;

export function createNodeServer(handle: NodeHandler, options: EngineOptions & { websocket?: EngineWebSockets<NodeWsEngine> }): RunningServer {
  let inFlight = 0;
  let idle: (() => void) | undefined;
  // Answers still streaming (Server-Sent Events): ended at shutdown, they would hold it to the deadline.
  const streams = new Set<ServerResponse>();
  // Made once per server, not per request: the pipeline calls it with the request's ServerResponse.
  const reply = (res: ServerResponse, out: OutgoingResponse) => {
    try {
      if (out.stream) writeStream(res, out, streams, logFailure);
      else write(res, out);
    } catch (error) {
      logFailure(error);
      write(res, problemAnswer(problem(500)));
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  };
  const logFailure = (error: unknown) => options.log.error({ err: error }, 'request pipeline failed');
  const respond = handle.respond;
  const onRequest = respond
    ? (req: IncomingMessage, res: ServerResponse) => {
        inFlight++;
        respond(new NodeRequest(req), reply, res);
      }
    : (req: IncomingMessage, res: ServerResponse) => {
        inFlight++;
        handle(new NodeRequest(req)).then(
          (out) => reply(res, out),
          (error: unknown) => {
            logFailure(error);
            reply(res, problemAnswer(problem(500)));
          },
        );
      };
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(options.requestTimeoutMs, 20_000),
      keepAliveTimeout: 5_000,
      // Node checks the two timeouts above only this often (30 s by default), which would let a
      // slow client hold its socket for up to 30 s past them.
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(options.requestTimeoutMs / 4))),
    },
    onRequest,
  );
  // Malformed requests get a problem document too, not a bare socket reset.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const [status, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'malformed HTTP request'];
    endWithAnswer(socket, problemAnswer(problem(status, detail)));
  });
  const websocket = options.websocket;
  if (websocket) server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(websocket, req, socket, head, logFailure));
  return {
    server,
    listen: (port, host) => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    }),
    inFlight: () => inFlight,
    close(deadlineMs) {
      return new Promise((resolve) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          server.closeAllConnections();
          resolve();
        };
        const timer = setTimeout(finish, deadlineMs);
        timer.unref();
        for (const res of streams) res.end();
        server.close(() => finish());
        server.closeIdleConnections();
        idle = () => {
          server.closeIdleConnections();
          if (inFlight === 0) setImmediate(() => server.closeIdleConnections());
        };
        if (inFlight === 0) idle();
      });
    },
  };
}

/** An `Upgrade` request: through the pipeline's middleware and checks, then the WebSocket adapter, or the refusal written raw. */
function upgrade(websocket: EngineWebSockets<NodeWsEngine>, req: IncomingMessage, socket: Duplex, head: Buffer, logFailure: (error: unknown) => void): void {
  socket.on('error', () => socket.destroy());
  const refuse = (out: OutgoingResponse) => {
    if (socket.writable) endWithAnswer(socket, out);
  };
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return refuse(problemAnswer(problem(400, 'only WebSocket upgrades are served')));
  websocket.prepare(new NodeRequest(req)).then(
    (decision) => ('accept' in decision ? websocket.engine.acceptUpgrade(req, socket, head, decision.accept) : refuse(decision.answer)),
    (error: unknown) => {
      logFailure(error);
      refuse(problemAnswer(problem(500)));
    },
  );
}

/**
 * An answer written raw on a socket node:http no longer serves (a malformed request, a refused
 * upgrade), then the connection closed.
 */
function endWithAnswer(socket: Duplex, out: OutgoingResponse): void {
  const body = out.body ?? '';
  let head = `HTTP/1.1 ${out.status} ${STATUS_TEXT[out.status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(out.headers)) for (const v of typeof value === 'string' ? [value] : value) head += `${name}: ${v}\r\n`;
  socket.end(`${head}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** The engine's request as the pipeline reads it (a class: no closure per request). */
class NodeRequest implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  private address: string | undefined = undefined;

  constructor(private readonly raw: IncomingMessage) {
    this.method = raw.method ?? 'GET';
    this.url = raw.url ?? '/';
    this.headers = raw.headers;
  }

  /** Read when asked (the rate limiter, the panel's audit): a TCP socket's address is a getter over getpeername, ~0.15 µs. */
  get ip(): string {
    return (this.address ??= this.raw.socket.remoteAddress ?? '');
  }

  readBody(limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => readBody(this.raw, limit, undefined, (_, raw) => resolve(raw), (_, error) => reject(error)));
  }

  readBodyTo<C>(limit: number, ctx: C, done: (ctx: C, raw: Buffer) => void, failed: (ctx: C, error: unknown) => void): void {
    readBody(this.raw, limit, ctx, done, failed);
  }
}

/** The whole body as one Buffer (`done`), or BodyTooLargeError past `limit` (`failed`): one of them, once. */
function readBody<C>(req: IncomingMessage, limit: number, ctx: C, done: (ctx: C, raw: Buffer) => void, failed: (ctx: C, error: unknown) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return failed(ctx, new BodyTooLargeError());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.removeAllListeners('data');
      req.resume();
      settled = true;
      failed(ctx, new BodyTooLargeError());
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done(ctx, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  });
  req.on('error', (error) => {
    if (settled) return;
    settled = true;
    failed(ctx, error);
  });
}

function write(res: ServerResponse, out: OutgoingResponse): void {
  if (res.headersSent) return;
  // Answered before its body arrived (a middleware refused the request, or its Content-Length is
  // past the limit): close the connection rather than let node:http read and discard a large body
  // to keep the connection alive. A small one is cheaper to drain than a new connection. (On the
  // synchronous path no request is complete yet, hence the header check.)
  if (!res.req.complete && declaresLargeBody(res.req.headers)) out.headers.connection = 'close';
  const body = out.bytes ?? out.body;
  if (body === undefined) {
    res.writeHead(out.status, out.headers);
    res.end();
    return;
  }
  out.headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(out.status, out.headers);
  res.end(body);
}

/** A streamed answer: the headers now, then each chunk as the stream writes it, until it ends or the client leaves. */
function writeStream(res: ServerResponse, out: OutgoingResponse, streams: Set<ServerResponse>, logFailure: (error: unknown) => void): void {
  if (res.headersSent) return;
  res.writeHead(out.status, out.headers);
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  streams.add(res);
  let stop: (() => void) | undefined;
  res.on('close', () => {
    streams.delete(res);
    stop?.();
  });
  try {
    stop = openStream(out.stream!, (chunk) => res.write(chunk), () => res.end());
  } catch (error) {
    logFailure(error);
  }
  // The client may have left while the stream started.
  if (res.destroyed) stop?.();
}

/** Bodies up to this many bytes that nobody read are drained (node:http's default) rather than closed on. */
const DRAIN_LIMIT = 64 * 1024;

/** Chunked (size unknown) or a Content-Length past DRAIN_LIMIT. */
function declaresLargeBody(headers: IncomingMessage['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > DRAIN_LIMIT);
}
