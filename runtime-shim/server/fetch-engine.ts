// What the fetch-style engines (Bun.serve, Deno.serve) share: a web Request in front of the
// pipeline, the body read once under the same limit, the pipeline's answer as a web Response, and
// the in-flight count that graceful shutdown waits on. bun.ts and deno.ts only start and stop.
// The request path allocates one object of its own per request (WebIncoming) and, with the
// pipeline's callback form, answers synchronously when the handler does (bench/RESULTS.md, issue 24).
import type { Logger } from '../types.js';
import { BODY_TIMEOUT_DETAIL, BodyTimeoutError, BodyTooLargeError } from './body.js';
import { BodyDeadlines } from './body-deadlines.js';
import { headerRecord } from './web-headers.js';
import { problem, problemAnswer, problemBody } from './problem.js';
import type { AcceptedUpgrade } from '../ws/types.js';
import type { UpgradeDecision } from './pipeline.js';
import { openStream } from './response-stream.js';
import { PROBLEM_TYPE, type EngineHandler, type IncomingRequest, type OutgoingResponse, type Problem } from './wire.js';

export interface FetchHandler<Extra> {
  /**
   * The Response itself when the pipeline answered synchronously (a handler that returns a plain
   * value: both engines then skip a promise turn), else a promise of it. Undefined (despite the
   * type) only after Bun's WebSocket adapter took an upgrade: Bun answers the 101 itself.
   */
  fetch(request: Request, extra: Extra): Response | Promise<Response>;
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

/**
 * With the pipeline's callback form (`respond`, what createPipeline makes) a request costs no
 * promise and no closure unless the handler or the body read makes one; any other handler
 * (`gati dev`'s swappable one, a test's) goes through its promise.
 */
export function createFetchHandler<Extra>(handle: EngineHandler, options: FetchHandlerOptions<Extra>): FetchHandler<Extra> {
  const streams = new Set<() => void>();
  const engine: WebEngine<Extra> = {
    ipOf: options.ipOf,
    deadlines: options.bodyTimeoutMs === undefined ? undefined : new BodyDeadlines(options.bodyTimeoutMs),
    inFlight: 0,
  };
  /** An answer as a web Response, and the request out of the in-flight count. */
  const toResponse = (out: OutgoingResponse): Response => {
    engine.inFlight--;
    try {
      return out.stream ? streamWebResponse(out, streams) : toWebResponse(out);
    } catch (error) {
      return failedResponse(error, options.log);
    }
  };
  // Made once per handler: the pipeline calls it with the request's WebIncoming as `ctx`.
  const reply = (incoming: WebIncoming<Extra>, out: OutgoingResponse): void => {
    if (incoming.answered) return;
    incoming.answered = true;
    const response = toResponse(out);
    if (incoming.resolve === undefined) incoming.response = response;
    else incoming.resolve(response);
  };
  const respond = handle.respond;
  const upgrade = options.upgrade;
  return {
    fetch(request, extra) {
      engine.inFlight++;
      let incoming: WebIncoming<Extra>;
      try {
        incoming = new WebIncoming(request, extra, engine);
      } catch (error) {
        engine.inFlight--;
        return failedResponse(error, options.log);
      }
      if (upgrade && incoming.header('upgrade')?.toLowerCase() === 'websocket') return upgraded(upgrade, incoming, extra, engine, options.log);
      if (respond === undefined) {
        return handle(incoming).then(toResponse, (error: unknown) => {
          engine.inFlight--;
          return failedResponse(error, options.log);
        });
      }
      try {
        respond(incoming, reply, incoming);
      } catch (error) {
        // The pipeline answers its own failures; one that escapes still gets an answer, once.
        if (!incoming.answered) reply(incoming, problemAnswer(problem(500)));
        options.log.error({ err: error }, 'request pipeline failed');
      }
      if (incoming.response !== undefined) return incoming.response;
      return new Promise<Response>((resolve) => (incoming.resolve = resolve));
    },
    inFlight: () => engine.inFlight,
    endStreams: () => {
      for (const stop of streams) stop();
    },
  };
}

/** What every request of one handler shares: how to read the address, the body deadlines, the in-flight count. */
interface WebEngine<Extra> {
  ipOf(request: Request, extra: Extra): string;
  deadlines: BodyDeadlines | undefined;
  inFlight: number;
}

/** An `Upgrade: websocket` request: the pipeline's checks, then the engine's adapter or the refusal. */
async function upgraded<Extra>(upgrade: NonNullable<FetchHandlerOptions<Extra>['upgrade']>, incoming: WebIncoming<Extra>, extra: Extra, engine: WebEngine<Extra>, log: Logger): Promise<Response> {
  try {
    const decision = await upgrade.prepare(incoming);
    return 'accept' in decision ? (upgrade.accept(incoming.request, extra, decision.accept) as Response) : toWebResponse(decision.answer);
  } catch (error) {
    return failedResponse(error, log);
  } finally {
    engine.inFlight--;
  }
}

/** A pipeline that threw or rejected: its body-timeout answer (the pipeline answers this itself; one that lets it escape gets the same), else a logged 500. */
function failedResponse(error: unknown, log: Logger): Response {
  if (error instanceof BodyTimeoutError) return problemWebResponse(problem(408, BODY_TIMEOUT_DETAIL), { connection: 'close' });
  log.error({ err: error }, 'request pipeline failed');
  return problemWebResponse(problem(500));
}

/** A problem document as a web Response (the pipeline's own answers are problem.ts `problemAnswer`). */
export function problemWebResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(problemBody(p), { status: p.status, headers: { 'content-type': PROBLEM_TYPE, ...headers } });
}

export async function waitIdle(count: () => number): Promise<void> {
  while (count() > 0) await new Promise((r) => setTimeout(r, 5));
}

/**
 * A web Request as the pipeline reads it, and the `ctx` its answer comes back with (a class: one
 * object per request, no closures). The address is looked up only when read: most requests never
 * ask, and it is a native call per request on both engines.
 */
class WebIncoming<Extra> implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  private record: IncomingRequest['headers'] | undefined = undefined;
  private native: Headers | undefined = undefined;
  /** Set once the pipeline answered (the callback form), so that a second answer is ignored. */
  answered = false;
  /** The answer, when it came before fetch returned. */
  response: Response | undefined = undefined;
  /** Where the answer goes when it comes later. */
  resolve: ((response: Response) => void) | undefined = undefined;

  constructor(readonly request: Request, private readonly extra: Extra, private readonly engine: WebEngine<Extra>) {
    this.method = request.method;
    const url = request.url;
    // `http://host:port/path?q`: the path starts at the first '/' after the scheme's '//'.
    const start = url.indexOf('/', url.indexOf('//') + 2);
    this.url = start === -1 ? '/' : url.slice(start);
  }

  /** The record view (web-headers.ts), made when first read: the pipeline's own reads go through `header`. */
  get headers(): IncomingRequest['headers'] {
    return (this.record ??= headerRecord(this.webHeaders()));
  }

  header(name: string): string | undefined {
    return this.webHeaders().get(name) ?? undefined;
  }

  /**
   * `request.headers`, asked of the engine once: the getter is a native call every time (on a
   * served request Bun's first one copies the headers out of the parser), and a POST reads five.
   */
  private webHeaders(): Headers {
    return (this.native ??= this.request.headers);
  }

  get ip(): string {
    return this.engine.ipOf(this.request, this.extra);
  }

  readBody(limit: number): Promise<Buffer | string> {
    const read = readBody(this.request, this.webHeaders(), limit);
    const deadlines = this.engine.deadlines;
    return deadlines === undefined ? read : deadlines.guard(read);
  }

  /** The pipeline's callback form: the engine's own promise (request.text()) is the only one, on Deno too (BodyDeadlines.watch). */
  readBodyTo<C>(limit: number, ctx: C, done: (ctx: C, raw: Buffer | string) => void, failed: (ctx: C, error: unknown) => void): void {
    const read = readBody(this.request, this.webHeaders(), limit);
    const deadlines = this.engine.deadlines;
    if (deadlines === undefined) read.then((raw) => done(ctx, raw), (error: unknown) => failed(ctx, error));
    else deadlines.watch(read, ctx, done, failed);
  }
}

/** Not an async function: a body with a Content-Length is the engine's own `text()` promise, unwrapped. */
function readBody(request: Request, headers: Headers, limit: number): Promise<Buffer | string> {
  const declared = headers.get('content-length');
  if (Number(declared) > limit) return Promise.reject(new BodyTooLargeError());
  // A declared length within the limit is read in one go (the engine stops at Content-Length).
  // This must not touch `request.body` first: on Bun that turns the body into a ReadableStream,
  // and reading through the stream costs more than the rest of the request.
  // The engine decodes the UTF-8 itself (the pipeline only parses JSON text).
  // No Transfer-Encoding check: Bun's and Deno's parsers answer 400 to a request with both headers
  // before any handler runs (request smuggling; test/hostile.test.ts), so a length here is the body's.
  if (declared !== null) return declared === '0' ? Promise.resolve('') : request.text();
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
  // No headers in the init: every header goes through response.headers. The init's record costs
  // both engines more than the `set`s (Deno 0.61 vs 0.49 µs with Gati's three headers, Bun 0.53 vs
  // 0.43: its record converter, and on Deno an op asking whether the record is a Proxy). A string
  // body's default text/plain Content-Type is replaced by the answer's own. Repeated headers
  // (set-cookie) are appended.
  const response = new Response(out.bytes ?? out.body, { status: out.status });
  const headers = response.headers;
  for (const key in out.headers) {
    const value = out.headers[key]!;
    if (typeof value === 'string') headers.set(key, value);
    else for (const v of value) headers.append(key, v);
  }
  return response;
}
