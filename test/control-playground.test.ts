// The playground page of the control panel in real Chromium (Debian's, via playwright-core) against
// `gati dev` of a copy of fixtures/payments: a two-step flow built in the page (create a payment; a
// post-script saves its id with gati.env.set; capture it with {{paymentId}}) runs green, is saved
// as playground/e2e.flow.json, runs again after a reload, and runs green with `gati playground run`.
// A pre-request script that never ends shows its time-out with the line and the page keeps working.
// The endpoints behind it (routes with their schemas, flows, the .wasm) are checked over HTTP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TOTP, Secret } from 'otpauth';
import { GATI_BIN, builtFixtureCopy, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { REPO } from './helpers/paths.js';
import type { PlaygroundRoutes } from '../runtime-shim/control/playground/playground-types.js';

const SHOTS = join(REPO, 'test-output', 'screenshots');
const WAIT = 30_000;

let dir: string;
let dev: RunningApp;
let browser: Browser;
const problems: string[] = [];

test.before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = copyFixture('payments');
  dev = await runServer([GATI_BIN, 'dev', '.'], dir);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

test.after(async () => {
  await browser?.close();
  await dev?.stop();
  if (dir) removeDir(dir);
});

async function csrf(): Promise<string> {
  const session = (await (await fetch(`${dev.url}/_control/auth/session`)).json()) as { csrf?: string };
  return session.csrf ?? '';
}

test('the endpoints: routes with their schemas, the sandbox as application/wasm, flows checked before they are written', async () => {
  const routes = (await (await fetch(`${dev.url}/_control/api/playground/routes`)).json()) as PlaygroundRoutes;
  const create = routes.routes.find((r) => r.key === 'POST /payments');
  assert.ok(create, routes.routes.map((r) => r.key).join(', '));
  assert.is(create!.kind, 'http');
  assert.ok(create!.input.body && JSON.stringify(create!.input.body).includes('"amount"'), 'the schema of the body');
  assert.ok(create!.responses['201'], JSON.stringify(create!.responses));

  const wasm = await fetch(`${dev.url}/_control/assets/quickjs.wasm`);
  assert.is(wasm.status, 200);
  assert.is(wasm.headers.get('content-type'), 'application/wasm');
  assert.match(wasm.headers.get('content-security-policy') ?? '', /script-src 'self' 'wasm-unsafe-eval';/);
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.equal([...bytes.slice(0, 4)], [0, 0x61, 0x73, 0x6d], 'the WebAssembly magic number, byte for byte');

  const post = async (body: unknown) => fetch(`${dev.url}/_control/api/playground/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gati-control-csrf': await csrf() }, body: JSON.stringify(body) });
  assert.is((await post({ name: '../evil', text: '{"steps":[]}' })).status, 400);
  const bad = await post({ name: 'bad', text: JSON.stringify({ steps: [{ name: 'x', route: 'POST /nope', psot: '' }] }) });
  assert.is(bad.status, 422);
  const detail = ((await bad.json()) as { detail: string }).detail;
  assert.match(detail, /the app has no route POST \/nope/);
  assert.match(detail, /unknown key "psot"/);
  assert.not.ok(existsSync(join(dir, 'playground', 'bad.flow.json')));
  const list = (await (await fetch(`${dev.url}/_control/api/playground/flows`)).json()) as { flows: { name: string }[] };
  assert.ok(list.flows.some((f) => f.name === 'checkout'), 'the fixture\'s own flow is listed');
});

async function pick(page: Page, route: string): Promise<void> {
  await page.click(`button[data-route="${route}"]`);
  await page.waitForSelector(`[data-testid=pg-editor] .pg-title:has-text("${route.split(' ')[1]}")`, { timeout: WAIT });
}

const CREATE_BODY = { amount: 1200, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com', method: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 }, items: [{ sku: 'tea', quantity: 2, unitAmount: 600 }] };

test('a two-step flow built in the page runs, is saved, runs again after a reload and with gati playground run; a runaway script times out', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  try {
    await page.goto(`${dev.url}/_control/playground`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=playground]', { timeout: WAIT });

    // Step 1: create a payment. A body that breaks the type is flagged as you type.
    await pick(page, 'POST /payments');
    await page.fill('textarea[aria-label=Body]', JSON.stringify({ ...CREATE_BODY, amount: 'twelve' }));
    await page.waitForSelector('[data-testid=pg-body-errors]:has-text("/amount")', { timeout: WAIT });
    await page.fill('textarea[aria-label=Body]', JSON.stringify(CREATE_BODY, null, 2));
    await page.waitForSelector('[data-testid=pg-body-valid]', { timeout: WAIT });
    await page.fill('input[aria-label="Step name"]', 'create a payment');
    await page.fill('textarea[aria-label="Post-response script"]', "gati.test('created', () => gati.expect(gati.response.status).toBe(201));\ngati.env.set('paymentId', gati.response.body.id);");
    await page.click('[data-testid=pg-send]');
    await page.waitForSelector('[data-testid=pg-response] .pg-checks li:has-text("created")', { timeout: WAIT });
    const response = (await page.textContent('[data-testid=pg-response]')) ?? '';
    assert.match(response, /201/);
    assert.match(response, /the 201 body matches the declared type/);
    assert.is(await page.$$eval('[data-testid=pg-response] .pg-checks li[data-passed=false]', (l) => l.length), 0, response);
    assert.match(await page.inputValue('textarea[aria-label=Variables]'), /"paymentId": "/);
    await page.click('[data-testid=pg-add-step]');

    // Step 2: capture it, with the id the post-script saved.
    await pick(page, 'POST /payments/:id/capture');
    await page.fill('input[data-param=id]', '{{paymentId}}');
    await page.fill('textarea[aria-label=Body]', JSON.stringify({ amount: 1200, currency: 'USD' }));
    await page.fill('input[aria-label="Step name"]', 'capture it');
    await page.fill('textarea[aria-label="Post-response script"]', "gati.test('accepted', () => gati.expect(gati.response.status).toBe(202));");
    await page.click('[data-testid=pg-add-step]');
    await page.waitForSelector('[data-testid=pg-steps] li:nth-child(2)', { timeout: WAIT });

    // Run the flow in the page, save it, reload and run the saved one.
    await page.fill('input[aria-label="Flow name"]', 'e2e');
    await page.click('[data-testid=pg-run-flow]');
    await page.waitForSelector('[data-testid=pg-flow-result]', { timeout: WAIT });
    assert.is(await page.getAttribute('[data-testid=pg-flow-result]', 'data-passed'), 'true', (await page.textContent('[data-testid=pg-steps]')) ?? '');
    await page.click('[data-testid=pg-save-flow]');
    await page.waitForSelector('[data-testid=pg-flow-message]:has-text("Saved playground/e2e.flow.json")', { timeout: WAIT });
    const saved = readFileSync(join(dir, 'playground', 'e2e.flow.json'), 'utf8');
    assert.match(saved, /"route": "POST \/payments\/:id\/capture"/);
    assert.match(saved, /"id": "\{\{paymentId\}\}"/);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('button[data-flow=e2e]', { timeout: WAIT });
    await page.click('button[data-flow=e2e]');
    await page.waitForSelector('[data-testid=pg-steps] li:nth-child(2)', { timeout: WAIT });
    await page.click('[data-testid=pg-run-flow]');
    await page.waitForSelector('[data-testid=pg-flow-result]', { timeout: WAIT });
    assert.is(await page.getAttribute('[data-testid=pg-flow-result]', 'data-passed'), 'true', (await page.textContent('[data-testid=pg-steps]')) ?? '');
    assert.ok((await page.textContent('[data-testid=pg-history]'))?.includes('POST /payments'), 'the request sent earlier is in the history after the reload');
    await page.screenshot({ path: join(SHOTS, 'playground.png') });

    // A pre-request script that never ends: stopped, shown with its line; the page goes on working.
    await pick(page, 'GET /payments');
    await page.fill('textarea[aria-label="Pre-request script"]', 'while (true) {}');
    await page.click('[data-testid=pg-send]');
    await page.waitForSelector('[data-testid=pg-response] li[data-passed=false]:has-text("longer than 100 ms")', { timeout: WAIT });
    assert.match((await page.textContent('[data-testid=pg-response]')) ?? '', /pre-request script, line 1/);
    await page.screenshot({ path: join(SHOTS, 'playground-timeout.png') });
    await page.fill('textarea[aria-label="Pre-request script"]', '');
    await page.click('[data-testid=pg-send]');
    await page.waitForSelector('[data-testid=pg-response] .pg-checks li:has-text("the 200 body matches the declared type")', { timeout: WAIT });
    assert.equal(problems, []);
  } finally {
    await page.close();
  }

  const cli = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [GATI_BIN, 'playground', 'run', dir, '--flow', 'e2e', '--base-url', dev.url], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, out: stdout + stderr }),
    );
  });
  assert.is(cli.code, 0, cli.out);
  assert.match(cli.out, /1 flow, 2 steps \(0 failed\)/);
});

// Under `gati start` with the panel on: the page is behind the login (a user enrolled with a TOTP app).
test('a WebSocket route (gati start, signed in): connect with its params and query, a message that breaks the `in` type is held back, a received one is type-checked and asserted on in a script', async () => {
  const { dir: chatDir, built } = builtFixtureCopy('ws-chat');
  assert.is(built.status, 0, built.stderr);
  const chat = await runServer([GATI_BIN, 'start', '.'], chatDir, { GATI_CONTROL: '1' });
  const base = chat.url.replace('127.0.0.1', 'localhost');
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${base}/_control/playground`, { waitUntil: 'domcontentloaded' });
    await page.waitForURL(/\/_control\/login/, { timeout: WAIT });
    const enroll = gatiSync(['control', 'enroll', chatDir, '--user', 'ada', '--base-url', base]);
    assert.is(enroll.status, 0, enroll.stderr);
    await page.goto(enroll.stdout.trim().split('\n').pop()!, { waitUntil: 'domcontentloaded' });
    await page.click('button:has-text("Use an authenticator app")');
    await page.waitForSelector('img.qr', { timeout: WAIT });
    const secret = (await page.textContent('.auth-card p.small code'))!.trim();
    await page.fill('input[name=code]', new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate());
    await page.click('button:has-text("Confirm")');
    await page.waitForSelector('.notice.ok:has-text("an authenticator app")', { timeout: WAIT });
    await page.goto(`${base}/_control/playground`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=playground]', { timeout: WAIT });
    await pick(page, 'WS /rooms/:room');
    await page.fill('input[data-param=room]', 'lobby');
    await page.fill('input[aria-label="query name"]', 'asha');
    await page.fill('textarea[aria-label="Post-response script"]', "gati.test('a said or joined message', () => gati.expect(['said', 'joined']).toContain(gati.response.body.type));");
    await page.click('[data-testid=pg-ws-connect]');
    await page.waitForSelector('[data-testid=pg-ws-messages][data-open=true]', { timeout: WAIT });
    await page.fill('textarea[aria-label=Message]', JSON.stringify({ type: 'shout', text: 'hi' }));
    await page.waitForSelector('[data-testid=pg-ws-errors]', { timeout: WAIT });
    assert.ok(await page.isDisabled('[data-testid=pg-ws-send]'), 'a message that breaks the in type is not sent');
    await page.fill('textarea[aria-label=Message]', JSON.stringify({ type: 'say', text: 'hello from the playground' }));
    await page.click('[data-testid=pg-ws-send]');
    await page.waitForSelector('[data-testid=pg-ws-messages] li[data-direction=sent]:has-text("hello from the playground")', { timeout: WAIT });
    // The room publishes the message to every subscriber, its sender included.
    const said = '[data-testid=pg-ws-messages] li[data-direction=received]:has-text("hello from the playground")';
    await page.waitForSelector(said, { timeout: WAIT }).catch(async (error: Error) => {
      throw new Error(`${error.message}\nthe session shows: ${await page.textContent('[data-testid=pg-ws-messages]')}`);
    });
    const checks = await page.$$eval(`${said} .pg-checks li`, (items) => items.map((li) => `${li.getAttribute('data-passed')} ${li.textContent}`));
    assert.ok(checks.some((c) => c.startsWith('true') && c.includes('the message matches the declared type')), checks.join('\n'));
    assert.ok(checks.some((c) => c.startsWith('true') && c.includes('a said or joined message')), checks.join('\n'));
    await page.screenshot({ path: join(SHOTS, 'playground-websocket.png') });
    assert.equal(errors, []);
  } finally {
    await page.close();
    await chat.stop();
    removeDir(chatDir);
  }
});

test.run();
