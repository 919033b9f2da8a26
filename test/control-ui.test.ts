// The control panel's single-page app in a real Chromium (Debian's, driven by playwright-core; never a
// downloaded browser) against `gati dev fixtures/payments`: every page renders the running app's data,
// with no console error, no uncaught exception and no CSP violation; a screenshot of each page goes
// to test-output/screenshots/ (ignored by git). A page whose API endpoint a server does not answer
// (404) is checked for its "not provided" notice instead, and the test says so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium, openPanel } from './helpers/panel-page.js';
import { GATI_BIN, copyFixture, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { REPO } from './helpers/paths.js';

const SHOTS = join(REPO, 'test-output', 'screenshots');
const LOAD = 20_000;

let dir: string;
let dev: RunningApp;
let browser: Browser;
/** API paths this server answers 404 to (not merged yet): their pages are checked for the notice. */
const missing = new Set<string>();
const problems: string[] = [];

async function available(path: string): Promise<boolean> {
  const answer = await fetch(`${dev.url}${path}`, { headers: { accept: 'application/json' } });
  await answer.body?.cancel();
  if (answer.status === 404) {
    missing.add(path.split('?')[0]!);
    console.log(`  (skipped: ${path} is not served by this build yet: its page shows the "not provided" notice)`);
    return false;
  }
  assert.is(answer.status, 200, `${path} answered ${answer.status}`);
  return true;
}

/** Console errors that are not the expected 404s of endpoints this build lacks. */
function watch(page: Page): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && !/Content.Security.Policy/i.test(message.text())) return;
    const url = message.location().url ?? '';
    const path = url ? new URL(url).pathname : '';
    if (missing.has(path)) return;
    if (missing.has('/_control/api/stream') && /EventSource/.test(message.text())) return;
    problems.push(`console ${message.type()}: ${message.text()} (${url})`);
  });
}

const open = (page: Page, path: string): Promise<void> => openPanel(page, dev.url, path);

/**
 * Requests a route no earlier step asked for, on the open page, and waits for `selector` (its row) to
 * arrive over the live feed; prints how long it took (the contract says within 2 s: printed, not
 * asserted, as the machine's load decides it).
 */
async function live(page: Page, selector: string, what: string): Promise<void> {
  assert.is(await page.$(selector), null, `${selector} was there before the request`);
  const path = what === 'traces' ? '/health' : '/receipts/r-1.pdf';
  const started = Date.now();
  await fetch(`${dev.url}${path}`).then((r) => r.body?.cancel());
  await page.waitForSelector(selector, { timeout: LOAD });
  console.log(`  (GET ${path} showed live in ${what} after ${Date.now() - started} ms)`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function noticeOr(page: Page, path: string, selector: string): Promise<void> {
  if (missing.has(path)) await page.waitForSelector('main .notice', { timeout: LOAD });
  else await page.waitForSelector(selector, { timeout: LOAD });
}

test.before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = copyFixture('payments');
  // A deploy environment: its regions and components in the topology, the scaling page's rows.
  const config = join(dir, 'gati.config.ts');
  writeFileSync(config, readFileSync(config, 'utf8').replace('  sdk: {', "  deploy: {\n    prod: { provider: 'kubernetes', regions: ['eu-west', 'us-east'], domain: 'pay.example.com', kubeContext: 'prod-{region}', replicas: { min: 2, max: 6 } },\n  },\n  sdk: {"));
  // For the effects page: an effect that fails (one attempt, then dead) while `.fail-flaky` exists.
  writeFileSync(join(dir, '.fail-flaky'), '');
  writeFileSync(
    join(dir, 'src/effects/flaky.ts'),
    "import { existsSync } from 'node:fs';\nexport const retry = { attempts: 1 };\nexport async function run(payload: { note: string }) {\n  if (existsSync('.fail-flaky')) throw new Error(`the flaky service is down (${payload.note})`);\n}\n",
  );
  writeFileSync(
    join(dir, 'src/handlers/flaky.post.ts'),
    "import type { GlobalContext, Req } from 'gati';\nexport async function handler(req: Req<{ body: { note: string } }>, _res: unknown, gctx: GlobalContext) {\n  await gctx.effects.enqueue('flaky', { note: req.body.note });\n  return { queued: true };\n}\n",
  );
  dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'info' });
  // The live feed: its status only (an event stream stays open).
  const abort = new AbortController();
  const stream = await fetch(`${dev.url}/_control/api/stream?topics=logs`, { signal: abort.signal });
  abort.abort();
  if (stream.status === 404) {
    missing.add('/_control/api/stream');
    console.log('  (skipped: /_control/api/stream is not served by this build yet: the pages show "no live feed")');
  }
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  // The scaling test rewrote gati.config: a dev server busy with that rebuild gets 10 s, then is killed.
  if (dev) await Promise.race([dev.stop(), new Promise((resolve) => setTimeout(resolve, 10_000)).then(() => dev.stop('SIGKILL'))]);
  if (dir) removeDir(dir);
});

test('every page renders the running app, with no console error and no CSP violation', async () => {
  problems.length = 0;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  watch(page);
  // Traffic for the live pages.
  for (let i = 0; i < 3; i++) assert.is((await fetch(`${dev.url}/payments`)).status, 200);

  // Overview: the app's name, the dev banner.
  const overview = await available('/_control/api/overview');
  await open(page, '');
  assert.match((await page.textContent('.banner')) ?? '', /open without login: gati dev on loopback/i);
  if (overview) assert.is((await page.textContent('main h1'))?.trim(), 'payments');
  else await page.waitForSelector('main .notice');
  await shot(page, 'overview');

  // Topology: the graph with the fixture's routes; a click on a route opens its detail.
  if (await available('/_control/api/topology')) {
    await open(page, 'topology');
    await page.waitForSelector('[data-testid=topology] .n-route', { timeout: LOAD });
    const routes = await page.$$eval('[data-testid=topology] .n-route', (nodes) => nodes.map((n) => n.getAttribute('data-node')));
    assert.ok(routes.some((id) => id?.includes('/payments')), `route nodes: ${routes.join(', ')}`);
    await shot(page, 'topology');
    await page.click('[data-testid=topology] .n-route[data-node*="GET /payments"]');
    await page.waitForSelector('.detail h3', { timeout: LOAD });
    await page.waitForSelector('.detail .loading', { state: 'detached', timeout: LOAD });
    await shot(page, 'topology-route');
  } else {
    await open(page, 'topology');
    await page.waitForSelector('main .notice');
    await shot(page, 'topology');
  }

  // Traces: the request just made is listed, live; one opens as a waterfall.
  const traces = await available('/_control/api/traces');
  await open(page, 'traces');
  if (traces) {
    // A route not requested before: its row can only come over the live feed (no reload).
    await page.waitForSelector('[data-testid=traces] tr:has-text("/payments")', { timeout: LOAD });
    await live(page, '[data-testid=traces] tr:has-text("/health")', 'traces');
    await shot(page, 'traces');
    await page.click('[data-testid=traces] tbody tr:first-child td:nth-child(2) a');
    await page.waitForSelector('[data-testid=waterfall] .wf-bar', { timeout: LOAD });
    await shot(page, 'trace');
  } else {
    await page.waitForSelector('main .notice');
    await shot(page, 'traces');
  }

  // Logs: the live tail shows a line of a request made while the page is open.
  const logs = await available('/_control/api/logs');
  await open(page, 'logs');
  if (logs) {
    await page.waitForSelector('[data-testid=logs] tbody tr', { timeout: LOAD });
    await live(page, '[data-testid=logs] tr:has-text("GET /receipts/*")', 'logs');
  } else await page.waitForSelector('main .notice');
  await shot(page, 'logs');

  // Metrics: a row per route with traffic.
  const metrics = await available('/_control/api/metrics');
  // The metrics window moves by snapshots: a request now is counted in one of the next ones (live).
  assert.is((await fetch(`${dev.url}/payments`)).status, 200);
  await open(page, 'metrics');
  if (metrics) await page.waitForSelector('[data-testid=metrics] tr:has-text("/payments")', { timeout: LOAD });
  else await page.waitForSelector('main .notice');
  await shot(page, 'metrics');

  await available('/_control/api/effects/dead');
  for (const [name, path, selector] of [
    ['versions', '/_control/api/versions', '[data-testid=versions], main .empty'],
    ['effects', '/_control/api/effects', '[data-testid=effects]'],
    ['modules', '/_control/api/modules', '[data-testid=modules]'],
    ['deployments', '/_control/api/deployments', '[data-testid=deployments], main .empty'],
    ['scaling', '/_control/api/scaling', '[data-testid=scaling], main .empty'],
    ['config', '/_control/api/config', '[data-testid=effective-config]'],
    ['audit', '/_control/api/audit', '[data-testid=audit], main .empty'],
  ] as const) {
    await available(path);
    await open(page, name);
    await noticeOr(page, path, selector);
    await shot(page, name);
  }

  // Login and enroll (public pages): the forms render; an enroll link without a token says so.
  await page.goto(`${dev.url}/_control/login`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.auth-card h1', { timeout: LOAD });
  await shot(page, 'login');
  await page.goto(`${dev.url}/_control/enroll`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.auth-card .notice.error', { timeout: LOAD });
  await shot(page, 'enroll');

  // A dark screenshot of the same app.
  const dark = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const darkPage = await dark.newPage();
  watch(darkPage);
  await open(darkPage, missing.has('/_control/api/traces') ? '' : 'traces');
  await shot(darkPage, 'dark');
  await dark.close();
  await context.close();
  assert.equal(problems, []);
});

test('keyboard: g then a key goes to a page; links change the page without a reload', async () => {
  problems.length = 0;
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page);
  await open(page, '');
  await page.evaluate(() => ((globalThis as Record<string, unknown>).marker = 1));
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await page.waitForURL(/\/_control\/logs$/, { timeout: LOAD });
  await page.click('nav a[href="/_control/metrics"]');
  await page.waitForURL(/\/_control\/metrics$/, { timeout: LOAD });
  await page.waitForSelector('nav a[aria-current=page][href="/_control/metrics"]', { timeout: LOAD });
  assert.is(await page.evaluate(() => (globalThis as Record<string, unknown>).marker), 1, 'the page reloaded');
  await page.goBack();
  await page.waitForURL(/\/_control\/logs$/, { timeout: LOAD });
  await context.close();
  assert.equal(problems, []);
});

test('effects: a dead job shows its payload and error, and Retry runs it again to completion', async () => {
  problems.length = 0;
  // An effect of this copy only: it fails while the app's `.fail-flaky` file exists.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  watch(page);
  const enqueued = await fetch(`${dev.url}/flaky`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'fails first' }) });
  assert.is(enqueued.status, 200, await enqueued.text());
  await open(page, 'effects?effect=flaky');
  // The job dies after its one attempt; the page shows it on a refresh.
  const row = '[data-testid=dead-jobs] tbody tr:has-text("flaky")';
  for (let i = 0; i < 40 && !(await page.$(row)); i++) {
    await page.waitForTimeout(500);
    await page.click('main .page-header button:has-text("Refresh")');
  }
  await page.waitForSelector(row, { timeout: LOAD });
  assert.match((await page.textContent(row))!, 'the flaky service is down');
  assert.match((await page.textContent(row))!, 'fails first');
  await shot(page, 'effects-dead');
  rmSync(join(dir, '.fail-flaky'));
  await page.click(`${row} button:has-text("Retry")`);
  await page.waitForSelector('main .notice[role=status]', { timeout: LOAD });
  const said = await page.textContent('main .notice[role=status]');
  assert.ok(await page.$('main .notice.ok[role=status]'), `the retry: ${said}`);
  // It completes: counted done, no longer dead.
  const done = '[data-testid=effects] tbody tr:has-text("flaky") td:nth-child(5)';
  for (let i = 0; i < 40 && (await page.textContent(done))?.trim() !== '1'; i++) {
    await page.waitForTimeout(500);
    await page.click('main .page-header button:has-text("Refresh")');
  }
  assert.is((await page.textContent(done))?.trim(), '1');
  await page.waitForSelector('main .empty:has-text("No dead job")', { timeout: LOAD });
  await context.close();
  assert.equal(problems, []);
});

test('modules: each module with its kind and source; a swap from the page, confirmed first, shows the new source, and a refused one its error', async () => {
  problems.length = 0;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  watch(page);
  writeFileSync(join(dir, 'ledger-panel.mjs'), 'export async function listPayments() { return { items: [], total: 0 }; }\n');
  await open(page, 'modules');
  const row = '[data-testid=modules] tbody tr:has-text("ledger")';
  await page.waitForSelector(row, { timeout: LOAD });
  assert.match((await page.textContent(`${row} td:nth-child(2)`)) ?? '', 'local');
  assert.match((await page.textContent(`${row} [data-testid=module-source]`)) ?? '', 'src/modules/ledger');
  await page.click(`${row} a:has-text("Swap…")`);
  await page.waitForURL(/\/_control\/modules\?module=ledger$/, { timeout: LOAD });
  // A source that does not exist: the error is shown, nothing changed.
  await page.fill('input[name=to]', './missing.mjs');
  await page.click('form button:has-text("Swap…")');
  await page.click('[role=alertdialog] button:has-text("Confirm swap")');
  await page.waitForSelector('[data-testid=swap-outcome].error', { timeout: LOAD });
  assert.match((await page.textContent('[data-testid=swap-outcome]')) ?? '', 'does not exist');
  // A module file of the app: confirmed, then the table shows the worker and its file.
  await page.fill('input[name=to]', './ledger-panel.mjs');
  await page.click('form button:has-text("Swap…")');
  assert.match((await page.textContent('[role=alertdialog]')) ?? '', 'to ./ledger-panel.mjs?');
  await page.click('[role=alertdialog] button:has-text("Confirm swap")');
  await page.waitForSelector('[data-testid=swap-outcome].ok', { timeout: LOAD });
  await page.waitForSelector(`${row} [data-testid=module-source]:has-text("ledger-panel.mjs")`, { timeout: LOAD });
  assert.match((await page.textContent(`${row} td:nth-child(2)`)) ?? '', 'worker');
  await shot(page, 'modules-swapped');
  const listed = (await (await fetch(`${dev.url}/_control/api/modules`)).json()) as { items: { name: string; kind: string; source: string; swaps: number }[] };
  const ledger = listed.items.find((m) => m.name === 'ledger')!;
  assert.equal({ kind: ledger.kind, source: ledger.source, swaps: ledger.swaps }, { kind: 'worker', source: join(dir, 'ledger-panel.mjs'), swaps: 1 });
  await context.close();
  // The browser logs the refused swap's 400 answer, which this test asked for; nothing else.
  const refused = problems.filter((p) => /status of 400/.test(p) && p.includes('/_control/api/modules/ledger/swap'));
  assert.is(refused.length, 1, problems.join('\n'));
  assert.equal(problems.filter((p) => !refused.includes(p)), []);
});

test('config and scaling: an edit is checked, previewed as a diff of gati.config with its command, and applied on confirm', async () => {
  problems.length = 0;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  watch(page);

  await open(page, 'config');
  await page.fill('input[aria-label="effects.concurrency"]', '6');
  await page.click('button:has-text("Preview 1 change")');
  await page.waitForSelector('.plan .diff-add:has-text("concurrency: 6")', { timeout: LOAD });
  await page.click('.plan button:has-text("Cancel")');
  await page.waitForSelector('.plan', { state: 'detached', timeout: LOAD });

  await open(page, 'scaling');
  await page.waitForSelector('[data-testid=scaling] tr:has-text("prod")', { timeout: LOAD });
  await page.fill('input[aria-label="prod api min"]', '3');
  await page.fill('input[aria-label="prod api max"]', '8');
  await page.click('[data-testid=scaling] tr:has-text("api") button:has-text("Preview")');
  await page.waitForSelector('.plan .diff-add:has-text("min: 3, max: 8")', { timeout: LOAD });
  assert.match((await page.textContent('.plan pre.command'))!, 'gati deploy prod');
  await shot(page, 'scaling-preview');
  await page.click('.plan button:has-text("Confirm and apply")');
  await page.waitForSelector('.plan .notice.ok', { timeout: LOAD });
  assert.match(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), 'replicas: { min: 3, max: 8 }');
  console.log('  (scaling applied)');
  await context.close();
  assert.equal(problems, []);
});

test.run();
