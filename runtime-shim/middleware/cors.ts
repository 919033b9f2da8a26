// `cors(options)`: CORS headers on every response and answers to preflight requests.
import { named } from './named.js';
import type { Middleware } from '../types.js';
import { appendVary } from './problem.js';

export type CorsOrigin = '*' | string | readonly string[] | RegExp | ((origin: string) => boolean);

export interface CorsOptions {
  /**
   * The origins allowed to read responses: `'*'` (any, without credentials), one origin
   * (`'https://shop.example'`, scheme + host [+ port], no path or trailing slash), a list of them,
   * a RegExp tested against the request's `Origin`, or a function. An origin that is not allowed
   * is never echoed back.
   */
  origin: CorsOrigin;
  /** Methods allowed in a preflight answer. Default GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[];
  /** Request headers allowed in a preflight answer. Default: the ones the preflight asks for. */
  allowedHeaders?: readonly string[];
  /** Response headers the browser may expose to the page. Default none. */
  exposedHeaders?: readonly string[];
  /** Sends `Access-Control-Allow-Credentials: true`. Not allowed with `origin: '*'`. */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). */
  maxAge?: number;
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i;

function checkOrigin(origin: string): string {
  if (!ORIGIN_SHAPE.test(origin)) {
    throw new TypeError(
      `cors: '${origin}' is not an origin; write scheme://host[:port] without a path or trailing slash (for example 'https://shop.example')`,
    );
  }
  return origin.toLowerCase();
}

function checkList(name: string, list: readonly string[] | undefined): string | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v.trim() === '' || /[\s,]/.test(v.trim()))) {
    throw new TypeError(`cors: '${name}' must be a list of header or method names`);
  }
  return list.map((v) => v.trim()).join(', ');
}

/** Builds the origin test, or `null` for '*'. */
function originTest(origin: CorsOrigin): ((o: string) => boolean) | null {
  if (origin === '*') return null;
  if (typeof origin === 'string') {
    const allowed = checkOrigin(origin);
    return (o) => o === allowed;
  }
  if (Array.isArray(origin)) {
    if (origin.length === 0) throw new TypeError('cors: the origin list is empty');
    const allowed = new Set<string>();
    for (const o of origin as readonly unknown[]) {
      if (typeof o !== 'string') throw new TypeError('cors: the origin list must hold strings');
      if (o === '*') throw new TypeError(`cors: '*' cannot be part of an origin list; use origin: '*' alone`);
      allowed.add(checkOrigin(o));
    }
    return (o) => allowed.has(o);
  }
  if (origin instanceof RegExp) {
    // A copy without g/y, whose lastIndex would make test() stateful across requests.
    const re = new RegExp(origin.source, origin.flags.replace(/[gy]/g, ''));
    return (o) => re.test(o);
  }
  if (typeof origin === 'function') return (o) => origin(o) === true;
  throw new TypeError(`cors: 'origin' must be '*', a string, a list of strings, a RegExp or a function`);
}

export function cors(options: CorsOptions): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError(`cors: options with an 'origin' are required`);
  const test = originTest(options.origin);
  const credentials = options.credentials === true;
  if (credentials && test === null) {
    throw new TypeError(`cors: 'credentials: true' cannot be used with origin '*'; list the allowed origins instead`);
  }
  const methods = checkList('methods', options.methods ?? DEFAULT_METHODS)!.toUpperCase();
  const allowedHeaders = checkList('allowedHeaders', options.allowedHeaders);
  const exposedHeaders = checkList('exposedHeaders', options.exposedHeaders);
  let maxAge: string | undefined;
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge) || options.maxAge < 0) throw new TypeError(`cors: 'maxAge' must be a whole number of seconds`);
    maxAge = String(options.maxAge);
  }

  return named('cors', (req, res, _gctx, _lctx, next) => {
    const h = res.headers;
    const origin = req.headers['origin'];
    let allowed = false;
    if (test === null) {
      h['access-control-allow-origin'] = '*';
      allowed = true;
    } else {
      appendVary(res, 'Origin');
      if (typeof origin === 'string' && test(origin)) {
        h['access-control-allow-origin'] = origin;
        allowed = true;
      }
    }
    if (allowed && credentials) h['access-control-allow-credentials'] = 'true';

    const isPreflight = req.method === 'OPTIONS' && typeof origin === 'string' && req.headers['access-control-request-method'] !== undefined;
    if (!isPreflight) {
      if (allowed && exposedHeaders !== undefined) h['access-control-expose-headers'] = exposedHeaders;
      return next();
    }

    // Preflight: answered here. A disallowed origin gets a 204 without allow headers, which the
    // browser treats as a refusal.
    res.status = 204;
    res.body = undefined;
    if (!allowed) return;
    h['access-control-allow-methods'] = methods;
    if (allowedHeaders !== undefined) {
      h['access-control-allow-headers'] = allowedHeaders;
    } else {
      appendVary(res, 'Access-Control-Request-Headers');
      const asked = req.headers['access-control-request-headers'];
      if (typeof asked === 'string' && asked !== '') h['access-control-allow-headers'] = asked;
    }
    if (maxAge !== undefined) h['access-control-max-age'] = maxAge;
    return;
  });
}
