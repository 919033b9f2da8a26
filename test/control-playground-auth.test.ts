// The playground page's auth presets in real Chromium against `gati dev` of a tiny app this test
// writes: GET /private/whoami behind bearerAuth (gati/middleware), POST /session/login that sets a
// session cookie and GET /session/me that reads it. Each preset's header or cookie reaches the
// server: 401 without it, 200 with it, and the handler echoes what it saw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GATI_BIN, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { REPO } from './helpers/paths.js';
import { LOAD, launchChromium, screenshot, watchProblems } from './helpers/panel-page.js';

const TOKEN = 'pg-token-1';
const APP: Record<string, string> = {
  'package.json': '{ "name": "authapp", "private": true, "type": "module", "dependencies": { "gati": "*" } }\n',
  'gati.config.ts': "import { defineConfig } from 'gati';\n\nexport default defineConfig({ name: 'authapp' });\n",
  'src/handlers/private/_middleware.ts': `import { bearerAuth } from 'gati/middleware';\n\nexport const middleware = [bearerAuth({ tokens: ['${TOKEN}'] })];\n`,
  'src/handlers/private/whoami.ts': [
    "import type { Handler } from 'gati';",
    '',
    '// The token bearerAuth matched (the first 8 hex digits of its SHA-256).',
    'export const handler: Handler<{}, { 200: { tokenId: string } }> = (_req, _res, _gctx, lctx) => ({ tokenId: (lctx.state.auth as { tokenId: string }).tokenId });',
    '',
  ].join('\n'),
  'src/handlers/session/login.post.ts': [
    "import type { Handler } from 'gati';",
    '',
    'export const handler: Handler<{ body: { user: string } }, { 200: { user: string } }> = (req, res) => {',
    "  res.headers['set-cookie'] = `sid=${encodeURIComponent(req.body.user)}; Path=/; HttpOnly; SameSite=Lax`;",
    '  return { user: req.body.user };',
    '};',
    '',
  ].join('\n'),
  'src/handlers/session/me.ts': [
    "import type { Handler } from 'gati';",
    "import { HttpError } from 'gati';",
    '',
    '// The session the cookie names, or a 401 without one.',
    "export const handler: Handler<{ headers: { cookie?: string } }, { 200: { user: string }; 401: { error: 'NoSession' } }> = (req) => {",
    "  const sid = /(?:^|;\\s*)sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];",
    "  if (!sid) throw new HttpError(401, { error: 'NoSession' });",
    '  return { user: decodeURIComponent(sid) };',
    '};',
    '',
  ].join('\n'),
};

let dir: string;
let dev: RunningApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gati-authapp-'));
  for (const [file, text] of Object.entries(APP)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  dev = await runServer([GATI_BIN, 'dev', '.'], dir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  watchProblems(page, problems);
  await page.goto(`${dev.url}/_control/playground`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('[data-testid=playground]', { timeout: LOAD });
});

test.after(async () => {
  await browser?.close();
  await dev?.stop();
  if (dir) removeDir(dir);
});

async function pick(route: string): Promise<void> {
  await page.click(`button[data-route="${route}"]`);
  await page.waitForSelector(`[data-testid=pg-editor] .pg-title:has-text("${route.split(' ')[1]}")`, { timeout: LOAD });
}

async function preset(kind: 'none' | 'bearer token' | 'cookie session'): Promise<void> {
  await page.check(`.pg-auth label:has-text("${kind}") input[type=radio]`);
}

/** Sends the selected request; its status and body as the page shows them. */
async function send(): Promise<{ status: number; body: unknown }> {
  const before = await page.$$eval('[data-testid=pg-history] li', (items) => items.length);
  await page.click('[data-testid=pg-send]');
  await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=pg-history] li').length > n, before, { timeout: LOAD });
  await page.waitForSelector('[data-testid=pg-body]', { timeout: LOAD });
  const status = Number(await page.textContent('[data-testid=pg-response] .row .badge'));
  return { status, body: JSON.parse((await page.textContent('[data-testid=pg-body]')) ?? 'null') };
}

test('bearer token: none is a 401 from bearerAuth; the token, typed or from a {{variable}}, reaches the server', async () => {
  await pick('GET /private/whoami');
  await preset('none');
  assert.is((await send()).status, 401);
  await preset('bearer token');
  await page.fill('input[aria-label="Bearer token"]', 'not-the-token');
  assert.is((await send()).status, 401);
  await page.fill('input[aria-label="Bearer token"]', TOKEN);
  const typed = await send();
  assert.is(typed.status, 200);
  assert.match(JSON.stringify(typed.body), /"tokenId":"[0-9a-f]{8}"/);
  await screenshot(page, 'playground-bearer');
  await page.fill('textarea[aria-label=Variables]', JSON.stringify({ token: TOKEN }));
  await page.fill('input[aria-label="Bearer token"]', '{{token}}');
  assert.equal(await send(), typed);
  assert.equal(problems.filter((p) => !/status of 401/.test(p)), []);
});

test('cookie session: the cookie a login sent with this preset sets is sent from then on with it, and by no other preset', async () => {
  // A login sent with another preset: the browser does not keep its cookie (the request omits credentials).
  await pick('POST /session/login');
  await preset('none');
  await page.fill('textarea[aria-label=Body]', JSON.stringify({ user: 'bob' }));
  assert.equal(await send(), { status: 200, body: { user: 'bob' } });
  await pick('GET /session/me');
  await preset('cookie session');
  assert.is((await send()).status, 401, 'no session yet');
  await pick('POST /session/login');
  await page.fill('textarea[aria-label=Body]', JSON.stringify({ user: 'asha' }));
  assert.equal(await send(), { status: 200, body: { user: 'asha' } });
  await pick('GET /session/me');
  assert.equal(await send(), { status: 200, body: { user: 'asha' } });
  await screenshot(page, 'playground-cookie');
  // The other presets send no cookie, though the browser keeps it.
  await preset('none');
  assert.is((await send()).status, 401);
  await preset('bearer token');
  assert.is((await send()).status, 401);
  await preset('cookie session');
  assert.is((await send()).status, 200);
  assert.equal(problems.filter((p) => !/status of 401/.test(p)), []);
});

test.run();
