// /_control/auth/*: the session, passkey and TOTP login, logout, and enrollment through a one-time
// link (or, once signed in, adding a credential to one's own user). Every outcome is audited;
// secrets, codes and tokens never are. Failed logins are throttled per user and per address.
import type { IncomingRequest, OutgoingResponse } from '../../server/wire.js';
import { parseJson } from '../../server/safe-json.js';
import type { EnrollInfo, TotpEnrollment } from '../api-types.js';
import { jsonAnswer, problemAnswer } from '../answers.js';
import { requestOrigin, first, type RequestOrigin } from './request-origin.js';
import { csrfValid, currentSession, endSession, sessionInfo, startSession, type AuthContext } from './sessions.js';
import { clearFailures, lockedFor, recordFailure, throttleSubjects } from './throttle.js';
import { newTotpSecret, qrSvg, totpStep, totpUrl, TOTP_PERIOD_S } from './totp.js';
import { authenticationOptions, credentialId, registrationOptions, signedChallenge, verifyAuthentication, verifyRegistration } from './passkey.js';
import { ENROLL_TTL_MS, USER_NAME } from '../store/control-store.js';

const BODY_LIMIT = 64 * 1024;
let unknownUserSecret: string | undefined;

type Body = Record<string, unknown>;
type Handler = (req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin) => Promise<OutgoingResponse>;

const POST_HANDLERS: Record<string, Handler> = {
  'login/passkey/options': loginPasskeyOptions,
  'login/passkey/verify': loginPasskeyVerify,
  'login/totp': loginTotp,
  logout,
  'enroll/info': enrollInfo,
  'enroll/passkey/options': enrollPasskeyOptions,
  'enroll/passkey/verify': enrollPasskeyVerify,
  'enroll/totp/start': enrollTotpStart,
  'enroll/totp/confirm': enrollTotpConfirm,
};

/** Answers /_control/auth/<path>. */
export async function answerAuth(req: IncomingRequest, path: string, ctx: AuthContext): Promise<OutgoingResponse> {
  const at = requestOrigin(req, ctx.trustedProxies);
  if (path === 'session') {
    if (req.method !== 'GET') return problemAnswer(405, undefined, { allow: 'GET' });
    return jsonAnswer(200, await sessionInfo(await currentSession(req, ctx, at), ctx));
  }
  const handler = POST_HANDLERS[path];
  if (!handler) return problemAnswer(404);
  if (req.method !== 'POST') return problemAnswer(405, undefined, { allow: 'POST' });
  // JSON only: a cross-site form cannot send it without a preflight (login CSRF).
  if (!/^application\/json\b/i.test(first(req.headers['content-type']) ?? '')) return problemAnswer(415, 'send application/json');
  let body: unknown;
  try {
    const raw = String(await req.readBody(BODY_LIMIT));
    body = raw ? parseJson(raw) : {};
  } catch {
    return problemAnswer(400, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problemAnswer(400, 'the body must be a JSON object');
  return handler(req, body as Body, ctx, at);
}

async function audit(ctx: AuthContext, req: IncomingRequest, user: string, action: string, detail?: Record<string, unknown>): Promise<void> {
  await (await ctx.store()).audit({ at: Date.now(), user, action, ip: req.ip, ...(detail ? { detail } : {}) });
}

function tooMany(seconds: number): OutgoingResponse {
  return problemAnswer(429, 'too many failed attempts; try again later', { 'retry-after': String(seconds) });
}

/**
 * A login attempt while the user or the address is locked: refused unread, and counted, so that
 * the lock grows while the attempts go on.
 */
async function refuseLocked(ctx: AuthContext, req: IncomingRequest, user: string | undefined, wait: number): Promise<OutgoingResponse> {
  const grown = await recordFailure(await ctx.store(), throttleSubjects(req.ip, user));
  await audit(ctx, req, user ?? '', 'login.throttled');
  return tooMany(grown ?? wait);
}

/** Records a failed login (the next attempts get 429 once it is the 5th within the window). */
async function failed(ctx: AuthContext, req: IncomingRequest, user: string | undefined, action: string, detail: string): Promise<OutgoingResponse> {
  await recordFailure(await ctx.store(), throttleSubjects(req.ip, user));
  await audit(ctx, req, user ?? '', action);
  return problemAnswer(401, detail);
}

async function signedIn(req: IncomingRequest, ctx: AuthContext, at: RequestOrigin, user: string, action: string, detail?: Record<string, unknown>): Promise<OutgoingResponse> {
  await clearFailures(await ctx.store(), throttleSubjects(req.ip, user));
  const { cookie, info } = await startSession(req, ctx, at, user);
  await audit(ctx, req, user, action, detail);
  return jsonAnswer(200, info, { 'set-cookie': cookie });
}

// Login

async function loginPasskeyOptions(req: IncomingRequest, _body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const wait = await lockedFor(await ctx.store(), throttleSubjects(req.ip, undefined));
  if (wait !== undefined) return tooMany(wait);
  const options = await authenticationOptions(at);
  await (await ctx.store()).putPending(options.challenge, { purpose: 'login' });
  return jsonAnswer(200, options);
}

async function loginPasskeyVerify(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const store = await ctx.store();
  const id = credentialId(body.response);
  const passkey = id === undefined ? undefined : await store.getPasskey(id);
  const wait = await lockedFor(store, throttleSubjects(req.ip, passkey?.user));
  if (wait !== undefined) return refuseLocked(ctx, req, passkey?.user, wait);
  const challenge = signedChallenge(body.response);
  const pending = challenge === undefined ? undefined : await store.takePending(challenge);
  if (!passkey || !challenge || pending?.purpose !== 'login' || !(await store.getUser(passkey.user))) return failed(ctx, req, passkey?.user, 'login.passkey.failed', 'the passkey is not known here');
  const counter = await verifyAuthentication(at, challenge, passkey, body.response);
  if (counter === undefined) return failed(ctx, req, passkey.user, 'login.passkey.failed', 'the passkey did not verify');
  await store.addPasskey({ ...passkey, counter });
  return signedIn(req, ctx, at, passkey.user, 'login.passkey');
}

async function loginTotp(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const user = typeof body.user === 'string' && USER_NAME.test(body.user) ? body.user : undefined;
  const code = typeof body.code === 'string' ? body.code.replace(/\s/g, '') : '';
  const store = await ctx.store();
  const wait = await lockedFor(store, throttleSubjects(req.ip, user));
  if (wait !== undefined) return refuseLocked(ctx, req, user, wait);
  const totp = user ? await store.getTotp(user) : undefined;
  // An unknown user costs the same check as a known one: the answer's time does not tell them apart.
  const step = totpStep(totp?.secret ?? (unknownUserSecret ??= newTotpSecret()), code);
  // One answer for an unknown user, a wrong code and a code already used.
  if (!user || !totp || step === undefined || !(await store.useTotpStep(user, step, 4 * TOTP_PERIOD_S * 1000))) return failed(ctx, req, user, 'login.totp.failed', 'the user name or the code is wrong');
  return signedIn(req, ctx, at, user, 'login.totp');
}

async function logout(req: IncomingRequest, _body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const session = await currentSession(req, ctx, at);
  if (!session || ctx.mode === 'dev') return jsonAnswer(200, { ok: true });
  if (!csrfValid(req, session)) return problemAnswer(403, 'the X-Gati-Control-CSRF header is missing or wrong');
  const cookie = await endSession(req, ctx, at);
  await audit(ctx, req, session.user, 'logout');
  return jsonAnswer(200, { ok: true }, { 'set-cookie': cookie });
}

// Enrollment: with the link's token (consumed by the first credential registered, which signs the
// user in), or signed in, for one's own user (a second credential).

type Enrollee = { user: string; token?: string } | OutgoingResponse;

async function enrollee(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<Enrollee> {
  const store = await ctx.store();
  if (typeof body.token === 'string') {
    const record = body.token.length <= 128 ? await store.enrollment(body.token) : undefined;
    return record ? { user: record.user, token: body.token } : problemAnswer(410, 'the enrollment link is used or expired: ask for a new one (gati control enroll)');
  }
  const session = ctx.mode === 'dev' ? undefined : await currentSession(req, ctx, at);
  if (!session) return problemAnswer(401, 'open the enrollment link, or sign in to add a credential');
  if (!csrfValid(req, session)) return problemAnswer(403, 'the X-Gati-Control-CSRF header is missing or wrong');
  return { user: session.user };
}

/** After a credential is saved: the link is used up, and the user signed in. */
async function enrolled(req: IncomingRequest, ctx: AuthContext, at: RequestOrigin, who: { user: string; token?: string }, action: string, save: () => Promise<void>): Promise<OutgoingResponse> {
  const store = await ctx.store();
  if (who.token !== undefined && !(await store.consumeEnrollment(who.token))) return problemAnswer(410, 'the enrollment link is used or expired: ask for a new one (gati control enroll)');
  await store.addUser(who.user);
  await save();
  return signedIn(req, ctx, at, who.user, action);
}

async function enrollInfo(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const who = await enrollee(req, body, ctx, at);
  if ('status' in who) return who;
  const store = await ctx.store();
  const record = who.token ? await store.enrollment(who.token) : undefined;
  const info: EnrollInfo = { user: who.user, expiresAt: record?.expiresAt ?? null, passkeys: (await store.passkeysOf(who.user)).length, totp: (await store.getTotp(who.user)) !== undefined };
  return jsonAnswer(200, info);
}

async function enrollPasskeyOptions(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const who = await enrollee(req, body, ctx, at);
  if ('status' in who) return who;
  const store = await ctx.store();
  const options = await registrationOptions(at, ctx.appName(), who.user, await store.passkeysOf(who.user));
  await store.putPending(options.challenge, { purpose: 'register', user: who.user });
  return jsonAnswer(200, options);
}

async function enrollPasskeyVerify(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const who = await enrollee(req, body, ctx, at);
  if ('status' in who) return who;
  const store = await ctx.store();
  const challenge = signedChallenge(body.response);
  const pending = challenge === undefined ? undefined : await store.takePending(challenge);
  const passkey = pending?.purpose === 'register' && pending.user === who.user ? await verifyRegistration(at, who.user, challenge!, body.response) : undefined;
  if (!passkey) {
    await audit(ctx, req, who.user, 'enroll.passkey.failed');
    return problemAnswer(400, 'the passkey registration did not verify; try again');
  }
  return enrolled(req, ctx, at, who, 'enroll.passkey', () => store.addPasskey(passkey));
}

async function enrollTotpStart(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const who = await enrollee(req, body, ctx, at);
  if ('status' in who) return who;
  const secret = newTotpSecret();
  await (await ctx.store()).putPending(`totp:${who.user}`, { purpose: 'totp', user: who.user, secret }, ENROLL_TTL_MS);
  const otpauthUrl = totpUrl(secret, ctx.appName(), who.user);
  const answer: TotpEnrollment = { otpauthUrl, qrSvg: qrSvg(otpauthUrl), secret };
  return jsonAnswer(200, answer);
}

async function enrollTotpConfirm(req: IncomingRequest, body: Body, ctx: AuthContext, at: RequestOrigin): Promise<OutgoingResponse> {
  const who = await enrollee(req, body, ctx, at);
  if ('status' in who) return who;
  const store = await ctx.store();
  const pending = await store.getPending(`totp:${who.user}`);
  const code = typeof body.code === 'string' ? body.code.replace(/\s/g, '') : '';
  const step = pending?.secret ? totpStep(pending.secret, code) : undefined;
  if (!pending?.secret || step === undefined) {
    await audit(ctx, req, who.user, 'enroll.totp.failed');
    return problemAnswer(400, pending ? 'the code is wrong: enter the current code from the authenticator app' : 'start the TOTP enrollment first');
  }
  await store.takePending(`totp:${who.user}`);
  // The confirming code is used: it cannot sign in a second time.
  await store.useTotpStep(who.user, step, 4 * TOTP_PERIOD_S * 1000);
  return enrolled(req, ctx, at, who, 'enroll.totp', () => store.setTotp(who.user, pending.secret!));
}
