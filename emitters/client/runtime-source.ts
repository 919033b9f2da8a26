// The fixed part of the generated client: options, errors, URL building and the fetch call. It is
// TypeScript text, placed after the generated route table in client.ts, and must type-check under
// `strict` with no lib but ES2020: the client compiles in a browser project (lib dom), a Node one
// (@types/node) and a backend project with neither (the app's own tsconfig includes
// .gati/generated). So platform types are borrowed from `globalThis` when it declares them, and
// otherwise replaced by the minimal shapes the client uses.
import { SOCKET_RUNTIME_SOURCE } from './socket-runtime-source.js';

const HTTP_RUNTIME = String.raw`
type Has<K extends string> = typeof globalThis extends { [P in K]: unknown } ? true : false;

/** The platform's fetch when its types are present (lib dom, @types/node), else the shape the client calls. */
export type FetchFunction = Has<'fetch'> extends true ? (typeof globalThis extends { fetch: infer F } ? F : never) : MinimalFetch;
/** The response headers (the platform's Headers when its types are present). */
export type ResponseHeaders = Has<'Headers'> extends true ? (typeof globalThis extends { Headers: { prototype: infer H } } ? H : never) : MinimalHeaders;
/** An AbortSignal (the platform's when its types are present). */
export type Signal = Has<'AbortSignal'> extends true ? (typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : never) : MinimalSignal;

export interface MinimalHeaders { get(name: string): string | null }
export interface MinimalSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
export type MinimalFetch = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: MinimalSignal | undefined;
}) => Promise<{ status: number; headers: MinimalHeaders; text(): Promise<string> }>;

/** An error response (application/problem+json), as every Gati server sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  [key: string]: unknown;
}

export interface ClientOptions {
  /** Where the API lives: 'https://api.example.com' (a path prefix is kept). */
  baseUrl: string;
  /** Sent as 'Authorization: Bearer <token>'. */
  token?: string;
  /**
   * The API version to pin (X-API-Version): a semver or a UTC timestamp. Defaults to the version the
   * client was generated from, when known; false sends no header (the newest version answers).
   */
  version?: string | false;
  /** A fetch to use instead of the platform's (tests, proxies, retries). */
  fetch?: FetchFunction;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** Milliseconds before a call is aborted (default: no timeout). */
  timeoutMs?: number;
  /**
   * A W3C traceparent sent with every call, or a function asked at each call (a service passes its
   * current span's, so the API's spans join its trace). A call's own traceparent wins.
   */
  traceparent?: string | (() => string | undefined);
}

export interface CallOptions {
  /** Aborts this call. */
  signal?: Signal;
  /** Overrides the client's timeout for this call (0: none). */
  timeoutMs?: number;
  /** Headers for this call only. */
  headers?: Record<string, string>;
  /** The W3C traceparent for this call (the server continues that trace). */
  traceparent?: string;
}

/** A response with a status the route does not declare (a 400 problem, a 500, a 404 for an unknown route). */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The problem body, when the server sent one. */
  readonly problem: Problem | undefined;
  /** The parsed body (JSON, text, or undefined when empty). */
  readonly body: unknown;
  readonly headers: ResponseHeaders;
  /** The route key of the call: 'POST /payments/:id/capture'. */
  readonly route: string;
  constructor(route: string, status: number, body: unknown, headers: ResponseHeaders) {
    const problem = isProblem(body) ? body : undefined;
    super(route + ' answered ' + status + (problem ? ' ' + problem.title + (problem.detail ? ': ' + problem.detail : '') : ''));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.body = body;
    this.headers = headers;
    this.route = route;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string' && typeof (body as Problem).status === 'number';
}

interface RouteSpec { method: string; path: string; statuses: number[]; name: string[] }
interface AnyInput { params?: object; query?: object; headers?: object; body?: unknown }
interface Platform {
  fetch?: MinimalFetch;
  AbortController: new () => { signal: MinimalSignal; abort(reason?: unknown): void };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Path params are URL-encoded (a wildcard segment by segment); query arrays are repeated keys. */
function buildUrl(baseUrl: string, path: string, input: AnyInput): string {
  const params = (input.params ?? {}) as Record<string, unknown>;
  const filled = path.split('/').map((segment) => {
    if (segment === '*') return String(params['*'] ?? '').split('/').map(encodeURIComponent).join('/');
    if (segment.charAt(0) !== ':') return segment;
    const value = params[segment.slice(1)];
    if (value === undefined || value === null) throw new TypeError('missing path parameter ' + segment.slice(1));
    return encodeURIComponent(String(value));
  }).join('/');
  const search: string[] = [];
  const query = (input.query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(query)) {
    const value = query[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(item)));
    }
  }
  return baseUrl.replace(/\/+$/, '') + filled + (search.length ? '?' + search.join('&') : '');
}

function addHeaders(target: Record<string, string>, source: object | undefined): void {
  if (!source) return;
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value !== null) target[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
}

async function readBody(response: { headers: MinimalHeaders; text(): Promise<string> }): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  // application/json and application/problem+json; anything else is returned as text.
  if (!/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function send(options: ClientOptions, key: string, spec: RouteSpec, input: AnyInput | undefined, call: CallOptions | undefined): Promise<{ status: number; data: unknown; headers: ResponseHeaders }> {
  const platform = globalThis as unknown as Platform;
  const data = input ?? {};
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const version = options.version === undefined ? API_VERSION : options.version;
  if (version) headers['x-api-version'] = version;
  if (options.token) headers.authorization = 'Bearer ' + options.token;
  addHeaders(headers, options.headers);
  addHeaders(headers, data.headers);
  addHeaders(headers, call?.headers);
  const traceparent = call?.traceparent ?? (typeof options.traceparent === 'function' ? options.traceparent() : options.traceparent);
  if (traceparent) headers.traceparent = traceparent;
  let body: string | undefined;
  if (data.body !== undefined) {
    body = JSON.stringify(data.body);
    headers['content-type'] = 'application/json';
  }
  const controller = new platform.AbortController();
  const outer = call?.signal as MinimalSignal | undefined;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = call?.timeoutMs ?? options.timeoutMs ?? 0;
  const timer = timeoutMs > 0 ? platform.setTimeout(() => {
    const error = new Error(key + ' timed out after ' + timeoutMs + ' ms');
    error.name = 'TimeoutError';
    controller.abort(error);
  }, timeoutMs) : undefined;
  try {
    const fetch = (options.fetch ?? platform.fetch) as MinimalFetch | undefined;
    if (!fetch) throw new TypeError('no fetch: pass createClient({ fetch }) on a platform without one');
    const response = await fetch(buildUrl(options.baseUrl, spec.path, data), { method: spec.method, headers, body, signal: controller.signal });
    const parsed = await readBody(response);
    const responseHeaders = response.headers as unknown as ResponseHeaders;
    if (spec.statuses.indexOf(response.status) === -1) throw new ApiError(key, response.status, parsed, responseHeaders);
    return { status: response.status, data: parsed, headers: responseHeaders };
  } finally {
    if (timer !== undefined) platform.clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

/** A client for the API: 'api.request(<route key>, input)' or the named methods ('api.payments.capture(input)'). */
export function createClient(options: ClientOptions): Client {
  // Objects without a prototype: a folder named like an Object.prototype key stays a plain namespace.
  const client: Record<string, unknown> = Object.create(null);
  const lookup = (key: string) => (Object.prototype.hasOwnProperty.call(ROUTE_TABLE, key) ? ROUTE_TABLE[key] : undefined);
  client.request = (key: string, input?: AnyInput, call?: CallOptions) => {
    const spec = lookup(key);
    if (!spec || spec.method === 'WS') return Promise.reject(new TypeError('unknown route ' + key + (spec ? ': open it with api.socket' : '')));
    return send(options, key, spec, input, call);
  };
  // <api.socket>
  for (const key of Object.keys(ROUTE_TABLE)) {
    const spec = ROUTE_TABLE[key]!;
    if (spec.method === 'WS') continue;
    let node = client;
    for (const segment of spec.name.slice(0, -1)) node = (node[segment] ??= Object.create(null)) as Record<string, unknown>;
    node[spec.name[spec.name.length - 1]!] = (input?: AnyInput, call?: CallOptions) => send(options, key, spec, input, call);
  }
  return client as unknown as Client;
}
`;

const SOCKET_METHOD = String.raw`  client.socket = (key: string, input?: AnyInput, own?: SocketOptions) => {
    const spec = lookup(key);
    if (!spec || spec.method !== 'WS') throw new TypeError('unknown WebSocket route ' + key);
    return openSocket(options, spec, input, own);
  };
`;

/** The runtime, with api.socket and its WebSocket code only when the app has WS routes. */
export function runtimeSource(sockets: boolean): string {
  const http = HTTP_RUNTIME.replace('  // <api.socket>\n', sockets ? SOCKET_METHOD : '');
  return sockets ? http + SOCKET_RUNTIME_SOURCE : http;
}
