// Where the browser thinks the panel is: the scheme (https only when this server terminates TLS or
// a trusted proxy says so in X-Forwarded-Proto: an untrusted client must not pick its cookie's
// flags), the host from the Host header, and from them the WebAuthn origin and relying-party id.
import type { IncomingRequest } from '../../server/wire.js';
import { isTrustedProxy } from './trusted-proxies.js';

export interface RequestOrigin {
  secure: boolean;
  /** `https://panel.example.com` or `http://localhost:3000`. */
  origin: string;
  /** The host name without the port: the WebAuthn relying-party id. */
  rpID: string;
}

export function requestOrigin(req: IncomingRequest, trustedProxies: readonly string[]): RequestOrigin {
  const host = first(req.headers.host) ?? 'localhost';
  const forwarded = first(req.headers['x-forwarded-proto']);
  const secure = forwarded !== undefined && isTrustedProxy(req.ip, trustedProxies) && forwarded.split(',')[0]!.trim().toLowerCase() === 'https';
  return { secure, origin: `${secure ? 'https' : 'http'}://${host}`, rpID: hostName(host) };
}

function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
