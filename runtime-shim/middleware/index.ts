// `gati/middleware`: the built-in middleware (docs/middleware.md). Node built-ins only.
export { cors } from './cors.js';
export type { CorsOptions, CorsOrigin } from './cors.js';
export { rateLimit } from './rate-limit.js';
export type { RateLimitOptions, RateLimiter } from './rate-limit.js';
export { bearerAuth } from './bearer-auth.js';
export type { BearerAuthOptions, BearerTokenAuth } from './bearer-auth.js';
export { requestLog } from './request-log.js';
export type { RequestLogOptions } from './request-log.js';
export type { Problem } from './problem.js';
