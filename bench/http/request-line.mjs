#!/usr/bin/env node
// What one request line costs the process that writes it (issue 24): the line `gati start` writes for
// every request, into the stdout writer (runtime-shim/server/line-writer.ts) on /dev/null, so that
// only the JavaScript and the encoding are measured. In-run peers, interleaved per round:
//   bytes    the line encoded byte by byte into the writer's buffer (request-line.ts `encode`: what the logger does)
//   string   the same line built as a string and written with LineWriter#write (what other sinks get, and Gati before)
//   none     the loop alone (subtracted from both)
//
//   npm run build && node bench/http/request-line.mjs [--lines 2000000] [--rounds 5]
import { openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const LINES = Number(opt('lines', 2_000_000));
const ROUNDS = Number(opt('rounds', 5));

const lib = (file) => import(pathToFileURL(join(ROOT, 'lib', 'runtime-shim', 'server', file)).href);
const [{ RequestLine }, { LineWriter }] = await Promise.all([lib('request-line.js'), lib('line-writer.js')]);

const writer = new LineWriter(openSync('/dev/null', 'w'));
const line = new RequestLine(',"app":"bench-http-app"');
const ids = Array.from({ length: 1024 }, (_, i) => `d1684337-${i.toString(36)}`);
const ROUTES = [['GET', 'GET /users/:userId/orders/:orderId', 200], ['POST', 'POST /users/:userId/orders', 201]];

const MODES = {
  none: (i) => ids[i & 1023].length,
  bytes: (i) => {
    const [method, route, status] = ROUTES[i & 1];
    line.encode(writer, ids[i & 1023], method, route, status, 0.1234 + (i & 63) * 0.0137);
  },
  string: (i) => {
    const [method, route, status] = ROUTES[i & 1];
    writer.write(line.text('', ids[i & 1023], method, route, status, 0.1234 + (i & 63) * 0.0137));
  },
};

function run(mode, n) {
  const f = MODES[mode];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i);
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / n; // ns per line
}

for (const mode of Object.keys(MODES)) run(mode, 200_000); // warm-up
const results = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? Object.keys(MODES).reverse() : Object.keys(MODES);
  for (const mode of order) results[mode].push(run(mode, LINES));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const none = median(results.none);
for (const mode of ['bytes', 'string']) console.log(`${mode.padEnd(6)} ${(median(results[mode]) - none).toFixed(0)} ns per request line (loop subtracted; rounds: ${results[mode].map((x) => x.toFixed(0)).join(' ')})`);
console.log(`string/bytes ${((median(results.string) - none) / (median(results.bytes) - none)).toFixed(2)}×`);
