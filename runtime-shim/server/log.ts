// A small structured logger: one JSON line per event on stdout (pino's shape: level, time, bindings,
// the event's fields, msg). Secrets never reach it from the runtime: headers are not logged.
// Lines are cheap on the hot path (the request line is written for every request): the bindings are
// serialised once per logger, a line is concatenated from JSON fragments (the request line is encoded
// straight into the writer's buffer: request-line.ts), and the default sink is the buffered stdout
// writer (stdout-writer.ts), flushed every few milliseconds and at exit.
import type { Logger } from '../types.js';
import { LineWriter } from './line-writer.js';
import { RequestLine } from './request-line.js';
import { stdoutWriter } from './stdout-writer.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };
type Level = Exclude<LogLevel, 'silent'>;
const PREFIX: Record<Level, string> = { debug: '{"level":"debug","time":', info: '{"level":"info","time":', warn: '{"level":"warn","time":', error: '{"level":"error","time":' };

export interface LogSink { write(line: string): void }

/**
 * With tracing on (runtime-shim/tracing/), the active span's `,"trace_id":…,"span_id":…` for each
 * line ('' outside a span); undefined when tracing is off, so a line costs one check more.
 */
let traceFields: (() => string) | undefined;

export function setLogTraceFields(fields: (() => string) | undefined): void {
  traceFields = fields;
}

export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}, sink: LogSink = stdoutWriter()): Logger {
  return loggerWith(level, fieldsJson(bindings), sink);
}

/** `bound`: the bindings as JSON members (`,"app":"payments"`), serialised once for every line. */
function loggerWith(level: LogLevel, bound: string, sink: LogSink): Logger {
  const min = RANK[level] ?? RANK.info;
  const requestLine = new RequestLine(bound);
  /** The stdout writer (or another LineWriter): the request line is encoded straight into its buffer. */
  const lines = sink instanceof LineWriter ? sink : undefined;
  const emit = (lvl: Level, obj: object | string, msg?: string) => {
    if (RANK[lvl] < min) return;
    const line = typeof obj === 'string'
      ? `${PREFIX[lvl]}${Date.now()}${bound}${traceFields === undefined ? '' : traceFields()},"msg":${JSON.stringify(obj)}}\n`
      : `${PREFIX[lvl]}${Date.now()}${bound}${traceFields === undefined ? '' : traceFields()}${fieldsJson(obj)}${msg === undefined ? '' : `,"msg":${JSON.stringify(msg)}`}}\n`;
    sink.write(line);
  };
  const logger: GatiLogger = {
    enabled: (lvl) => RANK[lvl] >= min,
    request: (reqId, method, route, status, durationMs) => {
      if (RANK.info < min) return;
      if (traceFields !== undefined) return sink.write(requestLine.text(traceFields(), reqId, method, route, status, durationMs));
      if (lines !== undefined && requestLine.encode(lines, reqId, method, route, status, durationMs)) return;
      sink.write(requestLine.text('', reqId, method, route, status, durationMs));
    },
    debug: (obj, msg) => emit('debug', obj, msg),
    info: (obj, msg) => emit('info', obj, msg),
    warn: (obj, msg) => emit('warn', obj, msg),
    error: (obj, msg) => emit('error', obj, msg),
    child: (more) => loggerWith(level, bound + fieldsJson(more), sink),
  };
  return logger;
}

/** Gati's own logger: what `Logger` offers, plus what the pipeline uses on every request. */
interface GatiLogger extends Logger {
  enabled(level: Level): boolean;
  /**
   * The request line, without an intermediate object (it is written for every request): request-line.ts.
   * `durationMs` is printed rounded to 0.01 ms.
   */
  request(reqId: string, method: string, route: string, status: number, durationMs: number): void;
}

/** Writes the request line: `{ level: 'info', time, ...bindings, reqId, method, route, status, durationMs, msg: 'request' }`. */
export function logRequest(log: Logger, reqId: string, method: string, route: string, status: number, durationMs: number): void {
  const gati = log as Partial<GatiLogger>;
  if (gati.request) gati.request(reqId, method, route, status, durationMs);
  else log.info({ reqId, method, route, status, durationMs: Math.round(durationMs * 100) / 100 }, 'request');
}

/** Whether `log` would write at `level` (false only for Gati's own logger below that level). */
export function logsAt(log: Logger, level: Level): boolean {
  return (log as { enabled?(l: string): boolean }).enabled?.(level) ?? true;
}

/** `fields` as JSON members, each preceded by a comma (`,"a":1,"b":"x"`), or '' when it has none. */
function fieldsJson(fields: object): string {
  const json = JSON.stringify(hasError(fields) ? withErrors(fields) : fields) ?? '';
  if (json[0] !== '{') return json === '' ? '' : `,"value":${json}`; // an array or a primitive passed as the fields
  return json.length === 2 ? '' : `,${json.slice(1, -1)}`;
}

function hasError(fields: object): boolean {
  for (const key in fields) if ((fields as Record<string, unknown>)[key] instanceof Error) return true;
  return false;
}

/** Errors are not enumerable: log their name, message and stack (the stack stays in the log, never on the wire). */
function withErrors(fields: object): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  return out;
}

export function levelFrom(value: string | undefined, fallback: LogLevel): LogLevel {
  return value && value in RANK ? (value as LogLevel) : fallback;
}
