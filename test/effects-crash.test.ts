// Crashes with real processes: a worker SIGKILLed mid-job (the job runs again once the lease ends,
// nothing is lost), a process killed right after enqueue resolved (the job is still there), and a
// SIGTERM that lets the running job finish. On SQLite, Redis, SQS, Pub/Sub and Azure Queue (the cloud ones on
// emulators this process starts; the worker processes reach them through the variables they inherit).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEffectsRuntime, openBackend } from '../runtime-shim/effects/index.js';
import { collectingLogger, redisStore, sqliteStore, waitFor, type Store } from './helpers/effects.js';
import { REPO } from './helpers/paths.js';
import { awsEmulators, sqsStore } from './helpers/aws-emulators.js';
import { pubsubEmulators, pubsubStore } from './helpers/pubsub-emulator.js';
import { azurite, azureStore } from './helpers/azurite.js';

const CHILD = join(REPO, 'lib/test/helpers/effects-child.js');
const LEASE = 800;

const markerLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

function crash(kind: string, makeStore: () => Store, startEmulators?: () => Promise<void>) {
  const t = suite<{ store: Store; children: ChildProcess[] }>(`effects crash: ${kind}`);
  // Started once per process: later suites (and files) reuse them.
  if (startEmulators) t.before(startEmulators);
  t.before.each((ctx) => {
    ctx.store = makeStore();
    ctx.children = [];
  });
  t.after.each(async (ctx) => {
    for (const c of ctx.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await ctx.store.cleanup();
  });
  const worker = (ctx: { store: Store; children: ChildProcess[] }, marker: string) => {
    const child = spawn(process.execPath, [CHILD, 'worker', JSON.stringify(ctx.store.config), ctx.store.root, marker, String(LEASE)], { stdio: ['ignore', 'ignore', 'inherit'] });
    ctx.children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

  t('a worker SIGKILLed mid-job: another worker runs the job again after the lease and completes it', async (ctx) => {
    const marker = join(ctx.store.root, 'marker.txt');
    const runtime = await createEffectsRuntime({ definitions: [{ name: 'slow', run() {}, retry: { attempts: 5, backoff: 'fixed', delayMs: 10 } }], config: ctx.store.config, root: ctx.store.root, log: collectingLogger() });
    const id = await runtime.effects.enqueue('slow' as never, { ms: 10, hangOnAttempt: 1 } as never);
    const first = worker(ctx, marker);
    await waitFor(() => markerLines(marker).some((l) => l.startsWith(`start ${id} 1 `)), 15_000, 'the first attempt to start');
    first.kill('SIGKILL');
    await exited(first);
    const killedAt = Date.now();
    assert.is((await runtime.backend.get(id))?.status, 'running', 'still leased by the dead worker');
    worker(ctx, marker);
    await waitFor(() => markerLines(marker).some((l) => l.startsWith(`done ${id} 2 `)), 20_000, 'the second attempt to finish');
    const job = await waitFor(async () => {
      const j = await runtime.backend.get(id);
      return j?.status === 'completed' ? j : null;
    });
    assert.is(job.attempt, 2);
    assert.ok(Date.now() - killedAt >= LEASE * 0.5, 'not before the lease ran out');
    await runtime.stop(1000);
  });

  t('a process killed right after enqueue resolved: the job is there on restart', async (ctx) => {
    const marker = join(ctx.store.root, 'marker.txt');
    const r = spawnSync(process.execPath, [CHILD, 'enqueue', JSON.stringify(ctx.store.config), ctx.store.root, marker, String(LEASE)], { encoding: 'utf8' });
    assert.is(r.signal, 'SIGKILL', r.stderr);
    const id = r.stdout.trim();
    assert.ok(id, 'the child printed the job id');
    const backend = await openBackend(ctx.store.config, ctx.store.root);
    try {
      const job = await backend.get(id);
      assert.is(job?.status, 'queued');
      assert.equal(job?.payload, { ms: 1 });
    } finally {
      await backend.close();
    }
  });

  t('SIGTERM: the worker stops claiming, lets the running job finish, exits 0', async (ctx) => {
    const marker = join(ctx.store.root, 'marker.txt');
    const runtime = await createEffectsRuntime({ definitions: [{ name: 'slow', run() {}, retry: { attempts: 5, backoff: 'fixed', delayMs: 10 } }], config: ctx.store.config, root: ctx.store.root, log: collectingLogger() });
    const id = await runtime.effects.enqueue('slow' as never, { ms: 700 } as never);
    const child = worker(ctx, marker);
    await waitFor(() => markerLines(marker).some((l) => l.startsWith(`start ${id} 1 `)), 15_000, 'the job to start');
    child.kill('SIGTERM');
    const code = await exited(child);
    assert.is(code, 0);
    const lines = markerLines(marker);
    assert.ok(lines.some((l) => l.startsWith(`done ${id} 1 `)), lines.join('\n'));
    assert.ok(lines.at(-1)!.startsWith('stopped'));
    assert.is((await runtime.backend.get(id))?.status, 'completed');
    await runtime.stop(1000);
  });

  t('three worker processes on one queue: every job runs exactly once, spread over the processes', async (ctx) => {
    const marker = join(ctx.store.root, 'marker.txt');
    const children = [worker(ctx, marker), worker(ctx, marker), worker(ctx, marker)];
    await waitFor(() => markerLines(marker).filter((l) => l.startsWith('ready ')).length === 3, 15_000, 'three workers');
    const runtime = await createEffectsRuntime({ definitions: [{ name: 'slow', run() {}, retry: { attempts: 5, backoff: 'fixed', delayMs: 10 } }], config: ctx.store.config, root: ctx.store.root, log: collectingLogger() });
    const ids = await Promise.all(Array.from({ length: 60 }, () => runtime.effects.enqueue('slow' as never, { ms: 20 } as never)));
    await waitFor(() => markerLines(marker).filter((l) => l.startsWith('done ')).length >= 60, 20_000, 'all jobs to finish');
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map(exited));
    const starts = markerLines(marker).filter((l) => l.startsWith('start '));
    assert.is(starts.length, 60, 'no job started twice');
    assert.equal(new Set(starts.map((l) => l.split(' ')[1])), new Set(ids));
    assert.ok(starts.every((l) => l.split(' ')[2] === '1'), 'all on their first attempt');
    assert.ok(new Set(starts.map((l) => l.split(' ')[3])).size >= 2, 'more than one process did work');
    await runtime.stop(1000);
  });

  return t;
}

crash('sqlite', sqliteStore).run();
crash('redis', redisStore).run();
crash('sqs', sqsStore, awsEmulators).run();
crash('pubsub', pubsubStore, pubsubEmulators).run();
crash('azure-queue', azureStore, azurite).run();
