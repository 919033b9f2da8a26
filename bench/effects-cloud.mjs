// What bench/effects-sqs.mjs, bench/effects-pubsub.mjs and bench/effects-azure.mjs share: a Gati
// effects runtime on the backend under test, the pump that keeps `window` operations in flight, and
// the report (medians of the rounds, time relative to the raw client). Each system has enqueue() and
// roundTrip() returning jobs/s. Options: --n, --rounds, --latency <ms> (effects-sqs.mjs only), and --before <commit>: that commit's
// runtime-shim/, transpiled from git into lib/.bench-before/ for the run, as one more system driven
// exactly like this build's (before and after then share the emulators, the load and the run).
// Beside jobs/s it prints the CPU each system spent per job, in this process (the clients, gati) and
// in all (with the emulators, its child processes): on a busy machine wall time spreads with the
// load, CPU time much less, and it is what the calls a system makes cost the emulators.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { transform } from 'esbuild';
import { createEffectsRuntime } from '../lib/runtime-shim/effects/index.js';
import { cpuTicks } from './http/harness.mjs';

export const { values } = parseArgs({ options: { n: { type: 'string', default: '500' }, rounds: { type: 'string', default: '3' }, before: { type: 'string' }, latency: { type: 'string', default: '0' } } });
export const N = Number(values.n);
export const ROUNDS = Number(values.rounds);
export const WINDOW = 32;
export const CONCURRENCY = 8;
export const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };

export async function pump(n, window, make) {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: window }, async () => { while (next < n) await make(next++); }));
  return n / ((performance.now() - started) / 1000);
}

/**
 * N jobs enqueued, then `consume` run by CONCURRENCY consumers until all N are done: jobs/s over both.
 * A consumer that finishes a job while it takes the next (a ceiling, as gati's workers do) says it is
 * done once it has started the finishing writes; `settle` waits for all of them before the clock stops.
 */
export async function roundTrip(enqueue, consumeOne, settle = async () => {}) {
  const started = performance.now();
  await pump(N, WINDOW, enqueue);
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (done < N) if (await consumeOne()) done++;
  }));
  await settle();
  return N / ((performance.now() - started) / 1000);
}

export const body = (i) => JSON.stringify({ name: 'noop', payload: { i } });

/**
 * The ceilings' hand-written batching (not gati's): the calls made in one turn of the event loop go
 * out together, in chunks of at most `max`; `run` gets a chunk's items and returns one result per
 * item, in order. Each caller gets its own item's result once its chunk has run.
 */
export function perTurn(max, run) {
  let pending = [];
  return (item) =>
    new Promise((resolve, reject) => {
      if (!pending.length) {
        setImmediate(() => {
          const all = pending;
          pending = [];
          for (let i = 0; i < all.length; i += max) {
            const chunk = all.slice(i, i + max);
            run(chunk.map((c) => c.item)).then((results) => chunk.forEach((c, k) => c.resolve(results?.[k])), (error) => chunk.forEach((c) => c.reject(error)));
          }
        });
      }
      pending.push({ item, resolve, reject });
    });
}

const beforeRoot = new URL('../lib/.bench-before/', import.meta.url);

/** createEffectsRuntime of commit `--before`, or null without it (remove with `removeBefore`). */
export async function runtimeBefore() {
  if (!values.before) return null;
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', values.before, 'runtime-shim'], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const out = new URL(file.replace(/\.ts$/, '.js'), beforeRoot);
    mkdirSync(dirname(out.pathname), { recursive: true });
    writeFileSync(out, (await transform(execFileSync('git', ['show', `${values.before}:${file}`], { encoding: 'utf8' }), { loader: 'ts', format: 'esm' })).code);
  }
  return (await import(new URL('runtime-shim/effects/index.js', beforeRoot).href)).createEffectsRuntime;
}
export const removeBefore = () => rmSync(beforeRoot, { recursive: true, force: true });

/** Gati's backend through the effects runtime (no-op effect, validation off); `config(name)` is its effects config. */
export function gatiSystem(config, create = createEffectsRuntime) {
  const runtime = (onRun) => create({ definitions: [{ name: 'noop', retry: { attempts: 3, backoff: 'exponential', delayMs: 1000 }, run: () => onRun() }], config: config(`gati-${randomUUID().slice(0, 8)}`), root: process.cwd(), log });
  return {
    async enqueue() {
      const rt = await runtime(() => {});
      try { return await pump(N, WINDOW, (i) => rt.effects.enqueue('noop', { i })); } finally { await rt.stop(1000); }
    },
    async roundTrip() {
      let done = 0;
      let finished;
      const all = new Promise((r) => (finished = r));
      const rt = await runtime(() => { if (++done === N) finished(); });
      const started = performance.now();
      await pump(N, WINDOW, (i) => rt.effects.enqueue('noop', { i }));
      rt.startWorkers({}, { concurrency: CONCURRENCY, leaseMs: 30_000 });
      await all;
      const rate = N / ((performance.now() - started) / 1000);
      await rt.stop(1000);
      return rate;
    },
  };
}

/** This process and every process under it (the emulators; gcloud's JVM), as they run now. */
function family() {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const pids = [process.pid];
  for (let i = 0; i < pids.length; i++) for (const [pid, parent] of parentOf) if (parent === pids[i]) pids.push(pid);
  return pids;
}
const ticksOf = (pids) => pids.reduce((sum, pid) => sum + (cpuTicks(pid) || 0), 0);

/**
 * Runs every system ROUNDS times, interleaved, and prints medians against `base` (the queue alone),
 * `durable` (the raw clients doing the same durable work as gati, a message and a record, one call
 * at a time) and `ceiling` (the same work and guarantees written by hand as cheaply as the services
 * allow: batched where they batch).
 */
export async function report(systems, base, durable, ceiling) {
  const results = {};
  const cpu = {};
  const pids = family();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, s] of Object.entries(systems)) {
      for (const metric of ['enqueue', 'roundTrip']) {
        const [own, all] = [cpuTicks(process.pid), ticksOf(pids)];
        ((results[name] ??= {})[metric] ??= []).push(await s[metric]());
        // Ticks are 10 ms: per job, in ms.
        ((cpu[name] ??= {})[metric] ??= []).push({ own: ((cpuTicks(process.pid) - own) * 10) / N, all: ((ticksOf(pids) - all) * 10) / N });
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, n=${N}, ${ROUNDS} rounds (median), window ${WINDOW}, ${CONCURRENCY} jobs at once${Number(values.latency) > 0 ? `, ${values.latency} ms added to every call` : ''}`);
  console.log(`raw: ${base}; plain: ${durable}; ceiling: ${ceiling}`);
  const range = (xs) => `[${xs.map((x) => x.toFixed(0)).join(', ')}]`;
  for (const metric of ['enqueue', 'roundTrip']) {
    console.log(`\n${metric === 'enqueue' ? 'enqueue' : 'enqueue→complete'} (jobs/s)`);
    const b = median(results[base][metric]);
    const d = median(results[durable][metric]);
    const c = median(results[ceiling][metric]);
    for (const name of Object.keys(systems)) {
      const m = median(results[name][metric]);
      const used = cpu[name][metric];
      const [own, all] = [median(used.map((u) => u.own)), median(used.map((u) => u.all))];
      console.log(`  ${name.padEnd(48)} ${m.toFixed(0).padStart(7)}   time × ${(b / m).toFixed(2)} of raw, × ${(d / m).toFixed(2)} of plain, × ${(c / m).toFixed(2)} of the ceiling   ${range(results[name][metric])}   CPU ${all.toFixed(2)} ms/job (${own.toFixed(2)} here)`);
    }
  }
}
