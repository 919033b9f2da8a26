#!/usr/bin/env node
// Playground benchmark (issue 19): the QuickJS sandbox's costs, and the flow runner's overhead per
// request against plain fetch, in the same run.
//
// Usage (from the repository root, after `node scripts/build.mjs`):
//   node bench/playground.mjs [--runs N] [--requests N]
//
// 1. Sandbox: loading the QuickJS module (once per process), a fresh sandbox (runtime, context,
//    the gati prelude: an empty script's whole run) and a 10-line post-response script (tests,
//    expect, env.set), each a median and p95 of N runs; target: a fresh sandbox <= 5 ms.
// 2. Flow runner: fixtures/payments built and served by `gati start`; N sequential GET /health
//    (a) with plain fetch, (b) as a flow's steps through runFlow without scripts (request building,
//    response reading, the type check against dist/validators), (c) the same with a 3-line
//    post-response script per step. Rounds interleave (a), (b), (c) so drift hits all three; the
//    ratios are per request, (b)/(a) and (c)/(a).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '300' }, requests: { type: 'string', default: '200' }, rounds: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);

const lib = (path) => import(pathToFileURL(join(ROOT, 'lib', path)).href);
const { loadSandbox, runFlow } = await lib('playground/index.js');
const { loadResponseTypes } = await lib('bin/commands/playground-types.js');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const ms = (x) => `${x.toFixed(3)} ms`;

console.log(`# playground bench, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores (${cpus()[0].model}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// 1. The sandbox (the module load is the first call in this process: it includes the warm-up run).
let started = performance.now();
const sandbox = await loadSandbox();
const loadMs = performance.now() - started;
const api = {
  request: { method: 'POST', url: 'http://127.0.0.1:3000/payments', headers: { 'content-type': 'application/json' }, body: { amount: 1200 } },
  response: { status: 201, headers: { 'content-type': 'application/json' }, body: { id: 'pay_1', status: 'pending', amount: 1200, items: [{ sku: 'tea', quantity: 2, unitAmount: 600 }] }, timeMs: 3 },
  env: { amount: 1200 },
};
const TEN_LINES = [
  "gati.test('created', () => gati.expect(gati.response.status).toBe(201));",
  "gati.test('pending', () => gati.expect(gati.response.body.status).toBe('pending'));",
  "gati.test('amount', () => gati.expect(gati.response.body.amount).toBe(gati.env.get('amount')));",
  "gati.test('id', () => gati.expect(gati.response.body.id).toMatch(/^pay_/));",
  "gati.test('items', () => {",
  '  const items = gati.response.body.items;',
  '  gati.expect(items.length).toBeGreaterThan(0);',
  "  gati.expect(items[0]).toEqual({ sku: 'tea', quantity: 2, unitAmount: 600 });",
  '});',
  "gati.env.set('paymentId', gati.response.body.id);",
].join('\n');
const timeRuns = (source) => {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const result = sandbox.runScript(source, api);
    times.push(performance.now() - t);
    if (!result.ok) throw new Error(JSON.stringify(result));
  }
  return times;
};
timeRuns(''); // warm
const empty = timeRuns('');
const ten = timeRuns(TEN_LINES);
console.log('\n## Sandbox');
console.log(`| measurement | median | p95 |\n|---|---|---|`);
console.log(`| QuickJS module load (once per process) | ${ms(loadMs)} | |`);
console.log(`| fresh sandbox: runtime + context + gati prelude (empty script), ${RUNS} runs | ${ms(median(empty))} | ${ms(p95(empty))} |`);
console.log(`| 10-line post-response script (5 tests, env.set), whole run, ${RUNS} runs | ${ms(median(ten))} | ${ms(p95(ten))} |`);
console.log(`| of which the script itself (10-line minus empty, medians) | ${ms(median(ten) - median(empty))} | |`);
// The deadline: `while (true) {}` against its 100 ms of CPU; wall time and this process's CPU time per run.
const spins = { wall: [], cpu: [] };
for (let i = 0; i < 10; i++) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = sandbox.runScript('while (true) {}', api);
  const used = process.cpuUsage(cpu);
  spins.wall.push(performance.now() - wall);
  spins.cpu.push((used.user + used.system) / 1000);
  if (result.error?.kind !== 'timeout') throw new Error(JSON.stringify(result));
}
console.log(`| while (true) {} stopped (limit 100 ms + 20 ms slack), wall, 10 runs | ${ms(median(spins.wall))} | max ${ms(Math.max(...spins.wall))} |`);
console.log(`| the same, CPU time of the process | ${ms(median(spins.cpu))} | max ${ms(Math.max(...spins.cpu))} |`);

// 2. The flow runner against a real server.
const app = mkdtempSync(join(tmpdir(), 'gati-bench-playground-'));
cpSync(join(ROOT, 'fixtures/payments'), app, { recursive: true, filter: (src) => !/[/\\](dist|node_modules)([/\\]|$)|\.gati[/\\]cache/.test(src) });
symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
const built = spawnSync(process.execPath, [join(ROOT, 'bin/gati.mjs'), 'build', app, '--silent'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const server = spawn(process.execPath, [join(ROOT, 'bin/gati.mjs'), 'start', app], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: 'off', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
const baseUrl = await new Promise((resolveUrl, reject) => {
  let text = '';
  const onData = (chunk) => {
    text += chunk;
    const m = /"url":"(http:[^"]+)"|serving on (http:\S+)/.exec(text);
    if (m) resolveUrl(m[1] ?? m[2]);
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.once('exit', (code) => reject(new Error(`server exited ${code}: ${text}`)));
  setTimeout(() => reject(new Error(`no url: ${text}`)), 60_000).unref();
});
server.stdout.resume(); // the per-request log lines must not fill the pipe
try {
  const { check } = await loadResponseTypes(app);
  const step = { name: 'health', route: 'GET /health' };
  const bare = { steps: Array.from({ length: REQUESTS }, (_, i) => ({ ...step, name: `health ${i}` })) };
  const scripted = { steps: bare.steps.map((s) => ({ ...s, post: "gati.test('ok', () => gati.expect(gati.response.status).toBe(200));\ngati.expect(gati.response.body).toHaveProperty('ok');\ngati.env.set('seen', gati.response.timeMs);" })) };
  const plain = async () => {
    const t = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(`${baseUrl}/health`);
      await response.json();
    }
    return (performance.now() - t) / REQUESTS;
  };
  const flow = async (f) => {
    const t = performance.now();
    const result = await runFlow(f, 'bench', { baseUrl, sandbox, checkResponse: check });
    if (!result.passed) throw new Error(JSON.stringify(result.steps.find((s) => !s.passed)));
    return (performance.now() - t) / REQUESTS;
  };
  await plain();
  await flow(scripted); // warm all paths
  const rows = { plain: [], bare: [], scripted: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rows.plain.push(await plain());
    rows.bare.push(await flow(bare));
    rows.scripted.push(await flow(scripted));
  }
  const a = median(rows.plain);
  const b = median(rows.bare);
  const c = median(rows.scripted);
  console.log(`\n## Flow runner vs plain fetch (GET /health, ${REQUESTS} sequential requests x ${ROUNDS} interleaved rounds; per request, median of rounds)`);
  console.log(`| runner | per request | overhead vs fetch | ratio |\n|---|---|---|---|`);
  console.log(`| plain fetch + res.json() | ${ms(a)} | | 1.00x |`);
  console.log(`| runFlow, no script (build request, read, type check) | ${ms(b)} | +${ms(b - a)} | ${(b / a).toFixed(2)}x |`);
  console.log(`| runFlow, 3-line post-response script per step | ${ms(c)} | +${ms(c - a)} | ${(c / a).toFixed(2)}x |`);
  console.log(`\nrounds (ms/request): fetch ${rows.plain.map((x) => x.toFixed(3)).join(', ')}; bare ${rows.bare.map((x) => x.toFixed(3)).join(', ')}; scripted ${rows.scripted.map((x) => x.toFixed(3)).join(', ')}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(app, { recursive: true, force: true });
  console.log(`\nload after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
