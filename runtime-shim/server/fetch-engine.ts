// What the fetch-style engines (Bun.serve, Deno.serve) share: a web Request in front of the
// pipeline, the body read once under the same limit, the pipeline's answer as a web Response, and
// the in-flight count that graceful shutdown waits on. bun.ts and deno.ts only start and stop.
import type { Logger } from '../types.js';
import { BODY_TIMEOUT_DETAIL, BodyTimeoutError, BodyTooLargeError } from './body.js';
import { BodyDeadlines } from './body-deadlines.js';
import { headerRecord } from './web-headers.js';
import { problem, problemBody } from './problem.js';
import type { AcceptedUpgrade } from '../ws/types.js';
import type { UpgradeDecision } from './pipeline.js';
import { openStream } from './response-stream.js';
import { PROBLEM_TYPE, type AnswerRequest, type IncomingRequest, type OutgoingResponse, type Problem } from './wire.js';

export interface FetchHandler<Extra> {
  /** Undefined (despite the type) only after Bun's WebSocket adapter took an upgrade: Bun answers the 101 itself. */
  fetch(request: Request, extra: Extra): Promise<Response>;
  inFlight(): number;
  /** Ends the answers still streaming (at shutdown). */
  endStreams(): void;
}

export interface FetchHandlerOptions<Extra> {
  log: Logger;
  /** Reads the client address from the engine's second fetch argument (server or info). */
  ipOf(request: Request, extra: Extra): string;
  /**
   * For an engine without a timeout of its own (Deno.serve): a body still arriving after this
   * many ms gets 408 and the connection is closed. Bun's idle timeout already does this.
   */
  bodyTimeoutMs?: number;
  /** WS routes: the pipeline's upgrade step, and the engine's adapter completing an accepted upgrade. */
  upgrade?: {
    prepare(req: IncomingRequest): Promise<UpgradeDecision>;
    accept(request: Request, extra: Extra, accepted: AcceptedUpgrade): Response | undefined;
  };
}

export function createFetchHandler<Extra>(handle: AnswerRequest, options: FetchHandlerOptions<Extra>): FetchHandler<Extra> {
  let inFlight = 0;
  const deadlines = options.bodyTimeoutMs === undefined ? undefined : new BodyDeadlines(options.bodyTimeoutMs);
  const streams = new Set<() => void>();
  return {
    async fetch(request, extra) {
      inFlight++;
      try {
        const incoming = fromWebRequest(request, () => options.ipOf(request, extra), deadlines);
        const upgrade = options.upgrade;
        if (upgrade && request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
          const decision = await upgrade.prepare(incoming);
          return 'accept' in decision ? (upgrade.accept(request, extra, decision.accept) as Response) : toWebResponse(decision.answer);
        }
        const out = await handle(incoming);
        return out.stream ? streamWebResponse(out, streams) : toWebResponse(out);
      } catch (error) {
        // The pipeline answers this itself; a pipeline that lets it escape gets the same answer.
        if (error instanceof BodyTimeoutError) return problemWebResponse(problem(408, BODY_TIMEOUT_DETAIL), { connection: 'close' });
        options.log.error({ err: error }, 'request pipeline failed');
        return problemWebResponse(problem(500));
      } finally {
        inFlight--;
      }
    },
    inFlight: () => inFlight,
    endStreams: () => {
      for (const stop of streams) stop();
    },
  };
}

/** A problem document as a web Response (the pipeline's own answers are problem.ts `problemAnswer`). */
export function problemWebResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(problemBody(p), { status: p.status, headers: { 'content-type': PROBLEM_TYPE, ...headers } });
}

export async function waitIdle(count: () => number): Promise<void> {
  while (count() > 0) await new Promise((r) => setTimeout(r, 5));
}

function fromWebRequest(request: Request, ip: () => string, deadlines: BodyDeadlines | undefined): IncomingRequest {
  const url = request.url;
  // `http://host:port/path?q`: the path starts at the first '/' after the scheme's '//'.
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return {
    method: request.method,
    url: start === -1 ? '/' : url.slice(start),
    headers: headerRecord(request.headers),
    // Most requests never ask for the address: look it up only when they do.
    get ip() {
      return ip();
    },
    readBody: deadlines === undefined ? (limit) => readBody(request, limit) : (limit) => deadlines.guard(readBody(request, limit)),
    // The pipeline's callback form: the engine's own promise (request.text()) is the only one.
    readBodyTo(limit, ctx, done, failed) {
      const read = deadlines === undefined ? readBody(request, limit) : deadlines.guard(readBody(request, limit));
      read.then((raw) => done(ctx, raw), (error: unknown) => failed(ctx, error));
    },
  };
}

/** Not an async function: a body with a Content-Length is the engine's own `text()` promise, unwrapped. */
function readBody(request: Request, limit: number): Promise<Buffer | string> {
  const declared = request.headers.get('content-length');
  if (Number(declared) > limit) return Promise.reject(new BodyTooLargeError());
  // A declared length within the limit is read in one go (the engine stops at Content-Length).
  // This must not touch `request.body` first: on Bun that turns the body into a ReadableStream,
  // and reading through the stream costs more than the rest of the request.
  // The engine decodes the UTF-8 itself (the pipeline only parses JSON text).
  if (declared !== null && !request.headers.has('transfer-encoding')) return declared === '0' ? Promise.resolve('') : request.text();
  return readStreamed(request, limit);
}

/** A body without a Content-Length is streamed, so that the limit holds chunk by chunk. */
async function readStreamed(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
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

/** A streamed answer as a web Response whose body is written as the stream writes; both engines cancel it when the client leaves. */
function streamWebResponse(out: OutgoingResponse, streams: Set<() => void>): Response {
  const encoder = new TextEncoder();
  let stop: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stop = openStream(out.stream!, (chunk) => controller.enqueue(encoder.encode(chunk)), () => {
        streams.delete(stop);
        try {
          controller.close();
        } catch {
          // Already closed or cancelled.
        }
      });
      streams.add(stop);
    },
    cancel: () => stop(),
  });
  const headers = new Headers();
  for (const key in out.headers) {
    const value = out.headers[key]!;
    if (typeof value === 'string') headers.set(key, value);
    else for (const v of value) headers.append(key, v);
  }
  return new Response(body, { status: out.status, headers });
}

function toWebResponse(out: OutgoingResponse): Response {
  // The first header goes in the constructor and the rest through response.headers: on Deno a
  // Response built with one header is ~2 µs cheaper than one built with two (its init takes a
  // slower path), and Bun does not care. Repeated headers (set-cookie) are appended.
  let response: Response | undefined;
  for (const key in out.headers) {
    const value = out.headers[key]!;
    if (response === undefined) {
      response = new Response(out.bytes ?? out.body, { status: out.status, headers: typeof value === 'string' ? { [key]: value } : undefined });
      if (typeof value === 'string') continue;
    }
    if (typeof value === 'string') response.headers.set(key, value);
    else for (const v of value) response.headers.append(key, v);
  }
  return response ?? new Response(out.bytes ?? out.body, { status: out.status });
}
