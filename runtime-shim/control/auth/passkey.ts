// Passkeys (WebAuthn) through @simplewebauthn/server: registration for a user being enrolled, and
// login with a discoverable credential (no user name typed). The relying party is the host the
// browser asked for; user verification (PIN, biometrics) is required both ways.
import { createHash } from 'node:crypto';
import { requireDependency } from '../../dependency.js';
import type { PasskeyRecord } from '../store/control-store.js';
import type { RequestOrigin } from './request-origin.js';

type Server = typeof import('@simplewebauthn/server');
type RegistrationResponseJSON = Parameters<Server['verifyRegistrationResponse']>[0]['response'];
type AuthenticationResponseJSON = Parameters<Server['verifyAuthenticationResponse']>[0]['response'];

const server = () => requireDependency<Server>('@simplewebauthn/server');

export async function registrationOptions(at: RequestOrigin, appName: string, user: string, existing: PasskeyRecord[]) {
  return server().generateRegistrationOptions({
    rpName: `${appName} control panel`,
    rpID: at.rpID,
    userName: user,
    // A stable handle that is not the name itself.
    userID: new Uint8Array(createHash('sha256').update(`gati-control:${user}`).digest()),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as never })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

/** The new credential, or undefined when the response does not verify. */
export async function verifyRegistration(at: RequestOrigin, user: string, challenge: string, response: unknown): Promise<PasskeyRecord | undefined> {
  try {
    const result = await server().verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: at.origin,
      expectedRPID: at.rpID,
      requireUserVerification: true,
    });
    if (!result.verified) return undefined;
    const credential = result.registrationInfo.credential;
    return { id: credential.id, user, publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter, transports: credential.transports ?? [], createdAt: Date.now() };
  } catch {
    return undefined;
  }
}

export async function authenticationOptions(at: RequestOrigin) {
  return server().generateAuthenticationOptions({ rpID: at.rpID, userVerification: 'required' });
}

/** The authenticator's new signature counter, or undefined when the response does not verify. */
export async function verifyAuthentication(at: RequestOrigin, challenge: string, passkey: PasskeyRecord, response: unknown): Promise<number | undefined> {
  try {
    const result = await server().verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: at.origin,
      expectedRPID: at.rpID,
      credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports as never },
      requireUserVerification: true,
    });
    return result.verified ? result.authenticationInfo.newCounter : undefined;
  } catch {
    return undefined;
  }
}

/** The challenge a browser signed, read from the response's clientDataJSON (the key of the pending ceremony). */
export function signedChallenge(response: unknown): string | undefined {
  const data = (response as { response?: { clientDataJSON?: unknown } } | undefined)?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return undefined;
  try {
    const challenge = (JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/** The credential id a login response names. */
export function credentialId(response: unknown): string | undefined {
  const id = (response as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length <= 1024 ? id : undefined;
}
