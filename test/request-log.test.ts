// The per-request log line of the built server (fixtures/serving plus a handler that crashes the
// process): the lines are buffered, so this checks that none is lost however the server ends —
// SIGTERM right after a burst of requests, an uncaught exception, a cluster of workers — on every
// engine, with the line's fields, and without secrets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

const BURST = 300;

// Thrown outside the request's promise chain, one turn later: nothing catches it and the process
// dies with this request's own line (written after the handler) still in the log buffer.
const CRASH_HANDLER = `import type { Handler } from 'gati';

export const handler: Handler<{}, { crashing: boolean }> = async () => {
  setImmediate(() => {
    throw new Error('crash outside the request');
  });
  return { crashing: true };
};
`;

const requestLog = suite('request log lines');
let dir: string;

requestLog.before(() => {
  dir = copyFixture('serving');
  writeFileSync(join(dir, 'src/handlers/crash.ts'), CRASH_HANDLER);
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
});

requestLog.after(() => removeDir(dir));

/** Sends BURST concurrent GETs, each with its own request id (and rate-limit bucket); returns the ids. */
async function burst(app: RunningApp, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: BURST }, (_, i) => `${prefix}-${i}`);
  const statuses = await Promise.all(ids.map(async (id, i) => {
    const res = await fetch(`${app.url}/items/${i}`, { headers: { 'x-request-id': id, 'x-client': id, authorization: 'Bearer secret-token-value' } });
    await res.arrayBuffer();
    return res.status;
  }));
  assert.ok(statuses.every((s) => s === 200), 'every request answered 200');
  return ids;
}

/** Resolves once the server's stdout and stderr are closed (its last lines read). */
function outputClosed(app: RunningApp): Promise<void> {
  const closed = (stream: NodeJS.ReadableStream & { closed?: boolean }) => (stream.closed ? Promise.resolve() : new Promise<void>((r) => stream.once('close', () => r())));
  return Promise.all([closed(app.child.stdout!), closed(app.child.stderr!)]).then(() => undefined);
}

function assertLogged(app: RunningApp, ids: string[], route = 'GET /items/:id', status = 200): void {
  const lines = new Map(app.logs.filter((l) => l.msg === 'request').map((l) => [l.reqId, l]));
  const missing = ids.filter((id) => !lines.has(id));
  assert.equal(missing, [], `${missing.length} of ${ids.length} request lines missing`);
  const line = lines.get(ids[ids.length - 1]!)!;
  assert.equal(Object.keys(line), ['level', 'time', 'app', 'reqId', 'method', 'route', 'status', 'durationMs', 'msg']);
  assert.is(line.level, 'info');
  assert.is(line.app, 'serving');
  assert.is(line.method, 'GET');
  assert.is(line.route, route);
  assert.is(line.status, status);
  assert.type(line.durationMs, 'number');
  // Milliseconds to the microsecond: at most three decimals are printed.
  assert.ok(/"durationMs":\d+(\.\d{1,3})?,/.test(JSON.stringify(line)), `durationMs ${line.durationMs} has more than three decimals`);
}

for (const engine of ENGINES) {
  requestLog(`[${engine.name}] SIGTERM right after a burst: every request's line is in stdout`, async () => {
    const app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    let code: number | null;
    try {
      const ids = await burst(app, `term-${engine.name}`);
      code = await app.stop('SIGTERM');
      await outputClosed(app);
      assertLogged(app, ids);
    } finally {
      await app.stop('SIGKILL');
    }
    assert.is(code, 0);
    assert.ok(app.logs.some((l) => l.msg === 'stopped'), 'the shutdown lines are there too');
    assert.not.match(app.output(), 'secret-token-value');
  });

  requestLog(`[${engine.name}] an uncaught exception kills the server: the lines still buffered are written`, async () => {
    const app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    try {
      const ids = await burst(app, `crash-${engine.name}`);
      const exited = new Promise<number | null>((r) => (app.child.exitCode !== null ? r(app.child.exitCode) : app.child.once('exit', (c) => r(c))));
      // The answer may or may not leave before the process dies; its log line must be written either way.
      await fetch(`${app.url}/crash`, { headers: { 'x-request-id': `crash-${engine.name}-last` } }).then((r) => r.arrayBuffer()).catch(() => undefined);
      const code = await exited;
      await outputClosed(app);
      assert.is.not(code, 0, 'the process died');
      assertLogged(app, ids);
      assertLogged(app, [`crash-${engine.name}-last`], 'GET /crash');
    } finally {
      await app.stop('SIGKILL');
    }
  });
}

requestLog('[node] gati start --workers 2: SIGTERM to the primary, every worker writes its lines', async () => {
  const app = await runServer([GATI_BIN, 'start', '.', '--workers', '2'], dir);
  try {
    const ids = await burst(app, 'cluster');
    assert.is(await app.stop('SIGTERM'), 0);
    await outputClosed(app);
    assertLogged(app, ids);
    assert.is(app.logs.filter((l) => l.msg === 'stopped').length, 2, 'both workers stopped');
  } finally {
    await app.stop('SIGKILL');
  }
});

requestLog.run();
