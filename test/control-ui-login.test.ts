// Signing in to the panel in a real Chromium under `gati start` with the panel enabled: a page
// without a session goes to the login page; the enrollment link registers a passkey (a CDP virtual
// authenticator) and then an authenticator app (the QR code shown, the code computed here); signing
// out and in again with the passkey, then with a TOTP code, opens the panel. No console error, no
// CSP violation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP, Secret } from 'otpauth';
import { chromium, type Page } from 'playwright-core';
import { GATI_BIN, builtFixtureCopy, gatiSync, removeDir, runServer } from './helpers/server.js';
import { REPO } from './helpers/paths.js';

const SHOTS = join(REPO, 'test-output', 'screenshots');
const LOAD = 20_000;
const totpCode = (secret: string, timestamp: number) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });

async function signOut(page: Page): Promise<void> {
  await page.click('nav button:has-text("Sign out")');
  await page.waitForURL(/\/_control\/login$/, { timeout: LOAD });
  await page.waitForSelector('.auth-card button:has-text("Sign in with a passkey")', { timeout: LOAD });
}

test('enroll a passkey and a TOTP app from the link, sign out, sign in with each', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { dir } = builtFixtureCopy('serving');
  // `gati build` put the panel beside the server bundle: that copy is what `gati start` serves.
  assert.ok(existsSync(join(dir, 'dist/control-ui/index.html')) && existsSync(join(dir, 'dist/control-ui/assets/app.js')), 'dist/control-ui is written');
  const server = await runServer([GATI_BIN, 'start', '.'], dir, { GATI_CONTROL: '1' });
  // WebAuthn needs a domain, not an IP address: localhost is a secure context too.
  const base = server.url.replace('127.0.0.1', 'localhost');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const problems: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    // No session: a page opens the login page.
    await page.goto(`${base}/_control/traces`, { waitUntil: 'domcontentloaded' });
    await page.waitForURL(/\/_control\/login/, { timeout: LOAD });
    await page.waitForSelector('.auth-card h1', { timeout: LOAD });

    // The one-time link: a passkey first (it uses the link up and signs in), then an authenticator app.
    const enroll = gatiSync(['control', 'enroll', dir, '--user', 'ada', '--base-url', base]);
    assert.is(enroll.status, 0, enroll.stderr);
    const link = enroll.stdout.trim().split('\n').pop()!;
    assert.ok(link.startsWith(`${base}/_control/enroll#`), link);
    await page.goto(link, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.auth-card strong:has-text("ada")', { timeout: LOAD });
    await page.click('button:has-text("Register a passkey")');
    await page.waitForSelector('.notice.ok:has-text("a passkey")', { timeout: LOAD });
    await page.click('button:has-text("Use an authenticator app")');
    await page.waitForSelector('img.qr', { timeout: LOAD });
    await page.screenshot({ path: join(SHOTS, 'enroll-totp.png') });
    const secret = (await page.textContent('.auth-card p.small code'))!.trim();
    await page.fill('input[name=code]', totpCode(secret, Date.now()));
    await page.click('button:has-text("Confirm")');
    await page.waitForSelector('.notice.ok:has-text("an authenticator app")', { timeout: LOAD });

    // Signed in: the panel opens with the app's data.
    await page.click('.notice.ok a');
    await page.waitForSelector('main h1:has-text("serving")', { timeout: LOAD });
    assert.match((await page.textContent('nav .nav-foot'))!, 'ada');

    // Out, and in with the passkey.
    await signOut(page);
    await page.screenshot({ path: join(SHOTS, 'login-form.png') });
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForSelector('main h1:has-text("serving")', { timeout: LOAD });

    // Out, and in with a TOTP code (the next step's: the confirming code was used once already).
    await signOut(page);
    await page.fill('input[name=user]', 'ada');
    await page.fill('input[name=code]', totpCode(secret, Date.now() + 30_000));
    await page.click('button:has-text("Sign in with a code")');
    await page.waitForSelector('main h1:has-text("serving")', { timeout: LOAD });
    assert.equal(problems, []);
  } catch (error) {
    // What the page showed when it went wrong.
    for (const open of browser.contexts().flatMap((c) => c.pages())) {
      console.log(`  (the page was at ${open.url()})`);
      await open.screenshot({ path: join(SHOTS, 'login-failure.png') }).catch(() => {});
    }
    throw error;
  } finally {
    await browser.close();
    await server.stop();
    removeDir(dir);
  }
});

test.run();
