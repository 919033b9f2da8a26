// `requestLog(options?)`: one log line per request, written after the rest of the chain has run.
import { named } from './named.js';
import type { Middleware, MiddlewareRequest, Res } from '../types.js';
import { HttpError } from '../http-error.js';

export interface RequestLogOptions {
  /** Extra fields for the line (merged over method, path, status, durationMs). */
  fields?: (req: MiddlewareRequest, res: Res<any>) => Record<string, unknown> | undefined;
  /** Request headers to add under `headers` (lowercase names). Credentials headers are refused. */
  headers?: readonly string[];
  /** Log level. Default `'info'`. */
  level?: 'debug' | 'info' | 'warn';
  /** The message. Default `'request'`. */
  message?: string;
}

/** Headers that carry credentials: never logged, whatever the options say. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '[redacted]' : headers[k];
  return out;
}

export function requestLog(options: RequestLogOptions = {}): Middleware {
  const { fields } = options;
  const level = options.level ?? 'info';
  if (level !== 'debug' && level !== 'info' && level !== 'warn') throw new TypeError(`requestLog: 'level' must be 'debug', 'info' or 'warn'`);
  const message = options.message ?? 'request';
  const headerNames = (options.headers ?? []).map((h) => h.toLowerCase());
  for (const h of headerNames) {
    if (SECRET_HEADERS.has(h)) throw new TypeError(`requestLog: the '${h}' header carries credentials and is never logged`);
  }

  return named('requestLog', async (req, res, _gctx, lctx, next) => {
    let status: number | undefined;
    try {
      await next();
    } catch (err) {
      // The server turns the error into the response after this middleware; log what it will send.
      status = err instanceof HttpError ? err.status : 500;
      throw err;
    } finally {
      const line: Record<string, unknown> = {
        method: req.method,
        path: req.path,
        status: status ?? res.status,
        durationMs: Date.now() - lctx.startedAt,
      };
      if (headerNames.length > 0) {
        const picked: Record<string, unknown> = {};
        for (const h of headerNames) if (req.headers[h] !== undefined) picked[h] = req.headers[h];
        line.headers = picked;
      }
      if (fields !== undefined) {
        let extra: Record<string, unknown> | undefined;
        try {
          extra = fields(req, res);
        } catch (err) {
          // A throwing `fields` must not replace the request's own outcome (or error).
          line.fieldsError = err instanceof Error ? err.message : String(err);
        }
        if (extra) {
          for (const k of Object.keys(extra)) {
            if (SECRET_HEADERS.has(k.toLowerCase())) continue;
            const v = extra[k];
            // The whole headers object handed back: keep it, minus credentials.
            line[k] = v === req.headers || v === res.headers ? redactHeaders(v as Record<string, unknown>) : v;
          }
        }
      }
      lctx.log[level](line, message);
    }
  });
}
