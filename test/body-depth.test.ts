// The nesting-depth check of request bodies (body.ts `nestsDeeperThan`, validation.maxDepth)
// against the depth of what JSON.parse makes of the same text, on generated JSON whose strings are
// full of brackets, quotes and backslashes (what a scan that miscounts strings would get wrong);
// and the config key's bounds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nestsDeeperThan } from '../runtime-shim/server/body.js';
import { loadConfig } from '../compiler/config/load-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { seededRandom } from './helpers/random.js';

/** Nesting of arrays/objects in a parsed value, walked without recursion. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d + 1);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const NASTY = ['[', ']', '{', '}', '"', '\\', '\\"', '"]', 'a', ' ', '\\\\', 'é', '\u2028'];

function value(rnd: () => number, depth: number): unknown {
  const pick = rnd();
  const text = () => Array.from({ length: Math.floor(rnd() * 6) }, () => NASTY[Math.floor(rnd() * NASTY.length)]).join('');
  if (depth <= 0 || pick < 0.3) return pick < 0.1 ? Math.floor(rnd() * 100) : pick < 0.15 ? null : text();
  const n = Math.floor(rnd() * 3) + (pick < 0.9 ? 1 : 0);
  if (pick < 0.6) return Array.from({ length: n }, () => value(rnd, depth - 1));
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${text()}${i}`, value(rnd, depth - 1)]));
}

test('nestsDeeperThan agrees with the parsed depth on 3000 generated bodies, at every limit around it', () => {
  const rnd = seededRandom(14);
  for (let i = 0; i < 3000; i++) {
    const text = JSON.stringify(value(rnd, Math.floor(rnd() * 12)), null, i % 3 === 0 ? 1 : undefined);
    const depth = depthOf(JSON.parse(text));
    for (const max of [depth - 1, depth, depth + 1]) {
      if (max < 1) continue;
      // The length shortcut (text.length <= max) must never hide a deep body either.
      assert.is(nestsDeeperThan(text, max), depth > max, `case ${i}, max ${max}: ${text}`);
    }
  }
});

test('nestsDeeperThan: 100 000 levels, unterminated strings and stray closers cost no stack and no throw', () => {
  assert.ok(nestsDeeperThan('['.repeat(100_000), 64));
  assert.ok(nestsDeeperThan('{"a":'.repeat(100_000), 64));
  assert.not.ok(nestsDeeperThan(`["${'['.repeat(100_000)}`, 64), 'inside an unterminated string');
  // A stray closer ends the scan: JSON.parse fails at it, before reaching any opener after it.
  assert.not.ok(nestsDeeperThan(']' + '['.repeat(100_000), 64));
  assert.throws(() => JSON.parse(']' + '['.repeat(100_000)));
  assert.ok(nestsDeeperThan('["\\\\"' + '['.repeat(65), 64), 'an escaped backslash does not escape the quote');
  assert.not.ok(nestsDeeperThan('["\\"' + '['.repeat(65), 64), 'an escaped quote does not end the string');
});

test('validation.maxDepth: an integer from 1 to 1000 in gati.config; anything else is GATI4002', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-maxdepth-'));
  try {
    const file = join(dir, 'gati.config.json');
    for (const [value, ok] of [[64, true], [1, true], [1000, true], [0, false], [1001, false], [2.5, false], ['64', false]] as const) {
      writeFileSync(file, JSON.stringify({ validation: { maxDepth: value } }));
      const bag = new DiagnosticBag();
      const { config } = await loadConfig(dir, [file], bag);
      assert.equal(bag.items.map((d) => d.code), ok ? [] : ['GATI4002'], `maxDepth ${JSON.stringify(value)}`);
      if (ok) assert.is(config.validation?.maxDepth, value);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
