#!/usr/bin/env node
// Module call benchmark (issue 20): what one call of an HTTP/container module costs through Gati's
// module client (keep-alive agent, boundary validation of arguments and result, circuit breaker,
// deadline), against the same function called in-process and against a plain `fetch` of the same
// server, in the same run. Target: the Gati client ≤ 1.2× the plain fetch.
//
// Usage (from the repository root, after `node scripts/build.mjs`):
//   node bench/modules.mjs                        7 rounds of 3000 sequential calls and 3000 calls 16 at a time
//   node bench/modules.mjs --rounds 2 --calls 500 smoke run
//
// What it does: starts the module server, a child node:http process speaking the module wire
// protocol (`POST /add` with `[a, b]` → `a + b`; pinned to core 1 with taskset when there is one),
// then per round, in rotating order: in-process `add(a, b)`; `fetch` (undici, keep-alive) with
// JSON; node:http with a keep-alive agent (the floor: what the client is built on); the Gati
// HttpModuleClient with AJV validators for `args_add` and `result_add` as the build generates
// them. Each is timed over the same calls, sequentially (one in flight: the per-call latency) and
// 16 in flight. Prints the median µs per call over the rounds, with the range, and the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { request, Agent } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};
const ROUNDS = opt('rounds', 7);
const CALLS = opt('calls', 3000);
const CONCURRENCY = 16;

const SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'GET') { res.writeHead(200); return res.end('ok'); }
    const [a, b] = JSON.parse(body);
    const out = JSON.stringify(a + b);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

const { HttpModuleClient } = await import(`${REPO}lib/runtime-shim/modules/http-module-client.js`);
const { Ajv2020 } = require('ajv/dist/2020.js');

const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && cpus().length > 1;
const child = spawn(pinned ? 'taskset' : process.execPath, pinned ? ['-c', '1', process.execPath, '-e', SERVER] : ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const base = `http://127.0.0.1:${port}`;

// The validators `gati build` generates for `export declare function add(a: number, b: number): Promise<number>`.
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = {
  args_add: ajv.compile({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], minItems: 2, items: false, maxItems: 2 }),
  result_add: ajv.compile({ type: 'number' }),
};
const client = new HttpModuleClient({ name: 'tally', baseUrl: base, timeoutMs: 10_000, validators });
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });

const ways = {
  'in-process': async (a, b) => a + b,
  fetch: async (a, b) => (await fetch(`${base}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([a, b]) })).json(),
  'node:http keep-alive': (a, b) => new Promise((resolve, reject) => {
    const body = JSON.stringify([a, b]);
    const req = request({ host: '127.0.0.1', port, path: '/add', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  }),
  'gati module client': (a, b) => client.call('add', [a, b]),
};

async function time(fn, inFlight) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < CALLS) {
      const i = next++;
      const sum = await fn(i, 1);
      if (sum !== i + 1) throw new Error(`wrong sum ${sum}`);
    }
  }));
  return Number(process.hrtime.bigint() - started) / 1000 / CALLS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(ways);
const results = { 1: Object.fromEntries(names.map((n) => [n, []])), [CONCURRENCY]: Object.fromEntries(names.map((n) => [n, []])) };
console.log(`modules bench: ${ROUNDS} rounds × ${CALLS} calls; server ${pinned ? 'pinned to core 1' : 'unpinned'}; load ${loadavg()[0].toFixed(2)} at start; ${new Date().toISOString()}`);
for (const fn of Object.values(ways)) await time(fn, 1); // warm-up: JIT, connections
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const inFlight of [1, CONCURRENCY]) for (const name of order) results[inFlight][name].push(await time(ways[name], inFlight));
}
for (const inFlight of [1, CONCURRENCY]) {
  console.log(`\n${inFlight === 1 ? 'sequential (1 in flight): µs per call' : `${CONCURRENCY} in flight: µs per call (wall / calls)`}`);
  for (const name of names) {
    const xs = results[inFlight][name];
    console.log(`  ${name.padEnd(22)} ${median(xs).toFixed(1).padStart(8)}  [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`);
  }
  const gati = median(results[inFlight]['gati module client']);
  const plain = median(results[inFlight].fetch);
  const floor = median(results[inFlight]['node:http keep-alive']);
  console.log(`  gati / fetch: ${(gati / plain).toFixed(2)}× (target ≤ 1.2×: ${gati / plain <= 1.2 ? 'PASS' : 'FAIL'});  gati / node:http: ${(gati / floor).toFixed(2)}×;  gati − in-process: ${(gati - median(results[inFlight]['in-process'])).toFixed(1)} µs`);
}
console.log(`\nload ${loadavg()[0].toFixed(2)} at the end`);
client.close();
agent.destroy();
child.kill();
