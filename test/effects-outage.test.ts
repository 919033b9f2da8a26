// The effects backend going away does not take the HTTP server with it (issue 14, item 4): with a
// real redis-server started here on a spare port, a server whose Redis is down at start still
// listens (/_health 200, /_ready 503 with the reason, routes without effects 200, enqueue 503 with
// Retry-After) and logs the outage as a few JSON lines, not a stack a second; under load, Redis
// stopped and started again: routes without effects keep answering 200, enqueue answers 503 while
// it is down, everything recovers by itself, and no job whose enqueue resolved is lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

const REDIS = '/usr/bin/redis-server';

function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server with an append-only file fsynced on every write, so a job Redis acknowledged survives a restart. */
class RedisServer {
  private child: ChildProcess | undefined;
  constructor(readonly port: number, readonly dir: string) {}
  async start(): Promise<void> {
    const child = spawn(REDIS, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
    });
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const remind = (url: string, note: string) =>
  fetch(`${url}/remind`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note, at: '2026-03-01T09:30:00.000Z' }) });

function runNotes(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  return new Set(readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { note: string }).note));
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every line the server printed is a JSON log line (no raw ioredis stacks). */
function assertJsonLines(app: RunningApp): void {
  for (const line of app.output().split('\n').filter((l) => l.trim())) {
    try {
      JSON.parse(line);
    } catch {
      assert.unreachable(`not a JSON log line: ${line}`);
    }
  }
}

let dir: string;
let redis: RedisServer;
let runs: string;

test.before(async () => {
  const port = await sparePort();
  redis = new RedisServer(port, mkdtempSync(join(tmpdir(), 'gati-redis-')));
  dir = copyFixture('effects-app');
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ effects: { backend: 'redis', url: `redis://127.0.0.1:${port}/0?prefix=outage` } }));
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  runs = join(dir, 'runs.jsonl');
});

test.after(async () => {
  await redis.stop();
  removeDir(redis.dir);
  removeDir(dir);
});

test('Redis down at start: the server listens, /_ready 503 with the reason, other routes 200, enqueue 503 + Retry-After; it recovers when Redis comes', async () => {
  const app = await runServer(['dist/server.mjs'], dir, { RUNS_FILE: runs });
  try {
    assert.is((await fetch(`${app.url}/_health`)).status, 200);
    const ready = await fetch(`${app.url}/_ready`);
    assert.is(ready.status, 503);
    assert.is(ready.headers.get('content-type'), 'application/problem+json');
    const body = (await ready.json()) as { detail: string };
    assert.match(body.detail, 'the effects backend (redis) is unreachable (ECONNREFUSED)');
    assert.is((await fetch(`${app.url}/ping`)).status, 200);
    const refused = await remind(app.url, 'while-down');
    assert.is(refused.status, 503);
    assert.is(refused.headers.get('retry-after'), '5');
    assert.is(refused.headers.get('content-type'), 'application/problem+json');
    assert.match(((await refused.json()) as { detail: string }).detail, "the effects backend (redis) is unavailable, so 'remind' was not enqueued");
    // Several reconnect attempts fail meanwhile; the log says it once (then at growing intervals).
    await sleep(3000);
    const outageLines = app.logs.filter((l) => String(l.msg).startsWith('effects backend'));
    assert.is(outageLines.length, 1, JSON.stringify(outageLines));
    assert.is(outageLines[0]!.level, 'error');
    assert.not.match(app.output(), /ECONNREFUSED.*\n\s+at /);

    await redis.start();
    await until(async () => (await fetch(`${app.url}/_ready`)).status === 200, 15_000, '/_ready to turn 200');
    assert.is((await remind(app.url, 'after-start')).status, 202);
    await until(() => runNotes(runs).has('after-start'), 15_000, 'the job to run');
    assert.ok(app.logs.some((l) => l.msg === 'effects backend reachable again'));
    assertJsonLines(app);
  } finally {
    await app.stop('SIGKILL');
  }
});

test('Redis stopped and started under load: other routes keep answering, enqueue 503 meanwhile, no accepted job lost, recovery on its own', async () => {
  const app = await runServer(['dist/server.mjs'], dir, { RUNS_FILE: runs });
  try {
    await until(async () => (await fetch(`${app.url}/_ready`)).status === 200, 15_000, '/_ready');
    const accepted = new Set<string>();
    const statuses = { remind: new Map<number, number>(), ping: new Map<number, number>() };
    const count = (m: Map<number, number>, s: number) => m.set(s, (m.get(s) ?? 0) + 1);
    let load = true;
    let n = 0;
    const enqueuer = async () => {
      while (load) {
        const note = `load-${n++}`;
        const res = await remind(app.url, note).catch(() => undefined);
        if (!res) continue;
        count(statuses.remind, res.status);
        const text = await res.text();
        if (res.status === 202) accepted.add(note);
        else {
          assert.is(res.status, 503, text);
          assert.is(res.headers.get('retry-after'), '5');
          await sleep(20);
        }
      }
    };
    const pinger = async () => {
      while (load) {
        const res = await fetch(`${app.url}/ping`);
        count(statuses.ping, res.status);
        await res.arrayBuffer();
        await sleep(10);
      }
    };
    const workers = [enqueuer(), enqueuer(), enqueuer(), pinger()];
    await sleep(1000);
    const beforeOutage = accepted.size;
    await redis.stop();
    await sleep(2000);
    const readyDuring = await fetch(`${app.url}/_ready`);
    assert.is(readyDuring.status, 503);
    await readyDuring.arrayBuffer();
    await redis.start();
    await until(async () => (await fetch(`${app.url}/_ready`)).status === 200, 20_000, '/_ready after Redis returned');
    const afterRecovery = accepted.size;
    await sleep(1000);
    load = false;
    await Promise.all(workers);

    assert.ok(beforeOutage > 0, 'jobs were accepted before the outage');
    assert.ok(accepted.size > afterRecovery, 'jobs are accepted again after the outage');
    assert.ok((statuses.remind.get(503) ?? 0) > 0, `enqueue answered 503 during the outage: ${JSON.stringify([...statuses.remind])}`);
    assert.equal([...statuses.ping.keys()], [200], `routes without effects answered only 200: ${JSON.stringify([...statuses.ping])}`);
    // A job that was running when Redis went away could not record its end: it runs again once its
    // lease (30 s) has run out and BullMQ's stalled check (every 15 s) puts it back.
    await until(() => [...accepted].every((note) => runNotes(runs).has(note)), 75_000, `every accepted job to run (${accepted.size} accepted)`).catch((error: Error) => {
      throw new Error(`${error.message}; not run: ${[...accepted].filter((note) => !runNotes(runs).has(note)).join(', ')}`);
    });
    const downLines = app.logs.filter((l) => l.msg === 'effects backend unreachable; retrying in the background (enqueue answers 503, /_ready 503)');
    assert.is(downLines.length, 1, 'one line when it went down');
    assert.ok(app.logs.some((l) => l.msg === 'effects backend reachable again'));
    assertJsonLines(app);
  } finally {
    await app.stop('SIGKILL');
  }
});

test.run();
