// The fixed WebSocket part of the generated client (api.socket), appended to runtime-source.ts and
// held to the same rules: strict under lib ES2020 alone, declarable in isolation, no dependency.
// It runs on the platform's global WebSocket (browsers, Node 22+, Bun, Deno) or an injected
// constructor (the `ws` package on Node 20), through the `on*` properties every one of them has.
export const SOCKET_RUNTIME_SOURCE = String.raw`
/** A WebSocket constructor: the platform's, or one like the ws package's ('import { WebSocket } from "ws"'). */
export type WebSocketConstructor = abstract new (url: string, ...rest: never[]) => object;

export interface ReconnectOptions {
  /** Attempts after a drop before giving up (default 10; resets once a connection opens). */
  retries?: number;
  /** The first delay; each attempt doubles it, with jitter (default 250). */
  minDelayMs?: number;
  /** The longest delay (default 10000). */
  maxDelayMs?: number;
}

export interface SocketOptions {
  /** A WebSocket constructor to use instead of the platform's. */
  WebSocket?: WebSocketConstructor;
  /**
   * Reconnect after an abnormal close (off by default): 1001, 1005, 1006, 1011, 1012, 1013, 1014 and
   * a failed connection. A close by this side, 1000, a refusal of the messages (1002, 1003, 1007,
   * 1008, 1009, 1010) and application codes (4000-4999) are final.
   */
  reconnect?: boolean | ReconnectOptions;
  /** Upgrade headers for this socket only (not on a browser's WebSocket, which cannot send any). */
  headers?: Record<string, string>;
}

/** Why the connection closed; reconnecting says whether another attempt follows. */
export interface SocketClose {
  code: number;
  reason: string;
  reconnecting: boolean;
}

/** A typed WebSocket on a WS route: JSON messages, In sent and Out received. */
export interface Socket<In, Out> extends AsyncIterable<Out> {
  /** The ws:// or wss:// URL. */
  readonly url: string;
  /** Resolves when the connection first opens; rejects if it closes for good before. */
  readonly ready: Promise<void>;
  /** Sends a message as JSON text; queued while (re)connecting, a TypeError once closed. */
  send(message: In): void;
  /** Adds a listener; returns a function that removes it. */
  on(event: 'message', listener: (message: Out) => void): () => void;
  on(event: 'open', listener: () => void): () => void;
  on(event: 'close', listener: (close: SocketClose) => void): () => void;
  on(event: 'error', listener: (error: Error) => void): () => void;
  /** Closes for good (no reconnect). */
  close(code?: number, reason?: string): void;
}

interface PlatformSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
}
type PlatformSocketConstructor = new (url: string, init?: { headers: Record<string, string> }) => PlatformSocket;

const FINAL_CLOSE_CODES = [1000, 1002, 1003, 1007, 1008, 1009, 1010];
const OPEN = 1;

function socketHeaders(options: ClientOptions, input: AnyInput, own: SocketOptions, browser: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  addHeaders(headers, input.headers);
  addHeaders(headers, own.headers);
  // A browser's WebSocket sends no headers: the socket's own cannot be dropped silently, the
  // client-wide ones (token, version, headers) are meant for fetch and are left out.
  if (browser) {
    if (Object.keys(headers).length) throw new TypeError("this platform's WebSocket cannot send headers; pass them in the query");
    return headers;
  }
  const all: Record<string, string> = {};
  const version = options.version === undefined ? API_VERSION : options.version;
  if (version) all['x-api-version'] = version;
  if (options.token) all.authorization = 'Bearer ' + options.token;
  addHeaders(all, options.headers);
  return Object.assign(all, headers);
}

function openSocket(options: ClientOptions, spec: RouteSpec, input: AnyInput | undefined, own: SocketOptions | undefined): Socket<unknown, unknown> {
  const platform = globalThis as unknown as Platform & { WebSocket?: PlatformSocketConstructor; document?: unknown };
  const settings = own ?? {};
  const Ctor = (settings.WebSocket ?? platform.WebSocket) as PlatformSocketConstructor | undefined;
  if (!Ctor) throw new TypeError('no WebSocket: pass api.socket(route, input, { WebSocket }) on a platform without one');
  const data = input ?? {};
  const url = buildUrl(options.baseUrl, spec.path, data).replace(/^http/i, 'ws');
  const headers = socketHeaders(options, data, settings, !settings.WebSocket && typeof platform.document === 'object');
  const retry = settings.reconnect === true ? {} : settings.reconnect || undefined;
  // 'end' is internal: the close after which nothing follows (iterators stop).
  const listeners: { [event: string]: Array<(value?: unknown) => void> } = { message: [], open: [], close: [], error: [], end: [] };
  const emit = (event: string, value?: unknown) => listeners[event]!.slice().forEach((listener) => listener(value));
  const listen = (event: string, listener: (value?: never) => void) => {
    const list = listeners[event];
    if (!list) throw new TypeError('unknown socket event ' + event);
    const added = listener as (value?: unknown) => void;
    list.push(added);
    return () => { const at = list.indexOf(added); if (at !== -1) list.splice(at, 1); };
  };
  const queue: string[] = [];
  let current: PlatformSocket | undefined;
  let attempts = 0;
  let final = false;
  let timer: unknown;
  let settle: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  ready.catch(() => {}); // awaiting it is optional: no unhandled rejection

  const finish = (code: number, reason: string) => {
    final = true;
    emit('close', { code, reason, reconnecting: false });
    settle?.reject(new Error(spec.path + ' closed before it opened (' + code + (reason ? ' ' + reason : '') + ')'));
    emit('end');
  };

  const connect = () => {
    const ws = current = Object.keys(headers).length ? new Ctor(url, { headers }) : new Ctor(url);
    ws.onopen = () => {
      attempts = 0;
      settle?.resolve();
      for (const text of queue.splice(0)) ws.send(text);
      emit('open');
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return emit('error', new TypeError('a binary message: Gati sockets carry JSON text'));
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return emit('error', new TypeError('a message that is not JSON: ' + event.data.slice(0, 80)));
      }
      emit('message', message);
    };
    ws.onerror = (event) => emit('error', event.error instanceof Error ? event.error : new Error(event.message || 'WebSocket error'));
    ws.onclose = (event) => {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      const again = !final && retry !== undefined && FINAL_CLOSE_CODES.indexOf(event.code) === -1
        && (event.code < 4000 || event.code > 4999) && attempts < (retry.retries ?? 10);
      if (!again) return finish(event.code, event.reason);
      emit('close', { code: event.code, reason: event.reason, reconnecting: true });
      const min = retry!.minDelayMs ?? 250;
      const delay = Math.min(retry!.maxDelayMs ?? 10000, min * Math.pow(2, attempts++));
      timer = platform.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  };

  const socket = {
    url,
    ready,
    send(message: unknown) {
      if (final) throw new TypeError('the socket is closed');
      const text = JSON.stringify(message);
      if (current && current.readyState === OPEN) current.send(text);
      else queue.push(text);
    },
    on: listen,
    close(code?: number, reason?: string) {
      if (final) return;
      final = true;
      platform.clearTimeout(timer);
      // A live connection reports its own close (and ends); between attempts there is none.
      if (current && current.onclose) current.close(code ?? 1000, reason);
      else finish(code ?? 1000, reason ?? '');
    },
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      // Messages from the moment iteration starts; the loop ends when the socket closes for good.
      const buffered: unknown[] = [];
      let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
      let ended = final;
      const push = (result: IteratorResult<unknown>) => {
        if (waiting) { const w = waiting; waiting = undefined; w(result); } else if (!result.done) buffered.push(result.value);
      };
      const stop = () => { ended = true; offMessage(); offEnd(); push({ done: true, value: undefined }); };
      const offMessage = listen('message', (value?: unknown) => push({ done: false, value }));
      const offEnd = listen('end', stop);
      return {
        next: () => buffered.length ? Promise.resolve({ done: false, value: buffered.shift() })
          : ended ? Promise.resolve({ done: true, value: undefined })
          : new Promise((resolve) => { waiting = resolve; }),
        return: () => { stop(); return Promise.resolve({ done: true, value: undefined }); },
      };
    },
  };
  connect();
  return socket as Socket<unknown, unknown>;
}
`;
