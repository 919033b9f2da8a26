// Runs the compiled test files (lib/test/*.test.js) in parallel uvu processes ("shards"), balanced by
// each file's measured time (scripts/test-times.json), and prints one total in uvu's format.
//
//   node scripts/test.mjs [pattern] [--shards N]
//
// pattern: a regular expression on the file name, as uvu takes it (default: every .test.js file).
// --shards (or GATI_TEST_SHARDS): how many uvu processes; 1 runs plain uvu in this terminal's order.
// Each shard's lines are prefixed with its number; the exit code is non-zero when any test failed
// or any shard did not finish.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'lib/test');
// uvu's CLI, as `npm test` ran it (its package exports list neither bin.js nor package.json).
const uvu = join(root, 'node_modules/uvu/bin.js');

const args = process.argv.slice(2);
const shardFlag = args.indexOf('--shards');
const shardCount = Math.max(1, Number(shardFlag !== -1 ? args.splice(shardFlag, 2)[1] : process.env.GATI_TEST_SHARDS ?? Math.min(2, availableParallelism())));
const pattern = new RegExp(args[0] ?? '\\.test\\.js$');

if (!existsSync(testDir)) {
  console.error('lib/test is missing: build first (node scripts/build.mjs)');
  process.exit(1);
}
const files = readdirSync(testDir).filter((f) => f.endsWith('.test.js') && pattern.test(f)).sort();
if (!files.length) {
  console.error(`no test file in lib/test matches ${pattern}`);
  process.exit(1);
}

/** Seconds per file, measured alone (scripts/test-times.mjs refreshes them); a file not measured yet counts as the median. */
function measuredTimes() {
  const file = join(root, 'scripts/test-times.json');
  const times = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).seconds : {};
  const known = Object.values(times).sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 1;
  return (name) => times[name.replace(/\.test\.js$/, '')] ?? median;
}

/**
 * What a test process starts once and shares between its files (test/helpers: the emulators, the
 * infra app's build, built fixtures): files that use the same one run in the same process.
 */
const SHARED_SETUP = /helpers\/(pubsub-emulator|aws-emulators|azurite)\.js|builtInfraApp|builtFixtureCopy/g;

/** The files in groups: each file alone, except those that share a per-process setup. */
function groups(names) {
  const byTag = new Map();
  const groupOf = new Map(names.map((n) => [n, [n]]));
  for (const name of names) {
    const tags = new Set([...readFileSync(join(testDir, name), 'utf8').matchAll(SHARED_SETUP)].map((m) => m[1] ?? m[0]));
    for (const tag of tags) {
      const other = byTag.get(tag);
      byTag.set(tag, name);
      if (!other || groupOf.get(other) === groupOf.get(name)) continue;
      const merged = [...groupOf.get(other), ...groupOf.get(name)];
      for (const n of merged) groupOf.set(n, merged);
    }
  }
  return [...new Set(groupOf.values())];
}

/** Longest group first, each to the shard with the least time so far. */
function balance(names, count) {
  const secondsOf = measuredTimes();
  const sum = (group) => group.reduce((t, n) => t + secondsOf(n), 0);
  const shards = Array.from({ length: Math.min(count, names.length) }, () => ({ files: [], seconds: 0 }));
  for (const group of groups(names).sort((a, b) => sum(b) - sum(a))) {
    const lightest = shards.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    lightest.files.push(...group);
    lightest.seconds += sum(group);
  }
  return shards;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Runs one uvu process on `names`; resolves with its counts as its summary printed them. */
function runShard(index, names, prefix) {
  const filePattern = `^(${names.map(escape).join('|')})$`;
  const child = spawn(process.execPath, [uvu, 'lib/test', filePattern], {
    cwd: root,
    env: { ...process.env, GATI_TEST_SHARD: String(index) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const relay = (stream, out) => {
    let partial = '';
    stream.on('data', (chunk) => {
      const s = chunk.toString();
      text += s;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const line of lines) out.write(`${prefix}${line}\n`);
    });
    stream.on('end', () => partial && out.write(`${prefix}${partial}\n`));
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const count = (label) => Number(/\s+(\d+)/.exec(plain(text).split(`${label}:`).pop() ?? '')?.[1] ?? NaN);
      resolve({ index, code, signal, total: count('Total'), passed: count('Passed'), skipped: count('Skipped') });
    });
  });
}

const started = process.hrtime.bigint();
const shards = balance(files, shardCount);
const single = shards.length === 1;
if (!single) for (const [i, s] of shards.entries()) console.log(`[${i + 1}] ${s.files.length} files, ~${Math.round(s.seconds)} s measured alone`);
// One shard: uvu's own lines, unprefixed, and its own total.
const results = await Promise.all(shards.map((s, i) => runShard(i + 1, s.files, single ? '' : `[${i + 1}] `)));

const total = results.reduce((n, r) => n + (r.total || 0), 0);
const passed = results.reduce((n, r) => n + (r.passed || 0), 0);
const skipped = results.reduce((n, r) => n + (r.skipped || 0), 0);
const unfinished = results.filter((r) => Number.isNaN(r.total) || r.code !== 0 && r.total === r.passed);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (!single) process.stdout.write(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${ms.toFixed(2)}ms\n\n`);
console.log(`${passed} passed, ${total - passed} failed`);
for (const r of unfinished) console.error(`shard ${r.index} did not finish cleanly (exit ${r.code ?? r.signal}): see its [${r.index}] lines above`);
process.exit(results.every((r) => r.code === 0) && total === passed && !unfinished.length ? 0 : 1);
