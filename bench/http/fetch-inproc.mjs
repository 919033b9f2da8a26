#!/usr/bin/env bun
// In-process benchmark of the fetch-style engines (issue 24): Gati's fetch handler (fetch-engine.ts
// in front of the pipeline, as bun.ts and deno.ts use it) against the raw fetch function of the
// ceiling servers (raw-router.mjs), both called with the same synthetic Requests, no socket. Run it
// under Bun or Deno: it reports process CPU µs per request (building the Request included: the
// same for every server, so differences are what each handler costs). A synthetic Request already
// holds its headers, so the native cost of materialising `request.headers` on a served request is
// not in these figures (the socket runs of run.mjs are).
//
// Usage (after `npm run build` and `node bin/gati.mjs build bench/.work/http-app`):
//   node_modules/.bin/bun bench/http/fetch-inproc.mjs [--scenario get|post] [--requests 200000] [--rounds 5] [--baseline DIR]
//   node_modules/.bin/deno run -A bench/http/fetch-inproc.mjs …
//   --baseline DIR: also 'gati-base', the runtime compiled in DIR/lib (another checkout, before/after)
//   --servers gati,raw (default; gati-base added by --baseline)   --prof: gati only, one long round
//   --browser-headers: the 13 headers a browser sends on a navigation instead of wrk's Host alone
//   --in-flight K: K requests started together before any is awaited (default 1; wrk's -c50 keeps 50)
//   BENCH_MIDDLEWARE=1 in the environment: Gati serves the middleware variant's app (run.mjs --middleware,
//     bench/.work/http-app-mw); raw has no twin here
//   --read-answer: read each answer's body as bytes (what the engine does when it writes it; a body
//     built by concatenation is flattened only then, so it costs nothing in process without this)
//   --import FILE: import FILE first and keep it, unused (with --servers raw: what an app's code and data
//     in the process cost the raw handler, e.g. in garbage collection; bench/http/gc-cost.mjs over the socket)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_MIDDLEWARE, DEFAULT_HTTP_APP_DIR, MIDDLEWARE_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { GET_PATH, POST_PATH } from './routes.mjs';
import { rawFetch } from './raw-router.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const PROF = argv.includes('--prof');
const SCENARIO = opt('scenario', 'get');
const REQUESTS = Number(opt('requests', PROF ? 2_000_000 : 200_000));
const ROUNDS = Number(opt('rounds', PROF ? 1 : 5));
const BASELINE = opt('baseline', undefined);
// Requests in flight together, as wrk's connections keep them over the socket (a POST waits for its
// body): state kept per request in flight shows only here (a Set of them cost Deno ~9 µs per POST at 50).
const IN_FLIGHT = Number(opt('in-flight', 1));
const READ_ANSWER = argv.includes('--read-answer');
const SERVERS = opt('servers', PROF ? 'gati' : 'gati,raw').split(',');
if (BASELINE && !SERVERS.includes('gati-base')) SERVERS.push('gati-base');
const DENO = typeof globalThis.Deno !== 'undefined';
const ENGINE = DENO ? 'deno' : typeof globalThis.Bun !== 'undefined' ? 'bun' : 'node';

const BODY = readFileSync(join(REPO_ROOT, 'bench', 'http', 'body.json'), 'utf8').trim();
const URL_BASE = 'http://127.0.0.1:3200';
const BROWSER = argv.includes('--browser-headers') ? {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br', connection: 'keep-alive', cookie: 'a=1; b=2; session=abcdef0123456789',
  'upgrade-insecure-requests': '1', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none',
  'sec-fetch-user': '?1', 'cache-control': 'max-age=0',
} : {};
const makeRequest = SCENARIO === 'post'
  ? () => new Request(URL_BASE + POST_PATH, { method: 'POST', headers: { host: '127.0.0.1:3200', ...BROWSER, 'content-type': 'application/json', 'content-length': String(BODY.length) }, body: BODY })
  : () => new Request(URL_BASE + GET_PATH, { headers: { host: '127.0.0.1:3200', ...BROWSER } });
const STATUS = SCENARIO === 'post' ? 201 : 200;
// The engine's second fetch argument: Bun's server, Deno's connection info.
const EXTRA = DENO ? { remoteAddr: { hostname: '127.0.0.1' } } : { requestIP: () => ({ address: '127.0.0.1' }) };

async function makeHandler(name) {
  if (name === 'raw') return rawFetch;
  const root = name === 'gati-base' ? BASELINE : REPO_ROOT;
  const lib = (f) => import(pathToFileURL(join(root, 'lib', 'runtime-shim', 'server', f)).href);
  const [{ prepareApp }, { createFetchHandler }, { createLogger }] = await Promise.all([lib('start.js'), lib('fetch-engine.js'), lib('log.js')]);
  const { app } = await import(pathToFileURL(join(BENCH_MIDDLEWARE ? MIDDLEWARE_HTTP_APP_DIR : DEFAULT_HTTP_APP_DIR, 'dist', 'app.mjs')).href);
  const log = createLogger('warn', { app: app.name });
  const { handle } = await prepareApp(app, { dev: false, log });
  const ipOf = DENO ? (_r, info) => info.remoteAddr.hostname ?? '' : (r, srv) => srv.requestIP(r)?.address ?? '';
  // As the adapters make it: Deno's with the body-read timeout (bun.ts leaves it to Bun's idle timeout).
  const handler = createFetchHandler(handle, { log, ipOf, ...(DENO ? { bodyTimeoutMs: 30_000 } : {}) });
  return handler.fetch;
}

/** `total` requests, IN_FLIGHT at a time (started together, then awaited); CPU µs per request. */
async function drive(fetch, total) {
  const start = process.cpuUsage();
  const batch = [];
  for (let i = 0; i < total; i += IN_FLIGHT) {
    for (let j = 0; j < IN_FLIGHT; j++) batch[j] = fetch(makeRequest(), EXTRA);
    for (let j = 0; j < IN_FLIGHT; j++) {
      const answer = batch[j];
      const res = answer instanceof Response ? answer : await answer;
      if (res.status !== STATUS) throw new Error(`unexpected status ${res.status}: ${await res.text()}`);
      if (READ_ANSWER) await res.bytes();
    }
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / total;
}

if (opt('import', undefined)) globalThis.importedUnused = await import(pathToFileURL(opt('import', undefined)).href);
const handlers = {};
for (const name of SERVERS) handlers[name] = await makeHandler(name);
for (const name of SERVERS) await drive(handlers[name], Math.min(REQUESTS, 50_000));
const results = Object.fromEntries(SERVERS.map((s) => [s, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 ? [...SERVERS].reverse() : SERVERS) {
    const us = await drive(handlers[name], REQUESTS);
    results[name].push(us);
    console.log(`round ${round + 1} ${ENGINE} ${SCENARIO} ${name.padEnd(9)} ${us.toFixed(2)} CPU µs/req`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const line = SERVERS.map((s) => `${s} ${median(results[s]).toFixed(2)} (min ${Math.min(...results[s]).toFixed(2)})`).join('  ');
const overRaw = results.raw ? SERVERS.filter((s) => s !== 'raw').map((s) => `${s}−raw ${(median(results[s]) - median(results.raw)).toFixed(2)} µs`).join('  ') : '';
console.log(`${ENGINE} ${SCENARIO}${IN_FLIGHT > 1 ? ` (${IN_FLIGHT} in flight)` : ''} median CPU µs/req: ${line}${overRaw ? `  |  ${overRaw}` : ''}`);
process.exit(0);
