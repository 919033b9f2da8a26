// The request line (`{"level":"info","time":…,<bindings>,"reqId":…,"method":…,"route":…,"status":…,
// "durationMs":…,"msg":"request"}`), written for every request under `gati start`'s defaults. Into the
// stdout writer's buffer it is encoded byte by byte: the bytes that change per millisecond (level,
// time, bindings) and per route (method, route) are encoded once and copied, the request id and the
// numbers are written digit by digit. Built as a string and encoded by LineWriter#write, the line cost
// ~0.23 µs (a dozen concatenations, the flattening, the call into C++), ~0.27 µs with the duration
// printed as a double in shortest form; encoded here, ~0.14 µs with no garbage (bench/http/request-line.mjs).
// Other sinks get the same line as a string (`text`).
import type { LineWriter } from './line-writer.js';

const TIME_PREFIX = '{"level":"info","time":';
const REQ_ID = Buffer.from(',"reqId":"');
const DURATION = Buffer.from(',"durationMs":');
const TAIL = Buffer.from(',"msg":"request"}\n');
/** Every part but the request id, the route fragment and the time prefix: status, duration, constants. */
const FIXED_BYTES = REQ_ID.length + DURATION.length + TAIL.length + 16 + 16;

/** `","method":"GET","route":"GET /x","status":`, by route (then method), encoded once. */
interface RouteFragment {
  method: string;
  text: string;
  bytes: Buffer;
}

/**
 * Remembered per route: the line names one of the app's few route templates. Bounded, because a
 * request no route matched is named by its path, which the client picks.
 */
const fragments = new Map<string, RouteFragment>();
const FRAGMENT_CACHE_SIZE = 1024;

function routeFragment(method: string, route: string): RouteFragment {
  const known = fragments.get(route);
  if (known !== undefined && known.method === method) return known;
  const text = `","method":"${method}","route":${JSON.stringify(route)},"status":`;
  const made = { method, text, bytes: Buffer.from(text) };
  if (known !== undefined || fragments.size < FRAGMENT_CACHE_SIZE) fragments.set(route, made);
  return made;
}

/**
 * Milliseconds rounded to 0.01 (below that is the timer's noise), as JSON prints that number: from
 * the integer of hundredths, with no double printed in shortest form (a third of the line's cost).
 * undefined for what is not a plain non-negative number (printed the general way).
 */
function hundredths(durationMs: number): number | undefined {
  const h = Math.round(durationMs * 100);
  return h >= 0 && h < 1e15 ? h : undefined;
}

function durationText(durationMs: number): string {
  const h = hundredths(durationMs);
  if (h === undefined) return Number.isFinite(durationMs) ? String(Math.round(durationMs * 100) / 100) : 'null';
  const whole = Math.floor(h / 100);
  const cents = h - whole * 100;
  if (cents === 0) return `${whole}`;
  return cents % 10 === 0 ? `${whole}.${cents / 10}` : `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** Per logger (its bindings): the line as a string or into a LineWriter's buffer. */
export class RequestLine {
  /** `{"level":"info","time":<ms><bindings>` of the last millisecond a line was written in. */
  private lastMs = -1;
  private head = Buffer.alloc(0);

  /** `bound`: the logger's bindings as JSON members (`,"app":"payments"`). */
  constructor(private readonly bound: string) {}

  /**
   * The line as a string, for a sink that is not the stdout writer (and for what `encode` refuses).
   * `reqId` and `method` go in unescaped: a request id is a token of [\w.:@/+=-] (request-context.ts
   * checks a given one) and a method an HTTP token; neither can hold a quote, a backslash or a control character.
   */
  text(trace: string, reqId: string, method: string, route: string, status: number, durationMs: number): string {
    return `${TIME_PREFIX}${Date.now()}${this.bound}${trace},"reqId":"${reqId}${routeFragment(method, route).text}${Number.isFinite(status) ? status : 'null'},"durationMs":${durationText(durationMs)},"msg":"request"}\n`;
  }

  /**
   * The same line encoded into `writer`'s buffer; false (nothing written) when a part is not what the
   * byte path handles (a request id past ASCII, a status that is not a small integer, a line longer
   * than the buffer): then the caller writes `text`.
   */
  encode(writer: LineWriter, reqId: string, method: string, route: string, status: number, durationMs: number): boolean {
    const h = hundredths(durationMs);
    if (h === undefined || !(status >= 0 && status < 1e6 && Math.floor(status) === status)) return false;
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.head = Buffer.from(`${TIME_PREFIX}${now}${this.bound}`);
    }
    const head = this.head;
    const fragment = routeFragment(method, route).bytes;
    const buf = writer.reserve(head.length + reqId.length + fragment.length + FIXED_BYTES);
    if (buf === undefined) return false;
    let at = copy(buf, head, writer.end);
    at = copy(buf, REQ_ID, at);
    for (let i = 0; i < reqId.length; i++) {
      const c = reqId.charCodeAt(i);
      if (c > 0x7f) return false; // past ASCII: more than one byte of UTF-8
      buf[at++] = c;
    }
    at = copy(buf, fragment, at);
    at = digits(buf, status, at);
    at = copy(buf, DURATION, at);
    const whole = Math.floor(h / 100);
    const cents = h - whole * 100;
    at = digits(buf, whole, at);
    if (cents !== 0) {
      const tenths = Math.floor(cents / 10);
      buf[at++] = 0x2e; // '.'
      buf[at++] = 0x30 + tenths;
      if (cents !== tenths * 10) buf[at++] = 0x30 + cents - tenths * 10;
    }
    at = copy(buf, TAIL, at);
    writer.commit(at);
    return true;
  }
}

/** Copies `src` to `buf` at `at`; short parts byte by byte (cheaper than TypedArray#set's call for them). */
function copy(buf: Buffer, src: Buffer, at: number): number {
  const n = src.length;
  if (n > 32) {
    buf.set(src, at);
    return at + n;
  }
  for (let i = 0; i < n; i++) buf[at + i] = src[i]!;
  return at + n;
}

/** The decimal digits of a non-negative integer below 2^53. */
function digits(buf: Buffer, n: number, at: number): number {
  let end = at + 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) end++;
  for (let p = end - 1; p > at; p--) {
    const q = Math.floor(n / 10);
    buf[p] = 0x30 + n - q * 10;
    n = q;
  }
  buf[at] = 0x30 + n;
  return end;
}
