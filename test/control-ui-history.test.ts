// The Versions and Deployments pages in real Chromium with real history, on a copy of fixtures/payments:
// two API versions released by real `gati build`s (1.0.0, then 1.1.0 adding GET /refunds), and four
// deployments of a `prod` environment by real `gati deploy` (1.0.0's, 1.1.0's, a `--rollback` to the
// first, then a config change), with docker and kubectl as recording executables first on PATH (no
// cluster here, as in test/deploy.test.ts). The pages show each version with its time, routes and
// traffic, the diff both ways, each deployment with its environment, version, time and status, and a
// rollback's preview: the files and `gati deploy prod --rollback` for the previous deployment (run by
// hand), a pinned image tag in gati.config for an older one (applied from the page).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GATI_BIN, copyFixture, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { LOAD, launchChromium, openPanel, screenshot, watchProblems } from './helpers/panel-page.js';
import type { DeploymentRecord } from '../runtime-shim/deploy-records.js';

let dir: string;
let dev: RunningApp;
let browser: Browser;
let record: DeploymentRecord;
/** The released versions' timestamps, from their snapshots (.gati/versions/<timestamp>.json). */
let stamps: string[];

function gati(args: string[]): string {
  const tools = join(dir, '.tools');
  const run = spawnSync(process.execPath, [GATI_BIN, ...args, dir], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', PATH: `${tools}:${process.env.PATH}`, GATI_TEST_LOG: join(tools, 'commands.log'), KUBECONFIG: join(tools, 'kubeconfig') },
  });
  assert.is(run.status, 0, `gati ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

test.before(async () => {
  dir = copyFixture('payments');
  const config = join(dir, 'gati.config.ts');
  const prod = "prod: { provider: 'kubernetes', regions: ['eu-west'], domain: 'pay.example.com', kubeContext: 'prod-{region}', image: { repository: 'ghcr.io/acme/payments' }, replicas: { min: 2, max: 6 }, effects: { backend: 'redis' }, secrets: { REDIS_URL: { secret: 'payments-redis', key: 'url' } } }";
  writeFileSync(config, readFileSync(config, 'utf8').replace('  sdk: {', `  deploy: {\n    ${prod},\n  },\n  sdk: {`));
  mkdirSync(join(dir, '.tools'));
  for (const tool of ['docker', 'kubectl']) {
    writeFileSync(join(dir, '.tools', tool), '#!/bin/sh\nprintf \'%s\\n\' "$(basename "$0") $*" >> "$GATI_TEST_LOG"\nexit 0\n');
    chmodSync(join(dir, '.tools', tool), 0o755);
  }
  assert.match(gati(['build']), 'version  1.0.0 (initial)');
  gati(['deploy', 'prod']);
  writeFileSync(join(dir, 'src/handlers/refunds.ts'), 'export async function handler() {\n  return { items: [] as { id: string; amount: number }[] };\n}\n');
  assert.match(gati(['build']), 'version  1.1.0 (minor: 1 change)');
  gati(['deploy', 'prod']);
  assert.match(gati(['deploy', 'prod', '--rollback']), 'rolled back prod to');
  writeFileSync(config, readFileSync(config, 'utf8').replace('max: 6 }', 'max: 9 }'));
  gati(['deploy', 'prod']);
  record = JSON.parse(readFileSync(join(dir, '.gati/deployments/prod.json'), 'utf8')) as DeploymentRecord;
  assert.is(record.history.length, 4);
  stamps = readdirSync(join(dir, '.gati/versions')).filter((n) => n.endsWith('.json')).sort().map((n) => n.slice(0, -'.json'.length).replace(/T(\d\d)-(\d\d)-(\d\d)Z/, 'T$1:$2:$3Z'));
  assert.is(stamps.length, 2);
  dev = await runServer([GATI_BIN, 'dev', '.'], dir);
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  // The rollback test rewrote gati.config: a dev server busy with that rebuild gets 10 s.
  if (dev) await Promise.race([dev.stop(), new Promise((resolve) => setTimeout(resolve, 10_000)).then(() => dev.stop('SIGKILL'))]);
  if (dir) removeDir(dir);
});

async function newPage(problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  watchProblems(page, problems);
  return page;
}

/** The route, kind and detail of each change in the diff table. */
const changes = (page: Page) =>
  page.$$eval('[data-testid=version-diff] tbody tr', (trs) => trs.map((tr) => [`${tr.querySelector('.method')?.textContent} ${tr.querySelector('td code')?.textContent}`, ...[...tr.querySelectorAll('td')].slice(1).map((td) => (td.textContent ?? '').trim())]));
const cells = (page: Page, row: string) => page.$$eval(`${row} td`, (tds) => tds.map((td) => (td.textContent ?? '').trim()));

test('versions: both releases with time, routes and traffic per version; the diff both ways', async () => {
  // Traffic: 2 requests pinned to 1.0.0, 3 without a version (counted for the newest).
  for (let i = 0; i < 2; i++) assert.is((await fetch(`${dev.url}/health`, { headers: { 'x-api-version': '1.0.0' } })).status, 200);
  for (let i = 0; i < 3; i++) assert.is((await fetch(`${dev.url}/refunds`)).status, 200);
  const problems: string[] = [];
  const page = await newPage(problems);
  await openPanel(page, dev.url, 'versions');
  assert.is((await page.textContent('main .page-header'))?.includes('Current: 1.1.0'), true);
  const rows = '[data-testid=versions] tbody tr';
  await page.waitForSelector(rows, { timeout: LOAD });
  assert.equal((await cells(page, `${rows}:nth-child(1)`)).slice(0, 5), ['1.1.0 current', stamps[1], '11', '—', '3']);
  assert.equal((await cells(page, `${rows}:nth-child(2)`)).slice(0, 5), ['1.0.0', stamps[0], '10', '—', '2']);
  // The default comparison: the newest two, the route 1.1.0 added.
  const diff = '[data-testid=version-diff]';
  await page.waitForSelector(`${diff} tbody tr`, { timeout: LOAD });
  assert.match((await page.textContent(`${diff} p`)) ?? '', '1.0.0 → 1.1.0: minor');
  assert.equal(await changes(page), [['GET /refunds', 'added', 'route-added']]);
  await screenshot(page, 'versions-history');
  // Backwards: the same step undone, the route removed; the URL keeps the choice.
  await page.selectOption('form[aria-label="Versions to compare"] label:has-text("From") select', '1.1.0');
  await page.waitForURL(/from=1\.1\.0/, { timeout: LOAD });
  await page.selectOption('form[aria-label="Versions to compare"] label:has-text("To") select', '1.0.0');
  await page.waitForSelector(`${diff} p:has-text("1.1.0 → 1.0.0")`, { timeout: LOAD });
  assert.equal(await changes(page), [['GET /refunds', 'removed', 'undoes 1.1.0: route-added']]);
  await page.close();
  assert.equal(problems, []);
});

test('deployments: each with environment, version, time and status; a rollback previewed (the files and the command), an older one applied as a pinned image tag', async () => {
  const problems: string[] = [];
  const page = await newPage(problems);
  await openPanel(page, dev.url, 'deployments');
  const rows = '[data-testid=deployments] tbody tr';
  await page.waitForSelector(rows, { timeout: LOAD });
  const [first, second, rollback, latest] = record.history as [DeploymentRecord['history'][number], DeploymentRecord['history'][number], DeploymentRecord['history'][number], DeploymentRecord['history'][number]];
  assert.is(rollback.files, first.files, 'the rollback re-applied the first deployment');
  const shown = await page.$$eval(rows, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => (td.textContent ?? '').trim())));
  // The time as the page formats it, in this browser's locale.
  const when = await page.evaluate((iso) => iso.map((at) => new Date(at).toLocaleString([], { hour12: false, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })), record.history.map((e) => e.deployedAt));
  assert.equal(shown, [
    [when[3], 'prod', latest.version, latest.image, 'current'],
    [when[2], 'prod', first.version, first.image, 'rollback'],
    [when[1], 'prod', second.version, second.image, 'rolled back'],
    [when[0], 'prod', first.version, first.image, 'deployed'],
  ]);
  assert.is(await page.$$eval(`${rows} button:has-text("Roll back to this")`, (b) => b.length), 3, 'every deployment but the current one');
  await screenshot(page, 'deployments-history');

  // The previous deployment (the rollback's files): what `gati deploy prod --rollback` applies again, run by hand.
  await page.click(`${rows}:nth-child(2) button:has-text("Roll back to this")`);
  await page.waitForSelector('.plan pre.command', { timeout: LOAD });
  assert.is((await page.textContent('.plan pre.command'))?.trim(), 'gati deploy prod --rollback');
  assert.ok(await page.$('.plan .diff-del:has-text("maxReplicas: 9")'), (await page.textContent('.plan')) ?? '');
  assert.ok(await page.$('.plan .diff-add:has-text("maxReplicas: 6")'), (await page.textContent('.plan')) ?? '');
  // A removed line and the added line after it each get a line of their own, from the same left edge.
  const removed = (await page.locator('.plan .diff-del:has-text("maxReplicas: 9")').boundingBox())!;
  const added = (await page.locator('.plan .diff-add:has-text("maxReplicas: 6")').boundingBox())!;
  assert.ok(added.y >= removed.y + removed.height - 1 && added.x === removed.x, `removed at ${JSON.stringify(removed)}, added at ${JSON.stringify(added)}`);
  assert.match((await page.textContent('.plan')) ?? '', `it applies ${first.files} again`);
  assert.is(await page.$('.plan button:has-text("Confirm and apply")'), null, 'the panel does not run a rollback');
  await screenshot(page, 'deployments-rollback-previous');
  await page.click('.plan button:has-text("Cancel")');
  await page.waitForSelector('.plan', { state: 'detached', timeout: LOAD });

  // The first deployment, older than the previous one: its image (the rollback's) with the current config.
  await page.click(`${rows}:nth-child(4) button:has-text("Roll back to this")`);
  await page.waitForSelector(`.plan .diff-add:has-text("tag: '${first.image.slice(first.image.lastIndexOf(':') + 1)}'")`, { timeout: LOAD });
  await page.click('.plan button:has-text("Cancel")');
  await page.waitForSelector('.plan', { state: 'detached', timeout: LOAD });

  // Older than the previous one (1.1.0's): the current config with that deployment's image, applied on confirm.
  await page.click(`${rows}:nth-child(3) button:has-text("Roll back to this")`);
  const tag = second.image.slice(second.image.lastIndexOf(':') + 1);
  await page.waitForSelector(`.plan .diff-add:has-text("tag: '${tag}'")`, { timeout: LOAD });
  assert.is((await page.textContent('.plan pre.command'))?.trim(), 'gati deploy prod');
  await screenshot(page, 'deployments-rollback-older');
  await page.click('.plan button:has-text("Confirm and apply")');
  await page.waitForSelector('.plan .notice.ok', { timeout: LOAD });
  assert.match(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), `image: { repository: 'ghcr.io/acme/payments', tag: '${tag}' }`);
  // Nothing was deployed: the record is as `gati deploy` left it.
  assert.equal(JSON.parse(readFileSync(join(dir, '.gati/deployments/prod.json'), 'utf8')), record);
  await page.close();
  assert.equal(problems, []);
});

test.run();
