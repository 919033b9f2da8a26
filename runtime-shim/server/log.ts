// A small structured logger: one JSON line per event on stdout (pino's shape: level, time, msg,
// bindings). Secrets never reach it from the runtime: headers are not logged.
import type { Logger } from '../types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

export interface LogSink { write(line: string): void }

export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}, sink: LogSink = process.stdout): Logger {
  const min = RANK[level] ?? RANK.info;
  const emit = (lvl: Exclude<LogLevel, 'silent'>, obj: object | string, msg?: string) => {
    if (RANK[lvl] < min) return;
    const fields = typeof obj === 'string' ? { msg: obj } : msg !== undefined ? { ...obj, msg } : obj;
    sink.write(`${JSON.stringify({ level: lvl, time: Date.now(), ...bindings, ...serializeErrors(fields) })}\n`);
  };
  const logger: Logger & { enabled(level: Exclude<LogLevel, 'silent'>): boolean } = {
    enabled: (lvl) => RANK[lvl] >= min,
    debug: (obj, msg) => emit('debug', obj, msg),
    info: (obj, msg) => emit('info', obj, msg),
    warn: (obj, msg) => emit('warn', obj, msg),
    error: (obj, msg) => emit('error', obj, msg),
    child: (more) => createLogger(level, { ...bindings, ...more }, sink),
  };
  return logger;
}

/** Whether `log` would write at `level` (false only for Gati's own logger below that level). */
export function logsAt(log: Logger, level: Exclude<LogLevel, 'silent'>): boolean {
  return (log as { enabled?(l: string): boolean }).enabled?.(level) ?? true;
}

/** Errors are not enumerable: log their name, message and stack (the stack stays in the log, never on the wire). */
function serializeErrors(fields: object): object {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) {
      out ??= { ...fields };
      out[k] = { name: v.name, message: v.message, stack: v.stack };
    }
  }
  return out ?? fields;
}

export function levelFrom(value: string | undefined, fallback: LogLevel): LogLevel {
  return value && value in RANK ? (value as LogLevel) : fallback;
}
