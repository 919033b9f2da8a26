// The same sandbox in the browser: playground/ bundled with esbuild for the browser, its .wasm
// served beside it, run in real Chromium. A script's tests pass, `while(true){}` is stopped, and the
// page's cookies and globals are out of the script's reach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { REPO } from './helpers/paths.js';

const WASM = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');

let server: Server;
let browser: Browser;
let url: string;

test.before(async () => {
  const bundled = await build({ entryPoints: [join(REPO, 'playground/index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  const script = bundled.outputFiles[0]!.text;
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', '<!doctype html><title>sandbox</title><script type="module">import * as playground from "/playground.js"; window.playground = playground; window.ready = true;</script>'],
    '/playground.js': ['text/javascript', script],
    '/emscripten-module.wasm': ['application/wasm', readFileSync(WASM)],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'set-cookie': 'session=secret-session; Path=/' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

test.after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('scripts run in Chromium: tests pass, a runaway loop is stopped, cookies and page globals are unreachable', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
    const results = await page.evaluate(async () => {
      type Playground = typeof import('../playground/index.js');
      const { loadSandbox } = (globalThis as unknown as { playground: Playground }).playground;
      (globalThis as unknown as { sessionToken: string }).sessionToken = 'tok_secret';
      const sandbox = await loadSandbox({ wasmLocation: '/emscripten-module.wasm' });
      const api = { request: { method: 'GET', url: '/payments', headers: {} }, response: { status: 200, headers: {}, body: { ok: true }, timeMs: 1 }, env: {} };
      const ok = sandbox.runScript("gati.test('ok', () => gati.expect(gati.response.body).toEqual({ ok: true }));", api);
      const started = performance.now();
      const loop = sandbox.runScript('while (true) {}', api);
      const loopMs = performance.now() - started;
      const reach = sandbox.runScript(
        [
          "gati.test('no document', () => gati.expect(typeof document).toBe('undefined'));",
          "gati.test('no window', () => gati.expect(typeof window).toBe('undefined'));",
          "gati.test('no session token', () => gati.expect(typeof sessionToken).toBe('undefined'));",
          "gati.test('no fetch', () => gati.expect(typeof fetch).toBe('undefined'));",
          "gati.test('no localStorage', () => gati.expect(typeof localStorage).toBe('undefined'));",
        ].join('\n'),
        api,
      );
      return { ok, loop, loopMs, reach, cookie: (globalThis as unknown as { document: { cookie: string } }).document.cookie };
    });
    assert.ok(results.ok.ok, JSON.stringify(results.ok));
    assert.is(results.loop.error?.kind, 'timeout');
    assert.ok(results.loopMs < 1000, `stopped after ${results.loopMs} ms`);
    console.log(`    Chromium: while(true){} stopped after ${results.loopMs.toFixed(1)} ms (limit 100 ms)`);
    assert.equal(results.reach.tests.filter((t) => !t.passed), [], JSON.stringify(results.reach));
    assert.match(results.cookie, /session=secret-session/, 'the page has the cookie the script could not see');
  } finally {
    await page.close();
  }
});

test.run();
