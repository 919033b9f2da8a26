// A Date in an effect payload (issue 14, item 3): the handler enqueues Dates, the payload is
// validated and stored in its wire form, and `run` gets Dates again — in the server process on
// SQLite (node and bun, which opens the file with node:sqlite), and across processes on Redis (an
// api process enqueues, a separate worker process runs). The types say the same: a real tsc accepts
// `enqueue('remind', { at: new Date() })` and refuses a string.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ENGINES, builtFixtureCopy, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { REPO } from './helpers/paths.js';
import { tsc } from './helpers/tsc.js';

interface RunRecord { note: string; atIsDate: boolean; at: string; windowsAreDates: boolean; hour: number }

const AT = '2026-03-01T09:30:00.000Z';
const WINDOWS = [{ from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T10:00:00.000Z' }];

async function waitForRuns(file: string, count: number): Promise<RunRecord[]> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
      if (lines.length >= count) return lines.map((l) => JSON.parse(l) as RunRecord);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no run recorded in ${file}`);
}

async function enqueueAndCheck(url: string, runs: string, note: string): Promise<void> {
  const res = await fetch(`${url}/remind`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note, at: AT, windows: WINDOWS }) });
  const text = await res.text();
  assert.is(res.status, 202, text);
  assert.type((JSON.parse(text) as { jobId: string }).jobId, 'string');
  const [record] = await waitForRuns(runs, 1);
  assert.equal({ ...record!, jobId: undefined }, { note, jobId: undefined, atIsDate: true, at: AT, windowsAreDates: true, hour: 9 });
}

for (const engine of ENGINES.filter((e) => e.name === 'node' || e.name === 'bun')) {
  test(`[${engine.name}] SQLite: a payload with Dates is enqueued by a handler and run receives Dates`, async () => {
    const { dir, built } = builtFixtureCopy('effects-app');
    let app: RunningApp | undefined;
    try {
      assert.is(built.status, 0, built.stderr + built.stdout);
      const runs = join(dir, 'runs.jsonl');
      app = await runServer([...engine.args, 'dist/server.mjs'], dir, { RUNS_FILE: runs }, engine.executable);
      await enqueueAndCheck(app.url, runs, `sqlite-${engine.name}`);
    } finally {
      await app?.stop('SIGKILL');
      removeDir(dir);
    }
  });
}

test('[node] Redis: an api process enqueues Dates, a separate worker process runs them with Dates', async () => {
  const dir = copyFixture('effects-app');
  let api: RunningApp | undefined;
  let worker: RunningApp | undefined;
  try {
    const prefix = `dates-${randomUUID().slice(0, 8)}`;
    writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ effects: { backend: 'redis', url: `redis://127.0.0.1:6379/0?prefix=${prefix}` } }));
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    const runs = join(dir, 'runs.jsonl');
    api = await runServer(['dist/server.mjs'], dir, { RUNS_FILE: runs, GATI_ROLE: 'api' });
    const res = await fetch(`${api.url}/remind`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'redis', at: AT, windows: WINDOWS }) });
    assert.is(res.status, 202, await res.text());
    await new Promise((r) => setTimeout(r, 300));
    assert.not.ok(existsSync(runs), 'the api process runs no job');
    worker = await runServer(['dist/worker.mjs'], dir, { RUNS_FILE: runs });
    const [record] = await waitForRuns(runs, 1);
    assert.is(record!.atIsDate, true);
    assert.is(record!.at, AT);
    assert.is(record!.windowsAreDates, true);
  } finally {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    removeDir(dir);
  }
});

test('the context types take the in-process payload: a Date type-checks, a string does not (real tsc)', () => {
  const { dir, built } = builtFixtureCopy('effects-app');
  try {
    assert.is(built.status, 0, built.stderr + built.stdout);
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    tsconfig.compilerOptions.paths = { gati: [join(REPO, 'runtime-shim/index.ts')] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(dir, 'src/handlers/typed.ts'), `import type { Handler } from 'gati';
export const route = 'POST /typed';
export const handler: Handler<{}, { 200: { id: string } }> = async (_req, _res, gctx) => {
  const id = await gctx.effects.enqueue('remind', { note: 'n', at: new Date(), windows: [{ from: new Date(), to: new Date() }] }); // fine
  await gctx.effects.enqueue('remind', { note: 'n', at: '2026-03-01T09:30:00Z', windows: [] });                                 // error: at is a Date
  return { id };
};
`);
    const run = tsc(dir, { noEmit: true });
    const lines = [...run.stdout.matchAll(/typed\.ts\((\d+),/g)].map((m) => Number(m[1]));
    assert.equal(lines, [5], run.stdout);
    assert.match(run.stdout, /Type 'string' is not assignable to type 'Date'/);
  } finally {
    removeDir(dir);
  }
});

test.run();
