// The control panel under `gati start`: off by default (404), and when enabled every page and API
// under /_control needs a session. Enrollment by a one-time link with TOTP, the session cookie's
// attributes, CSRF refusal, TOTP replay refused, revoke ending sessions, and the throttle (429 with
// a growing Retry-After after 5 wrong codes), over real HTTP against the real server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TOTP, Secret } from 'otpauth';
import { GATI_BIN, builtFixtureCopy, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });
const json = { 'content-type': 'application/json' };

test('gati start: the panel is off by default (/_control is the app\'s, a 404)', async () => {
  const { dir } = builtFixtureCopy('serving');
  const server = await runServer([GATI_BIN, 'start', '.'], dir);
  try {
    assert.is((await fetch(`${server.url}/_control`)).status, 404);
    assert.is((await fetch(`${server.url}/_control/api/ping`)).status, 404);
    assert.is((await fetch(`${server.url}/_control/auth/session`)).status, 404);
  } finally {
    await server.stop();
    removeDir(dir);
  }
});

test('GATI_CONTROL=1: sessions, enrollment, CSRF, replay, revoke, throttle', async () => {
  const { dir } = builtFixtureCopy('serving');
  let server: RunningApp | undefined;
  try {
    server = await runServer([GATI_BIN, 'start', '.'], dir, { GATI_CONTROL: '1' });
    const base = server.url;

    // Without a session: the API answers 401 and no data; pages go to the login page, which opens.
    const noSession = await fetch(`${base}/_control/api/ping`);
    assert.is(noSession.status, 401);
    assert.is(noSession.headers.get('content-type'), 'application/problem+json');
    assert.is(noSession.headers.get('cache-control'), 'no-store');
    assert.not.match(await noSession.text(), 'serving');
    const page = await fetch(`${base}/_control/traces`, { redirect: 'manual' });
    assert.is(page.status, 303);
    assert.is(page.headers.get('location'), '/_control/login?next=%2F_control%2Ftraces', 'the login page sends the user back to the page asked for');
    const login = await fetch(`${base}/_control/login`);
    assert.is(login.status, 200);
    assert.match(login.headers.get('content-type') ?? '', 'text/html');
    assert.match(login.headers.get('content-security-policy') ?? '', "default-src 'self'");
    assert.equal(await (await fetch(`${base}/_control/auth/session`)).json(), { mode: 'login', authenticated: false, methods: { passkey: false, totp: false } });

    // gati control enroll prints the one-time link.
    const enroll = gatiSync(['control', 'enroll', dir, '--user', 'alice', '--base-url', base]);
    assert.is(enroll.status, 0, enroll.stderr);
    const link = enroll.stdout.trim().split('\n').pop()!;
    assert.ok(link.startsWith(`${base}/_control/enroll#`), link);
    const token = link.slice(link.indexOf('#') + 1);
    const info = await fetch(`${base}/_control/auth/enroll/info`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
    const enrollInfo = await info.json() as { user: string; expiresAt: number; passkeys: number; totp: boolean };
    assert.equal({ ...enrollInfo, expiresAt: 0 }, { user: 'alice', expiresAt: 0, passkeys: 0, totp: false });
    assert.ok(Math.abs(enrollInfo.expiresAt - (Date.now() + 15 * 60_000)) < 60_000, 'valid 15 minutes');

    // TOTP enrollment: the otpauth:// URL, its QR code as SVG, confirmed with one code.
    const start = await (await fetch(`${base}/_control/auth/enroll/totp/start`, { method: 'POST', headers: json, body: JSON.stringify({ token }) })).json() as { otpauthUrl: string; qrSvg: string; secret: string };
    assert.match(start.otpauthUrl, /^otpauth:\/\/totp\/.*alice\?.*algorithm=SHA1.*digits=6.*period=30/);
    assert.match(start.qrSvg, /^<svg[\s\S]*<\/svg>$/);
    const wrongConfirm = await fetch(`${base}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token, code: '000000' === totpCode(start.secret) ? '111111' : '000000' }) });
    assert.is(wrongConfirm.status, 400);
    const firstCode = totpCode(start.secret);
    const confirmed = await fetch(`${base}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token, code: firstCode }) });
    assert.is(confirmed.status, 200);
    const session = await confirmed.json() as { mode: string; authenticated: boolean; user: string; csrf: string };
    assert.is(session.user, 'alice');
    assert.ok(session.csrf.length >= 32);

    // The session cookie: HttpOnly, SameSite=Strict, Path=/, 12 h idle, not Secure over plain HTTP.
    const setCookie = confirmed.headers.get('set-cookie')!;
    assert.match(setCookie, /^gati_control=[A-Za-z0-9_-]{40,}; /);
    assert.match(setCookie, '; Path=/');
    assert.match(setCookie, '; HttpOnly');
    assert.match(setCookie, '; SameSite=Strict');
    assert.match(setCookie, '; Max-Age=43200');
    assert.not.match(setCookie, 'Secure');
    const cookie = setCookie.split(';')[0]!;

    // The link is used up.
    assert.is((await fetch(`${base}/_control/auth/enroll/info`, { method: 'POST', headers: json, body: JSON.stringify({ token }) })).status, 410);

    // Signed in: the API answers, pages open.
    const ping = await fetch(`${base}/_control/api/ping`, { headers: { cookie } });
    assert.equal(await ping.json(), { ok: true, app: 'serving', user: 'alice' });
    assert.is((await fetch(`${base}/_control/traces`, { headers: { cookie } })).status, 200);
    assert.is((await (await fetch(`${base}/_control/auth/session`, { headers: { cookie } })).json() as { authenticated: boolean }).authenticated, true);

    // CSRF: a state-changing call without the session's header is refused.
    assert.is((await fetch(`${base}/_control/auth/logout`, { method: 'POST', headers: { ...json, cookie }, body: '{}' })).status, 403);
    assert.is((await fetch(`${base}/_control/auth/logout`, { method: 'POST', headers: { ...json, cookie, 'x-gati-control-csrf': 'not-it' }, body: '{}' })).status, 403);

    // TOTP login: the code that confirmed the enrollment is used; the next step's works once.
    const replay = await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'alice', code: firstCode }) });
    assert.is(replay.status, 401);
    const nextCode = totpCode(start.secret, Date.now() + 30_000);
    const second = await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'alice', code: nextCode }) });
    assert.is(second.status, 200);
    const secondCookie = second.headers.get('set-cookie')!.split(';')[0]!;
    assert.is.not(secondCookie, cookie, 'a new session id at each login');
    assert.is((await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'alice', code: nextCode }) })).status, 401);

    // Logout with the CSRF header ends that session.
    const out = await fetch(`${base}/_control/auth/logout`, { method: 'POST', headers: { ...json, cookie, 'x-gati-control-csrf': session.csrf }, body: '{}' });
    assert.is(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', 'Max-Age=0');
    assert.is((await fetch(`${base}/_control/api/ping`, { headers: { cookie } })).status, 401);

    // Users and revoke: revoking ends alice's other session.
    const users = gatiSync(['control', 'users', dir]);
    assert.match(users.stdout, /alice\s+passkeys: 0\s+totp: yes\s+sessions: 1/);
    assert.is((await fetch(`${base}/_control/api/ping`, { headers: { cookie: secondCookie } })).status, 200);
    const revoked = gatiSync(['control', 'revoke', 'alice', dir]);
    assert.is(revoked.status, 0, revoked.stderr);
    assert.is((await fetch(`${base}/_control/api/ping`, { headers: { cookie: secondCookie } })).status, 401);
    assert.is(gatiSync(['control', 'revoke', 'alice', dir]).status, 1);

    // The audit log saw it all, and never a code or a token.
    const bob = gatiSync(['control', 'enroll', dir, '--user', 'bob']);
    const bobToken = bob.stdout.trim().split('#').pop()!;
    const bobStart = await (await fetch(`${base}/_control/auth/enroll/totp/start`, { method: 'POST', headers: json, body: JSON.stringify({ token: bobToken }) })).json() as { secret: string };
    const bobIn = await fetch(`${base}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token: bobToken, code: totpCode(bobStart.secret) }) });
    const bobCookie = bobIn.headers.get('set-cookie')!.split(';')[0]!;
    const audit = await (await fetch(`${base}/_control/api/audit`, { headers: { cookie: bobCookie } })).json() as { items: { user: string; action: string }[] };
    const actions = audit.items.map((e) => `${e.user} ${e.action}`);
    for (const expected of ['alice enroll.link', 'alice enroll.totp.failed', 'alice enroll.totp', 'alice login.totp.failed', 'alice login.totp', 'alice logout', 'alice revoke', 'bob enroll.totp']) assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
    const auditText = JSON.stringify(audit);
    for (const secret of [token, bobToken, start.secret, firstCode, nextCode]) assert.not.match(auditText, secret);
    assert.not.match(server.output(), start.secret);
    assert.not.match(server.output(), token);

    // Throttle: 5 wrong codes for a user, then 429 with a Retry-After that grows.
    for (let i = 0; i < 5; i++) {
      const wrong = await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'bob', code: '999999' === totpCode(bobStart.secret) ? '999998' : '999999' }) });
      assert.is(wrong.status, 401);
    }
    const locked = await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'bob', code: totpCode(bobStart.secret, Date.now() + 30_000) }) });
    assert.is(locked.status, 429);
    const firstWait = Number(locked.headers.get('retry-after'));
    assert.ok(firstWait > 0);
    const again = await fetch(`${base}/_control/auth/login/totp`, { method: 'POST', headers: json, body: JSON.stringify({ user: 'bob', code: '123456' }) });
    assert.is(again.status, 429);
    assert.ok(Number(again.headers.get('retry-after')) > firstWait, 'the wait grows');
  } finally {
    await server?.stop();
    removeDir(dir);
  }
});

// Bun.serve and Deno.serve: the same gate, store (node:sqlite there) and TOTP enrollment.
for (const engine of ['bun', 'deno']) {
  test(`gati start --runtime ${engine}: the panel's gate and a TOTP enrollment`, async () => {
    const { dir } = builtFixtureCopy('serving');
    const server = await runServer([GATI_BIN, 'start', '.', '--runtime', engine], dir, { GATI_CONTROL: '1' });
    try {
      assert.is(server.logs.find((l) => l.msg === 'listening')?.engine, engine);
      assert.is((await fetch(`${server.url}/_control/api/ping`)).status, 401);
      const token = gatiSync(['control', 'enroll', dir, '--user', 'eve']).stdout.trim().split('#').pop()!;
      const start = await (await fetch(`${server.url}/_control/auth/enroll/totp/start`, { method: 'POST', headers: json, body: JSON.stringify({ token }) })).json() as { secret: string };
      const confirmed = await fetch(`${server.url}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token, code: totpCode(start.secret) }) });
      assert.is(confirmed.status, 200);
      const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
      assert.equal(await (await fetch(`${server.url}/_control/api/ping`, { headers: { cookie } })).json(), { ok: true, app: 'serving', user: 'eve' });
    } finally {
      await server.stop();
      removeDir(dir);
    }
  });
}

test.run();
