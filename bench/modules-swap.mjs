#!/usr/bin/env node
// Hot-swap benchmark (issue 20): how long from an action to the new behaviour being served, on
// fixtures/polyglot, each against its peer in the same run:
//   gati dev:   saving a module file (a hot swap in a fresh worker thread) vs saving a handler
//               (a new build is loaded): from the write to GET /greet answering the new text.
//   gati start: `gati modules swap scorer --to command:python3 … vN` (a new Python process,
//               health-checked, then takes calls) and `gati modules swap greeter --to <file.mjs>`
//               (a worker thread), from running the command to the new behaviour, vs restarting
//               the server (SIGTERM, `gati start` again, first 200 from the new build).
//
// Usage (from the repository root, after `node scripts/build.mjs`):
//   node bench/modules-swap.mjs             10 rounds of each
//   node bench/modules-swap.mjs --rounds 3  smoke run
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const GATI = join(REPO, 'bin/gati.mjs');
const argv = process.argv.slice(2);
const ROUNDS = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 10;
const { polyglotApp } = await import(`${REPO}lib/test/helpers/polyglot-app.js`);
const { removeDir, runServer } = await import(`${REPO}lib/test/helpers/server.js`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
const text = async (url) => (await fetch(url)).text().catch(() => '');
async function until(url, expected, started) {
  for (;;) {
    if ((await text(url).catch(() => '')).includes(expected)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 5));
  }
}
const run = (args) => new Promise((resolve) => {
  const child = spawn(process.execPath, [GATI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  child.once('close', (status) => resolve({ status, out }));
});

const app = polyglotApp();
const env = app.noRust ? { GATI_MODULE_TALLY_URL: 'http://127.0.0.1:9' } : {};
console.log(`modules-swap: ${ROUNDS} rounds; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// gati dev
const greeter = (n) => `export async function greet(name: string): Promise<string> {\n  return 'm${n} ' + name;\n}\n`;
const handler = (n) => `import type { GlobalContext, Req, Res } from 'gati';\n\nexport const route = 'GET /greet';\n\nexport async function handler(req: Req<{ query: { name: string } }>, res: Res<{ 200: { text: string } }>, gctx: GlobalContext) {\n  return res.json({ text: (await gctx.modules.greeter.greet(req.query.name)) + ' h${n}' });\n}\n`;
const dev = await runServer([GATI, 'dev', '.'], app.dir, { ...env, LOG_LEVEL: 'warn' });
const devSwap = [];
const devReload = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    let started = performance.now();
    writeFileSync(join(app.dir, 'src/modules/greeter.ts'), greeter(i));
    devSwap.push(await until(`${dev.url}/greet?name=x`, `m${i} x`, started));
    started = performance.now();
    writeFileSync(join(app.dir, 'src/handlers/greet.ts'), handler(i));
    devReload.push(await until(`${dev.url}/greet?name=x`, `h${i}`, started));
  }
} finally {
  await dev.stop();
}
// What gati dev prints itself: from the rebuild's start to the new instance (or build) taking requests.
const printed = (re) => [...dev.output().matchAll(re)].map((m) => Number(m[1]));
console.log(`gati dev, save → new behaviour: module file (hot swap) ${fmt(devSwap)}; handler (build reload) ${fmt(devReload)}; ratio ${(median(devSwap) / median(devReload)).toFixed(2)}×`);
console.log(`  as gati dev reports them (rebuild + swap or load, without the watcher's delay): swapped ${fmt(printed(/swapped module greeter in (\d+) ms/g))}; reloaded ${fmt(printed(/reloaded in (\d+) ms/g))}`);

// gati start
const built = await run(['build', app.dir]);
if (built.status !== 0) throw new Error(built.out);
let server = await runServer([GATI, 'start', app.dir], app.dir, env);
const cliProcess = [];
const cliWorker = [];
const serverSide = [];
const restart = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    let started = performance.now();
    const done = await run(['modules', 'swap', 'scorer', '--to', `command:python3 services/scorer/server.py r${i}`, app.dir]);
    if (done.status !== 0) throw new Error(done.out);
    cliProcess.push(await until(`${server.url}/scorer-version`, `r${i}`, started));
    serverSide.push(Number(/in (\d+) ms/.exec(done.out)[1]));
    started = performance.now();
    const file = join(app.dir, `services/greeter/round-${i}.mjs`);
    writeFileSync(file, `export async function greet(name) { return 'w${i} ' + name; }\n`);
    const worker = await run(['modules', 'swap', 'greeter', '--to', file, app.dir]);
    if (worker.status !== 0) throw new Error(worker.out);
    cliWorker.push(await until(`${server.url}/greet?name=x`, `w${i} x`, started));
  }
  for (let i = 0; i < Math.min(ROUNDS, 5); i++) {
    const started = performance.now();
    await server.stop();
    server = await runServer([GATI, 'start', app.dir], app.dir, env);
    await until(`${server.url}/scorer-version`, 'v1', started);
    restart.push(performance.now() - started);
  }
} finally {
  await server.stop();
  removeDir(app.dir);
}
console.log(`gati start, command → new behaviour: gati modules swap to a new Python process ${fmt(cliProcess)} (in the server: ${fmt(serverSide)}); to a module file in a worker ${fmt(cliWorker)}; a server restart ${fmt(restart)}; swap/restart ${(median(cliProcess) / median(restart)).toFixed(2)}×`);
