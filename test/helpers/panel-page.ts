// Shared by the control panel's Chromium tests: Debian's Chromium (never a downloaded browser), a
// page's problems (uncaught errors, console errors, CSP violations) collected for an assertion, a
// panel page opened and loaded, and screenshots to test-output/screenshots/ (ignored by git).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from './paths.js';

const SHOTS = join(REPO, 'test-output', 'screenshots');
export const LOAD = 20_000;

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** Pushes every uncaught error, console error and CSP violation of `page` to `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()} (${message.location().url ?? ''})`);
  });
}

/** Opens /_control/<path> and waits until its page has loaded its data. */
export async function openPanel(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}/_control/${path}`, { waitUntil: 'domcontentloaded', timeout: LOAD });
  try {
    await page.waitForSelector('main h1', { timeout: LOAD });
    await page.waitForSelector('main .loading', { state: 'detached', timeout: LOAD });
  } catch (error) {
    throw new Error(`/_control/${path} did not load: ${String(error)}\n${(await page.content()).slice(0, 2000)}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
