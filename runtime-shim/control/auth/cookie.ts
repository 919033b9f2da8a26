// The session cookie: `gati_control` over HTTP, `__Host-gati_control` over HTTPS (bound to this
// host, Secure, Path=/), HttpOnly and SameSite=Strict; its Max-Age is the idle expiry, renewed as
// the session is used.
import type { IncomingRequest } from '../../server/wire.js';
import { SESSION_IDLE_MS } from '../store/control-store.js';

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-gati_control' : 'gati_control';
}

export function readCookie(req: IncomingRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(secure: boolean, id: string): string {
  return `${sessionCookieName(secure)}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_IDLE_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
