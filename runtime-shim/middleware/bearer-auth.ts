// `bearerAuth(options)`: `Authorization: Bearer <token>` against a list of tokens or a verify function.
import { named } from './named.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware, MiddlewareRequest } from '../types.js';
import { answerProblem } from './problem.js';

export interface BearerAuthOptions {
  /**
   * The accepted tokens. Empty and undefined entries are skipped (so `process.env.X` can be listed
   * directly), but a list without any usable token is an error when the middleware is created.
   */
  tokens?: ReadonlyArray<string | undefined | null>;
  /**
   * Decides instead of `tokens`: return a truthy value (for example the caller's identity), which
   * becomes `lctx.state.auth`, or a falsy one to refuse.
   */
  verify?: (token: string, req: MiddlewareRequest) => unknown | Promise<unknown>;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;
}

/** `lctx.state.auth` after a match against `tokens`: the first 8 hex digits of the token's SHA-256. */
export interface BearerTokenAuth {
  tokenId: string;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

export function bearerAuth(options: BearerAuthOptions): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError(`bearerAuth: options with 'tokens' or 'verify' are required`);
  const { tokens, verify } = options;
  if ((tokens === undefined) === (verify === undefined)) throw new TypeError(`bearerAuth: give exactly one of 'tokens' and 'verify'`);
  if (verify !== undefined && typeof verify !== 'function') throw new TypeError(`bearerAuth: 'verify' must be a function`);
  const digests: Buffer[] = [];
  const ids: string[] = [];
  if (tokens !== undefined) {
    if (!Array.isArray(tokens)) throw new TypeError(`bearerAuth: 'tokens' must be a list`);
    for (const t of tokens) {
      if (t === undefined || t === null || t === '') continue;
      if (typeof t !== 'string') throw new TypeError(`bearerAuth: 'tokens' must hold strings`);
      // Never echo the token itself in the error.
      if (/\s/.test(t)) throw new TypeError(`bearerAuth: a token contains whitespace and could never match an Authorization header (a trailing newline from a secret file?)`);
      const d = sha256(t);
      digests.push(d);
      ids.push(d.toString('hex', 0, 4));
    }
    if (digests.length === 0) {
      throw new TypeError(`bearerAuth: 'tokens' holds no usable token (is an environment variable missing?); refusing to start with no way to authenticate`);
    }
  }
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || realm === '' || /["\\\u0000-\u001f\u007f]/.test(realm)) {
    throw new TypeError(`bearerAuth: 'realm' must be a non-empty string without quotes, backslashes or control characters`);
  }
  const challenge = `Bearer realm="${realm}"`;
  const invalidChallenge = `Bearer realm="${realm}", error="invalid_token"`;

  return named('bearerAuth', async (req, res, _gctx, lctx, next) => {
    const header = req.headers['authorization'];
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    if (m === null) {
      res.headers['www-authenticate'] = challenge;
      answerProblem(res, 401, 'A bearer token is required');
      return;
    }
    const token = m[1]!;
    let auth: unknown;
    if (verify !== undefined) {
      auth = await verify(token, req);
    } else {
      // Compare fixed-length digests so neither the length nor the position of a match leaks;
      // every configured token is compared on every request.
      const d = sha256(token);
      let found = -1;
      for (let i = 0; i < digests.length; i++) {
        if (timingSafeEqual(d, digests[i]!) && found === -1) found = i;
      }
      if (found !== -1) auth = { tokenId: ids[found]! } satisfies BearerTokenAuth;
    }
    if (!auth) {
      res.headers['www-authenticate'] = invalidChallenge;
      answerProblem(res, 401, 'The bearer token is not valid');
      return;
    }
    lctx.state.auth = auth;
    await next();
  });
}
