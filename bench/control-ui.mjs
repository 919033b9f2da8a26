#!/usr/bin/env node
// The control panel's weight and speed (issue 23: ≤ 150 KB of JS gzip, first render ≤ 1 s locally).
//   size          lib/control-ui/assets/app.js and app.css, raw and gzip (level 9, as a server would)
//   first render  in Debian's Chromium (playwright-core), against `gati dev fixtures/payments`: from
//                 navigation start to the first page content, i.e. the overview's heading showing the app's
//                 name, which needs index.html, app.js, app.css, the session and the overview API. A fresh
//                 browser context each run (cold HTTP cache), median and max of --runs (10).
//   peer          the same browser loading a static page with the panel's CSS and the same heading, no
//                 script: the floor of a navigation on this machine; the
//                 ratio panel ÷ peer is printed.
// Usage (after `npm run build`): node bench/control-ui.mjs [--runs 10]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 10) || 10;
const ui = join(REPO, 'lib', 'control-ui');

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`control-ui bench · ${new Date().toISOString()} · ${cpus().length} cores · load ${loadavg()[0].toFixed(2)} · node ${process.version}`);
for (const file of ['assets/app.js', 'assets/app.css', 'index.html']) {
  const body = readFileSync(join(ui, file));
  console.log(`  ${file.padEnd(16)} raw ${kb(body.length).padStart(9)}   gzip ${kb(gzipSync(body, { level: 9 }).length).padStart(8)}`);
}

const { runServer, GATI_BIN, copyFixture, removeDir } = await import(join(REPO, 'lib/test/helpers/server.js'));
const { chromium } = await import('playwright-core');

const dir = copyFixture('payments');
const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
// The peer: a page with the panel's stylesheet and no script.
const PEER_HTML = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><link rel="stylesheet" href="/_control/assets/app.css"></head><body><main><h1>payments</h1></main></body></html>';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

// Recorded inside the page (an init script runs outside the page's CSP): when `main h1` first reads `name`.
const watchHeading = (name) => {
  const check = () => {
    const h1 = document.querySelector('main h1');
    if (h1 && h1.textContent.trim() === name && !window.__firstContent) window.__firstContent = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
};

async function measure(url) {
  const context = await browser.newContext();
  await context.addInitScript(watchHeading, 'payments');
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__firstContent !== undefined, undefined, { timeout: 30_000 });
  const result = await page.evaluate(() => ({
    content: window.__firstContent,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  await context.close();
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // The peer page is served by a tiny static server of its own on the same machine.
  const css = readFileSync(join(ui, 'assets', 'app.css'));
  const peerServer = createServer((req, res) => {
    if (req.url === '/_control/assets/app.css') res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PEER_HTML);
  });
  await new Promise((r) => peerServer.listen(0, '127.0.0.1', r));
  const peerUrl = `http://127.0.0.1:${peerServer.address().port}/peer.html`;
  await measure(`${dev.url}/_control/`); // warm the server (first import of the panel's endpoints)
  const panel = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    panel.push(await measure(`${dev.url}/_control/`));
    peer.push(await measure(peerUrl));
  }
  const p = median(panel.map((r) => r.content));
  const q = median(peer.map((r) => r.content));
  console.log(`  first page content  panel median ${p.toFixed(0)} ms (max ${Math.max(...panel.map((r) => r.content)).toFixed(0)} ms, FCP ${median(panel.map((r) => r.fcp ?? 0)).toFixed(0)} ms)`);
  console.log(`                      peer  median ${q.toFixed(0)} ms (static page, same CSS, no script)`);
  console.log(`  ratio panel/peer    ${(p / q).toFixed(2)}x over ${runs} runs each`);
  peerServer.close();
} finally {
  await browser.close();
  await dev.stop();
  removeDir(dir);
}
