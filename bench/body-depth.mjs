#!/usr/bin/env node
// The nesting-depth check (issue 14, validation.maxDepth): what the one pass over a JSON body's text
// costs next to the JSON.parse it guards, with mitata, in the same run.
//
// Usage (from the repository root, after `npm run build`): node bench/body-depth.mjs (or
// node_modules/.bin/bun bench/body-depth.mjs)
//
// Bodies: bench/http/body.json (the POST bench's 313-byte order), a 64 KiB array of such orders, a
// 1 MiB one, and a 1 MiB body of long strings full of brackets (the scan's worst case for strings).
// Each case prints mitata's per-iteration time for the check alone (nestsDeeperThan: a count of
// opening brackets, then the scan only past `max` of them) and for JSON.parse alone, and the ratio.
import { readFileSync } from 'node:fs';
import { measure } from 'mitata';
import { nestsDeeperThan } from '../lib/runtime-shim/server/body.js';

const order = readFileSync(new URL('./http/body.json', import.meta.url), 'utf8').trim();
const arrayOf = (bytes) => {
  const n = Math.ceil(bytes / (order.length + 1));
  return `[${Array.from({ length: n }, () => order).join(',')}]`;
};
const strings = JSON.stringify(Array.from({ length: 1024 }, () => '[{"x": "\\"}]'.repeat(85)));

const cases = [
  ['POST bench body (313 B)', order],
  ['64 KiB array of orders', arrayOf(64 * 1024)],
  ['1 MiB array of orders', arrayOf(1024 * 1024)],
  ['1 MiB of bracket-filled strings', strings],
];

const ns = (stats) => stats.p50;
const engine = globalThis.Bun ? `bun ${globalThis.Bun.version}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
console.log(engine);
for (const [name, text] of cases) {
  if (nestsDeeperThan(text, 64)) throw new Error(`${name}: unexpectedly deep`);
  JSON.parse(text);
  const scan = await measure(() => nestsDeeperThan(text, 64));
  const parse = await measure(() => JSON.parse(text));
  console.log(`${name.padEnd(34)} ${String(text.length).padStart(8)} chars  scan p50 ${fmt(ns(scan))}  JSON.parse p50 ${fmt(ns(parse))}  scan/parse ${(ns(scan) / ns(parse)).toFixed(3)}×`);
}

function fmt(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} ms` : n >= 1e3 ? `${(n / 1e3).toFixed(2)} µs` : `${n.toFixed(0)} ns`;
}
