// The shapes and constants every part of the request path shares: the request an engine adapter
// hands the pipeline, the answer it gets back, the problem document, the content types and the
// status texts. A leaf: it imports nothing, so the pipeline, the engines, the middleware and the
// emitters can all depend on it without an import circle.

export interface IncomingRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  /** Lowercase names. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * One header by its lowercase name, without the record (a repeated one joined with ", ", as the
   * record's view reads it): the fetch engines answer it with one native `Headers.get`, so a
   * request the pipeline reads only its own few headers of never builds the record. `headerOf`.
   */
  header?(name: string): string | undefined;
  ip: string;
  /**
   * Reads the whole body; rejects with BodyTooLargeError past `limit` bytes. The fetch-style
   * engines may hand over the text (they decode UTF-8 natively, cheaper than a Buffer round trip).
   */
  readBody(limit: number): Promise<Buffer | string>;
  /**
   * The same, answered through callbacks with `ctx` handed back (no promise, no closure per
   * request): what the pipeline uses when an engine offers it (node.ts). Exactly one of `done` and
   * `failed` is called, once, possibly before this returns.
   */
  readBodyTo?<C>(limit: number, ctx: C, done: (ctx: C, raw: Buffer | string) => void, failed: (ctx: C, error: unknown) => void): void;
}

/** One request header: the engine's own lookup when it has one, else the record's. */
export function headerOf(incoming: IncomingRequest, name: string): string | string[] | undefined {
  return incoming.header !== undefined ? incoming.header(name) : incoming.headers[name];
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | undefined;
  /** A binary body, sent instead of `body` (the control panel's .wasm asset: the only bytes the runtime serves). */
  bytes?: Uint8Array;
  /**
   * A body written over time instead of `body` (Server-Sent Events): the engine sends the headers,
   * then calls `start`. Engines check for it only when writing an answer, so the normal path pays
   * one property read.
   */
  stream?: ResponseStream;
}

/** A body that arrives in chunks until `end`, or until the client goes away. */
export interface ResponseStream {
  /**
   * Called once, after the headers are out. `write` sends a chunk (ignored once ended), `end`
   * finishes the answer. Returns `stop`, called exactly once: after `end`, when the client closes
   * the connection, or when the server shuts down.
   */
  start(write: (chunk: string) => void, end: () => void): () => void;
}

/** The promise form of the pipeline, and any handler of that shape (`gati dev`'s swappable one). */
export type AnswerRequest = (req: IncomingRequest) => Promise<OutgoingResponse>;

/** Calls `reply(ctx, out)` once with the answer to `req`: synchronously when nothing on the way awaits. */
export type Respond = <C>(req: IncomingRequest, reply: (ctx: C, out: OutgoingResponse) => void, ctx: C) => void;

/** What an engine adapter serves: the pipeline as createPipeline makes it (with `respond`), or any promise-returning handler (`gati dev`). */
export type EngineHandler = AnswerRequest & { respond?: Respond };

/** An RFC 9457 problem document: the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** The content type of every JSON answer Gati writes itself. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** The content type of every problem document (RFC 9457). */
export const PROBLEM_TYPE = 'application/problem+json';

/** Reason phrases (RFC 9110) of the statuses Gati answers itself; a problem's `title`, a raw status line's text. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 426: 'Upgrade Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};
