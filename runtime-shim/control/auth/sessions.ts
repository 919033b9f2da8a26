// Who is asking: under `gati dev` the developer ('dev', no login); otherwise the session the cookie
// names, if it is live (its idle expiry renewed as it is used). A new random id at each login; the
// store keeps only its hash. State-changing calls must carry the session's CSRF token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingRequest } from '../../server/wire.js';
import type { Logger } from '../../types.js';
import type { SessionInfo } from '../api-types.js';
import type { ControlStore } from '../store/control-store.js';
import { clearedSessionCookie, readCookie, sessionCookie, sessionCookieName } from './cookie.js';
import { first, requestOrigin, type RequestOrigin } from './request-origin.js';

export const CSRF_HEADER = 'x-gati-control-csrf';

export interface AuthContext {
  mode: 'dev' | 'start';
  /** The state store, opened on first use. */
  store(): Promise<ControlStore>;
  trustedProxies: readonly string[];
  appName(): string;
  /** Under `gati dev`: the CSRF token of this process (there is no session to hold one). */
  devCsrf: string;
  log: Logger;
}

export interface Session {
  user: string;
  csrf: string;
  /** The cookie's id (absent under `gati dev`). */
  id?: string;
  /** The cookie again with a fresh Max-Age, when the idle expiry was just extended: the answer sets it. */
  renewedCookie?: string;
}

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export async function currentSession(req: IncomingRequest, ctx: AuthContext, at = requestOrigin(req, ctx.trustedProxies)): Promise<Session | undefined> {
  if (ctx.mode === 'dev') return { user: 'dev', csrf: ctx.devCsrf };
  const id = readCookie(req, sessionCookieName(at.secure));
  if (!id || id.length > 128) return undefined;
  const store = await ctx.store();
  const record = await store.getSession(id);
  if (!record) return undefined;
  const renewed = await store.touchSession(id, record);
  return { user: record.user, csrf: record.csrf, id, ...(renewed ? { renewedCookie: sessionCookie(at.secure, id) } : {}) };
}

/** The request's X-Gati-Control-CSRF equals the session's token (compared in constant time). */
export function csrfValid(req: IncomingRequest, session: Session): boolean {
  const sent = first(req.headers[CSRF_HEADER]);
  if (!sent) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(session.csrf));
}

/** Signs `user` in: a new session (ending the one this browser had), its cookie and the SessionInfo. */
export async function startSession(req: IncomingRequest, ctx: AuthContext, at: RequestOrigin, user: string): Promise<{ cookie: string; info: SessionInfo }> {
  const store = await ctx.store();
  const previous = readCookie(req, sessionCookieName(at.secure));
  if (previous && previous.length <= 128) await store.endSession(previous);
  const id = newSecret();
  const csrf = newSecret();
  await store.createSession(id, user, csrf);
  return { cookie: sessionCookie(at.secure, id), info: { mode: 'login', authenticated: true, user, csrf, methods: await store.methods() } };
}

export async function endSession(req: IncomingRequest, ctx: AuthContext, at: RequestOrigin): Promise<string> {
  const id = readCookie(req, sessionCookieName(at.secure));
  if (id && id.length <= 128) await (await ctx.store()).endSession(id);
  return clearedSessionCookie(at.secure);
}

export async function sessionInfo(session: Session | undefined, ctx: AuthContext): Promise<SessionInfo> {
  if (ctx.mode === 'dev') return { mode: 'dev', authenticated: true, user: 'dev', csrf: ctx.devCsrf, methods: { passkey: false, totp: false } };
  const methods = await (await ctx.store()).methods();
  return session ? { mode: 'login', authenticated: true, user: session.user, csrf: session.csrf, methods } : { mode: 'login', authenticated: false, methods };
}
