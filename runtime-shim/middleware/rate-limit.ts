// `rateLimit(options)`: a token bucket per client key; 429 with Retry-After when it is empty.
import { named } from './named.js';
import { performance } from 'node:perf_hooks';
import type { Middleware, MiddlewareRequest } from '../types.js';
import { answerProblem } from './problem.js';

export interface RateLimitOptions {
  /** Requests a client may make in a burst (the bucket's size). */
  capacity?: number;
  /** Tokens added back per second. */
  refillPerSecond?: number;
  /** Sugar: `max` requests per `windowMs` (capacity = max, refill = max / window). */
  max?: number;
  windowMs?: number;
  /**
   * The client key. Default: `req.ip` (set by the server). Return `undefined` to let a request
   * through without counting it.
   */
  key?: (req: MiddlewareRequest) => string | undefined;
  /** Most keys kept at once (least recently seen evicted first). Default 10 000. */
  maxKeys?: number;
  /** Send `RateLimit-Limit`/`RateLimit-Remaining` on allowed responses too. Default true. */
  headers?: boolean;
  /** Clock in milliseconds (monotonic). For tests; default `performance.now()`. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  last: number;
}

const EPSILON = 1e-9;
/** Idle buckets examined per request at most (they are dropped once full again). */
const SWEEP_PER_REQUEST = 8;

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`rateLimit: '${name}' must be a positive number`);
  return v;
}

const defaultKey = (req: MiddlewareRequest): string => req.ip || 'unknown';

/** The middleware, with the number of client keys it currently holds (for metrics and tests). */
export type RateLimiter = Middleware & { readonly keys: number };

export function rateLimit(options: RateLimitOptions): RateLimiter {
  if (options === null || typeof options !== 'object') throw new TypeError('rateLimit: options are required');
  let capacity: number;
  let perSecond: number;
  const bucketForm = options.capacity !== undefined || options.refillPerSecond !== undefined;
  const windowForm = options.max !== undefined || options.windowMs !== undefined;
  if (bucketForm && windowForm) throw new TypeError(`rateLimit: give either 'capacity' + 'refillPerSecond' or 'max' + 'windowMs', not both`);
  if (windowForm) {
    capacity = positive('max', options.max);
    perSecond = capacity / (positive('windowMs', options.windowMs) / 1000);
  } else {
    capacity = positive('capacity', options.capacity);
    perSecond = positive('refillPerSecond', options.refillPerSecond);
  }
  if (!Number.isInteger(capacity)) throw new TypeError(`rateLimit: the bucket size must be a whole number`);
  const maxKeys = options.maxKeys === undefined ? 10_000 : positive('maxKeys', options.maxKeys);
  const keyOf = options.key ?? defaultKey;
  const now = options.now ?? (() => performance.now());
  const sendHeaders = options.headers !== false;
  const perMs = perSecond / 1000;
  /** After this long without a request a bucket is full again, so it can be forgotten. */
  const idleMs = capacity / perMs;
  const limitHeader = String(capacity);
  // Map order is least recently seen first: every hit moves its key to the end. No timers: idle
  // buckets are swept from the front a few at a time as requests arrive.
  const buckets = new Map<string, Bucket>();

  const mw: Middleware = (req, res, _gctx, _lctx, next) => {
    const key = keyOf(req);
    if (key === undefined) return next();
    const t = now();
    let b = buckets.get(key);
    if (b !== undefined) {
      buckets.delete(key);
      const elapsed = t - b.last;
      if (elapsed > 0) b.tokens = Math.min(capacity, b.tokens + elapsed * perMs);
      b.last = t;
    } else {
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
      b = { tokens: capacity, last: t };
    }
    buckets.set(key, b);

    let swept = 0;
    for (const k of buckets.keys()) {
      if (swept++ === SWEEP_PER_REQUEST || t - buckets.get(k)!.last < idleMs) break;
      buckets.delete(k);
    }

    if (b.tokens >= 1 - EPSILON) {
      b.tokens = Math.max(0, b.tokens - 1);
      if (sendHeaders) {
        res.headers['ratelimit-limit'] = limitHeader;
        res.headers['ratelimit-remaining'] = String(Math.floor(b.tokens + EPSILON));
      }
      return next();
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    res.headers['retry-after'] = String(retryAfter);
    res.headers['ratelimit-limit'] = limitHeader;
    res.headers['ratelimit-remaining'] = '0';
    answerProblem(res, 429, `Rate limit exceeded; retry in ${retryAfter} s`);
    return;
  };
  return Object.defineProperty(named('rateLimit', mw), 'keys', { get: () => buckets.size, enumerable: true }) as RateLimiter;
}
