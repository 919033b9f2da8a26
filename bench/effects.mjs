// Effects benchmark: enqueue throughput, enqueue→complete throughput (no-op effect) and
// enqueue→start latency, for the SQLite backend, the Redis backend, and BullMQ used directly.
// Run after `npm run build` (it loads lib/):  node bench/effects.mjs [--n 20000] [--redis redis://127.0.0.1:6379/0]
//   [--only sqlite,redis,bullmq] (systems to run) [--baseline <lib dir of another build>] (adds that build's
//   Redis backend as "redis (baseline)", e.g. the previous commit built in a scratch checkout, for an A/B in one run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createEffectsRuntime } from '../lib/runtime-shim/effects/index.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379/0' }, window: { type: 'string', default: '256' }, samples: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' }, baseline: { type: 'string' } } });
const N = Number(values.n);
const WINDOW = Number(values.window);
const SAMPLES = Number(values.samples);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 8;
const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `make(i)` n times with at most `window` in flight; returns jobs/s. */
async function pump(n, window, make) {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: window }, async () => {
    while (next < n) await make(next++);
  }));
  return n / ((performance.now() - started) / 1000);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** A system under test: enqueue(payload), onRun(callback) and start/stop of workers. */
async function gatiSystem(config, root, create = createEffectsRuntime) {
  let onRun = () => {};
  const definitions = [{ name: 'noop', retry: { attempts: 3, backoff: 'exponential', delayMs: 1000 }, run: (p) => onRun(p) }];
  const rt = await create({ definitions, config, root, log });
  return {
    enqueue: (payload) => rt.effects.enqueue('noop', payload),
    setOnRun: (f) => (onRun = f),
    start: () => rt.startWorkers({ modules: {}, effects: rt.effects, config: {}, log }, { concurrency: CONCURRENCY }),
    stop: () => rt.stop(5000),
  };
}

async function bullmqSystem(url, prefix) {
  const { Queue, Worker } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection, prefix });
  let onRun = () => {};
  let worker;
  return {
    enqueue: (payload) => queue.add('noop', payload, { attempts: 3 }),
    setOnRun: (f) => (onRun = f),
    start: () => (worker = new Worker('raw', async (job) => onRun(job.data), { connection, prefix, concurrency: CONCURRENCY })),
    stop: async () => {
      await worker?.close();
      await queue.close();
      await connection.quit();
    },
  };
}

async function measure(label, make) {
  // 1. enqueue only
  let sys = await make();
  const enqueue = await pump(N, WINDOW, (i) => sys.enqueue({ i }));
  await sys.stop();
  // 2. enqueue → complete, workers running
  sys = await make();
  const m = Math.min(N, 10_000);
  let done = 0;
  let finished;
  const all = new Promise((r) => (finished = r));
  sys.setOnRun(() => { if (++done === m) finished(); });
  sys.start();
  const t0 = performance.now();
  await pump(m, WINDOW, (i) => sys.enqueue({ i }));
  await all;
  const roundTrip = m / ((performance.now() - t0) / 1000);
  // 3. latency: one job at a time into idle workers
  const lat = [];
  for (let i = 0; i < SAMPLES; i++) {
    let startedAt;
    const ran = new Promise((r) => sys.setOnRun(() => { startedAt = performance.now(); r(); }));
    const t = performance.now();
    await sys.enqueue({ i });
    await ran;
    lat.push(startedAt - t);
    await sleep(2);
  }
  await sys.stop();
  const row = { label, enqueue, roundTrip, p50: pct(lat, 50), p99: pct(lat, 99) };
  print(row);
  return row;
}

function print(row) {
  console.log(`${row.label.padEnd(24)} enqueue ${row.enqueue.toFixed(0).padStart(6)} jobs/s   enqueue→complete ${row.roundTrip.toFixed(0).padStart(6)} jobs/s   enqueue→start p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms`);
}

async function cleanRedis(url, prefix) {
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  let cursor = '0';
  do {
    const [c, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = c;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  r.disconnect();
}

console.log(`effects bench: ${new Date().toISOString()}, node ${process.version}, ${cpus().length}× ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; N=${N}, window=${WINDOW}, worker concurrency=${CONCURRENCY}, latency samples=${SAMPLES}`);
const roots = [];
const prefixes = [];
const systems = {
  'sqlite (gati)': async () => {
    const root = mkdtempSync(join(tmpdir(), 'gati-bench-effects-'));
    roots.push(root);
    return gatiSystem({ backend: 'sqlite' }, root);
  },
  'redis (gati)': async () => {
    const prefix = `gati-bench-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    return gatiSystem({ backend: 'redis', url: `${values.redis}?prefix=${prefix}` }, tmpdir());
  },
  'bullmq (direct)': async () => {
    const prefix = `gati-bench-raw-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    return bullmqSystem(values.redis, prefix);
  },
};
if (values.baseline) {
  const { createEffectsRuntime: createBaseline } = await import(join(values.baseline, 'runtime-shim/effects/index.js'));
  systems['redis (baseline)'] = async () => {
    const prefix = `gati-bench-base-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    return gatiSystem({ backend: 'redis', url: `${values.redis}?prefix=${prefix}` }, tmpdir(), createBaseline);
  };
}
if (values.only) {
  const keep = values.only.split(',');
  for (const label of Object.keys(systems)) if (!keep.some((k) => label.startsWith(k))) delete systems[label];
}
// Rounds interleave the systems, so that load from other processes hits them alike; medians are reported.
const results = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}`);
  // The order rotates each round: the first Redis system of a run also warms ioredis and BullMQ up for the others.
  const entries = Object.entries(systems);
  const order = [...entries.slice((round - 1) % entries.length), ...entries.slice(0, (round - 1) % entries.length)];
  for (const [label, make] of order) results[label].push(await measure(label, make));
}
const median = (xs) => pct(xs, 50);
const rows = Object.entries(results).map(([label, rs]) => ({ label: `${label} median`, enqueue: median(rs.map((r) => r.enqueue)), roundTrip: median(rs.map((r) => r.roundTrip)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) }));
console.log(`medians of ${ROUNDS} rounds`);
rows.forEach(print);
for (const r of roots) rmSync(r, { recursive: true, force: true });
for (const p of prefixes) await cleanRedis(values.redis, p);
// Each Gati Redis build against BullMQ used directly (when both ran).
const d = results['bullmq (direct)'];
for (const label of ['redis (gati)', 'redis (baseline)']) {
  const g = results[label];
  if (!g || !d) continue;
  const redis = rows.find((r) => r.label === `${label} median`);
  const raw = rows.find((r) => r.label === 'bullmq (direct) median');
  console.log(`${label} vs BullMQ direct, ratio of medians: enqueue ${(raw.enqueue / redis.enqueue).toFixed(2)}× slower, enqueue→complete ${(raw.roundTrip / redis.roundTrip).toFixed(2)}× slower, p50 latency ${(redis.p50 / raw.p50).toFixed(2)}×`);
  // Paired per round (both ran within seconds of each other), then the median: less exposed to load swings.
  const ratios = (f) => g.map((_, i) => f(g[i], d[i]));
  const rt = ratios((a, b) => b.roundTrip / a.roundTrip);
  console.log(`${label} vs BullMQ direct, median of per-round ratios: enqueue ${median(ratios((a, b) => b.enqueue / a.enqueue)).toFixed(2)}× slower, enqueue→complete ${median(rt).toFixed(2)}× slower (rounds: ${rt.map((x) => x.toFixed(2)).join(' ')}), p50 latency ${median(ratios((a, b) => a.p50 / b.p50)).toFixed(2)}×`);
}
