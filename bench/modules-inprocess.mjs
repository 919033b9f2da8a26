#!/usr/bin/env node
// What the boundary check adds to an npm module's in-process call (issue 20): fixtures/polyglot's
// `text-stats` package called through gctx.modules' slot and in-process client, with the validators
// `gati build` generates from the package's declarations, against the same client without them and
// against a direct call of the function, in the same run. Three calls, each checked in place (no
// copy: the validators of an npm module read the values as they are, emitters/validators/in-process.ts):
// `wordCount(text)` (a string in, a number out; synchronous), `topWords(text, { limit })` (an object
// argument; async) and `wordsSince(entries, since)` (Dates in and out; async).
//
// Usage (from the repository root, after `node scripts/build.mjs`):
//   node bench/modules-inprocess.mjs                   7 rounds of 200 000 calls per way
//   node bench/modules-inprocess.mjs --rounds 2 --calls 20000   smoke run
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};
const ROUNDS = opt('rounds', 7);
const CALLS = opt('calls', 200_000);

// The app as the tests install it (text-stats in node_modules), built for real.
const { polyglotApp } = await import(`${REPO}lib/test/helpers/polyglot-app.js`);
const app = polyglotApp();
const built = spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), 'build', app.dir], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr + built.stdout);
// The validator modules call require() for AJV's helpers (the server bundle provides it; so does this).
globalThis.require ??= createRequire(import.meta.url);
const dir = join(app.dir, 'dist/validators/modules');
const validators = await import(pathToFileURL(join(dir, readdirSync(dir).find((f) => f.startsWith('textStats.') && !f.includes('.wire.')))).href);
const pkg = await import(pathToFileURL(join(app.dir, 'node_modules/text-stats/index.js')).href);
const { InProcessModuleClient } = await import(`${REPO}lib/runtime-shim/modules/in-process-client.js`);
const { ModuleSlot, moduleFacade } = await import(`${REPO}lib/runtime-shim/modules/module-slot.js`);

const methods = { ...pkg };
const facade = (v) => moduleFacade(new ModuleSlot(new InProcessModuleClient('textStats', methods, () => {}, v), { kind: 'npm', source: 'text-stats' }), Object.keys(methods));
const checked = facade(validators);
const unchecked = facade(undefined);

const text = 'the quick brown fox jumps over the lazy dog the end';
const entries = [{ at: new Date('2026-01-01T00:00:00Z'), text: 'an old entry' }, { at: new Date('2026-06-01T00:00:00Z'), text: 'a newer one' }];
const since = new Date('2026-03-01T00:00:00Z');
const calls = {
  'wordCount(text): a string in, a number out, sync': (m) => m.wordCount(text),
  'topWords(text, { limit }): an object argument, async': (m) => m.topWords(text, { limit: 2 }),
  'wordsSince(entries, since): Dates in and out, async': (m) => m.wordsSince(entries, since),
};

async function time(call, target) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    const r = call(target);
    if (r && typeof r.then === 'function') await r;
  }
  return Number(process.hrtime.bigint() - t0) / CALLS; // ns per call
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${ROUNDS} rounds × ${CALLS} calls`);
for (const [name, call] of Object.entries(calls)) {
  const ways = { direct: pkg, unchecked, checked };
  const results = { direct: [], unchecked: [], checked: [] };
  for (const target of Object.values(ways)) await time(call, target); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = Object.keys(ways);
    for (let k = 0; k < r % order.length; k++) order.push(order.shift()); // rotate
    for (const way of order) results[way].push(await time(call, ways[way]));
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
  console.log(`\n${name}`);
  for (const way of Object.keys(ways)) console.log(`  ${way.padEnd(10)} ${m[way].toFixed(0).padStart(6)} ns/call  (range ${Math.min(...results[way]).toFixed(0)}–${Math.max(...results[way]).toFixed(0)})`);
  console.log(`  check adds ${(m.checked - m.unchecked).toFixed(0)} ns per call: checked ÷ unchecked = ${(m.checked / m.unchecked).toFixed(2)}×`);
}
rmSync(app.dir, { recursive: true, force: true });
