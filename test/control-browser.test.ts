// The control panel's login in real Chromium (playwright-core, /usr/bin/chromium, never a download):
// passkey enrollment through the one-time link and passkey login through a CDP virtual authenticator;
// TOTP enrollment (the QR code rendered under the panel's CSP) and TOTP login with the code
// computed here. The pages are a stand-in (test/fixtures-control/auth-page.js) served by the panel
// from the app's dist/control-ui/, as the UI's own pages are.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { TOTP, Secret } from 'otpauth';
import { REPO } from './helpers/paths.js';
import { GATI_BIN, builtFixtureCopy, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });

let dir = '';
let server: RunningApp | undefined;
let browser: Browser | undefined;
let base = '';

test.before(async () => {
  ({ dir } = builtFixtureCopy('serving'));
  const ui = join(dir, 'dist/control-ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>auth</title><script type="module" src="/_control/assets/auth-page.js"></script></head><body></body></html>');
  await build({ entryPoints: [join(REPO, 'test/fixtures-control/auth-page.js')], bundle: true, format: 'esm', target: 'es2022', outfile: join(ui, 'assets/auth-page.js'), logLevel: 'silent' });
  server = await runServer([GATI_BIN, 'start', '.'], dir, { GATI_CONTROL: '1' });
  // Passkeys need a host name (the relying party id): localhost, not 127.0.0.1.
  base = server.url.replace('127.0.0.1', 'localhost');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

test.after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) removeDir(dir);
});

function enrollLink(user: string): string {
  const out = gatiSync(['control', 'enroll', dir, '--user', user, '--base-url', base]);
  assert.is(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').pop()!;
}

test('passkey: enrollment through the link, then login with the same authenticator', async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  await page.goto(enrollLink('pat'));
  await page.waitForFunction(() => 'gatiAuth' in globalThis);
  const enrolled = await page.evaluate(() => (globalThis as any).gatiAuth.enrollPasskey());
  assert.is(enrolled.status, 200, JSON.stringify(enrolled.body));
  assert.is(enrolled.body.user, 'pat');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.is(credentials.length, 1);
  assert.ok(credentials[0]!.isResidentCredential);

  const cookie = (await context.cookies()).find((c) => c.name === 'gati_control')!;
  assert.ok(cookie, 'the session cookie is set');
  assert.is(cookie.httpOnly, true);
  assert.is(cookie.sameSite, 'Strict');
  assert.is(cookie.path, '/');
  assert.is(cookie.secure, false);
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.whoami())).body.user, 'pat');

  // Signed out, the login page signs pat in with the passkey alone.
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.logout())).status, 200);
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.whoami())).status, 401);
  await page.goto(`${base}/_control/login`);
  await page.waitForFunction(() => 'gatiAuth' in globalThis);
  const login = await page.evaluate(() => (globalThis as any).gatiAuth.loginPasskey());
  assert.is(login.status, 200, JSON.stringify(login.body));
  assert.is(login.body.user, 'pat');
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.whoami())).body.user, 'pat');
  const users = gatiSync(['control', 'users', dir]);
  assert.match(users.stdout, /pat\s+passkeys: 1\s+totp: no/);
  await context.close();
});

test('TOTP: the QR code renders under the CSP, a code confirms it, another signs in', async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(enrollLink('tess'));
  await page.waitForFunction(() => 'gatiAuth' in globalThis);
  const started = await page.evaluate(() => (globalThis as any).gatiAuth.startTotp());
  assert.match(started.otpauthUrl, /^otpauth:\/\/totp\//);
  assert.ok(started.qrWidth > 0, 'the QR code is drawn');
  const confirmed = await page.evaluate((code) => (globalThis as any).gatiAuth.confirmTotp(code), totpCode(started.secret));
  assert.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.logout())).status, 200);

  await page.goto(`${base}/_control/login`);
  await page.waitForFunction(() => 'gatiAuth' in globalThis);
  const login = await page.evaluate((code) => (globalThis as any).gatiAuth.loginTotp('tess', code), totpCode(started.secret, Date.now() + 30_000));
  assert.is(login.status, 200, JSON.stringify(login.body));
  assert.is((await page.evaluate(() => (globalThis as any).gatiAuth.whoami())).body.user, 'tess');
  assert.equal(violations, []);
  await context.close();
});

test.run();
