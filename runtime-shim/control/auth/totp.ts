// TOTP (RFC 6238) through otpauth: SHA-1, 6 digits, 30 s steps, one step of clock drift either way;
// each accepted step is recorded so that a code works once. The secret is shown once, as an
// otpauth:// URL and its QR code (an SVG drawn here, no network).
import { requireDependency } from '../../dependency.js';

type Otpauth = typeof import('otpauth');
type Uqr = typeof import('uqr');

export const TOTP_PERIOD_S = 30;
const SETTINGS = { algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S } as const;

export function newTotpSecret(): string {
  const { Secret } = requireDependency<Otpauth>('otpauth');
  return new Secret({ size: 20 }).base32;
}

export function totpUrl(secret: string, issuer: string, user: string): string {
  const { TOTP, Secret } = requireDependency<Otpauth>('otpauth');
  return new TOTP({ ...SETTINGS, issuer, label: user, secret: Secret.fromBase32(secret) }).toString();
}

export function qrSvg(text: string): string {
  return requireDependency<Uqr>('uqr').renderSVG(text, { border: 2 });
}

/** The time step the code belongs to (within ±1 of now), or undefined when it matches none. */
export function totpStep(secret: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const { TOTP, Secret } = requireDependency<Otpauth>('otpauth');
  const delta = TOTP.validate({ ...SETTINGS, token: code, secret: Secret.fromBase32(secret), timestamp: now, window: 1 });
  return delta === null ? undefined : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
}
