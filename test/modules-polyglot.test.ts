// fixtures/polyglot on the real server (`gati start`): a Python module and a Rust one, each a
// local process of its `dev.command`, and an npm-package module in-process. Typed calls through
// each kind, the boundary validators (an invalid result is a 502 naming the module, the function
// and the pointer; invalid arguments a 500; the npm package's checked in-process the same way), and a module process killed under load: restarted,
// callers see 503 and then 200 again, and no request hangs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GATI_BIN, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { polyglotApp, type PolyglotApp } from './helpers/polyglot-app.js';
import { startCollector } from './helpers/otlp-collector.js';
import { HttpModuleClient } from '../runtime-shim/modules/http-module-client.js';
import { HttpError } from '../runtime-shim/http-error.js';

const polyglot = suite('polyglot modules');
let app: PolyglotApp;
let server: RunningApp;

polyglot.before(async () => {
  app = polyglotApp();
  if (app.noRust) console.log(`  (the Rust module is skipped: ${app.noRust})`);
  const built = gatiSync(['build', app.dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  // Without rustc the tally module points nowhere instead of at a binary that is not there.
  server = await runServer([GATI_BIN, 'start', app.dir], app.dir, app.noRust ? { GATI_MODULE_TALLY_URL: 'http://127.0.0.1:9' } : {});
});

polyglot.after(async () => {
  await server?.stop('SIGTERM');
  removeDir(app.dir);
});

const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });

polyglot('typed calls through each kind: Python (container, dev.command), Rust (container, dev.command), npm package', async () => {
  const scored = await post('/score', { items: [{ id: 'a', text: 'one two' }, { id: 'b', text: 'one two three four' }] });
  assert.is(scored.status, 200);
  assert.equal(await scored.json(), { scores: [{ id: 'a', score: 0.2 }, { id: 'b', score: 0.4 }], best: 'b' });
  const words = await fetch(`${server.url}/words?text=${encodeURIComponent('the quick brownest fox')}`);
  assert.equal(await words.json(), { words: 4, longest: 'brownest' });
  if (app.noRust) return;
  const sum = await fetch(`${server.url}/add?a=2&b=3.5`);
  assert.is(sum.status, 200);
  assert.equal(await sum.json(), { sum: 5.5 });
});

polyglot('the npm package, in-process, is checked at the boundary: valid calls work (its Dates stay Dates), a bad argument is a 500 and a wrong result a 502, each with the pointer', async () => {
  const top = await post('/top', { text: 'a b a c b a', options: '{"limit":2}' });
  assert.is(top.status, 200);
  assert.equal(await top.json(), { top: ['a', 'b'] });
  // wordsSince calls getTime() on its arguments: it was given Dates, not their JSON form.
  const since = await fetch(`${server.url}/since?since=2026-03-01T00:00:00Z`);
  assert.is(since.status, 200);
  assert.equal(await since.json(), { since: '2026-03-01T00:00:00.000Z', words: 4 });
  const bad = await post('/top', { text: 'a b', options: '{"limit":"2"}' });
  assert.is(bad.status, 500);
  assert.is(bad.headers.get('content-type'), 'application/problem+json');
  const badBody = (await bad.json()) as Record<string, unknown>;
  assert.equal([badBody.module, badBody.function, badBody.pointer], ['textStats', 'topWords', '/1/limit']);
  assert.is(badBody.detail, 'module textStats.topWords was called with an invalid argument: /1/limit must be number');
  const wrong = await fetch(`${server.url}/summary?text=${encodeURIComponent('hello world')}`);
  assert.is(wrong.status, 502);
  assert.is(wrong.headers.get('content-type'), 'application/problem+json');
  const wrongBody = (await wrong.json()) as Record<string, unknown>;
  assert.equal([wrongBody.module, wrongBody.function, wrongBody.pointer], ['textStats', 'summary', '/words']);
  assert.is(wrongBody.detail, 'module textStats.summary returned an invalid result: /words must be number');
});

polyglot("a module's error answer is re-raised with its status and detail", async () => {
  const refused = await post('/score', { items: [{ id: '', text: 'x' }] });
  assert.is(refused.status, 422);
  assert.is(refused.headers.get('content-type'), 'application/problem+json');
  const body = (await refused.json()) as Record<string, unknown>;
  assert.is(body.detail, 'every item needs an id');
  assert.is(body.module, 'scorer');
  assert.is(body.function, 'score');
});

polyglot('a result that breaks the interface is a 502 problem naming the module, the function and the pointer', async () => {
  const res = await fetch(`${server.url}/legacy?text=x`);
  assert.is(res.status, 502);
  assert.is(res.headers.get('content-type'), 'application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  assert.is(body.module, 'scorer');
  assert.is(body.function, 'legacyScore');
  assert.is(body.pointer, '');
  assert.match(String(body.detail), 'module scorer.legacyScore returned an invalid result: / must be number');
  const metrics = await (await fetch(`${server.url.replace(/:\d+$/, '')}:${adminPort()}/metrics`)).text();
  assert.match(metrics, 'gati_module_calls_total{module="scorer",function="legacyScore",outcome="invalid"} 1');
  assert.match(metrics, 'gati_module_calls_total{module="scorer",function="score",outcome="ok"}');
});

polyglot('invalid arguments are a 500 naming the module, the function and the pointer (a bug in the caller)', async () => {
  const dir = join(app.dir, 'dist/validators/modules');
  const file = readdirSync(dir).find((f) => f.startsWith('scorer.'))!;
  const validators = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, never>;
  const client = new HttpModuleClient({ name: 'scorer', baseUrl: 'http://127.0.0.1:9', timeoutMs: 5_000, validators });
  try {
    await client.call('score', [[{ id: 'a', text: 42 }]]);
    assert.unreachable('the call was sent');
  } catch (error) {
    assert.instance(error, HttpError);
    const e = error as HttpError;
    assert.is(e.status, 500);
    assert.equal({ module: (e.body as Record<string, unknown>).module, function: (e.body as Record<string, unknown>).function, pointer: (e.body as Record<string, unknown>).pointer }, { module: 'scorer', function: 'score', pointer: '/0/0/text' });
  } finally {
    client.close();
  }
});

polyglot('the Python process killed under load: restarted, callers see 503 and then 200, nothing hangs', async () => {
  const firstUp = server.logs.filter((l) => l.msg === 'module scorer is up');
  assert.is(firstUp.length, 1);
  const pid = Number(firstUp[0]!.pid);
  const statuses: { status: number; at: number }[] = [];
  const failures: string[] = [];
  let killedAt = Infinity;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      try {
        const res = await post('/score', { items: [{ id: 'a', text: 'load' }] });
        await res.arrayBuffer();
        statuses.push({ status: res.status, at: Date.now() });
      } catch (error) {
        failures.push(String(error)); // an aborted request: it hung for 30 s
      }
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  const deadline = Date.now() + 60_000;
  while (statuses.filter((s) => s.status === 200).length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  process.kill(pid, 'SIGKILL');
  killedAt = Date.now();
  const recovered = () => {
    const firstOutage = statuses.find((s) => s.at > killedAt && s.status === 503);
    return firstOutage !== undefined && statuses.some((s) => s.at > firstOutage.at && s.status === 200);
  };
  while (!recovered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  stop = true;
  await Promise.all(workers);
  assert.equal(failures, [], 'every request was answered');
  assert.ok(recovered(), `503 after the kill, then 200: ${JSON.stringify(statuses.filter((s) => s.at > killedAt).map((s) => s.status))}`);
  assert.equal([...new Set(statuses.map((s) => s.status))].sort(), [200, 503]);
  // The 200 can arrive before the server's "is up" line has been read from its output.
  const upLines = () => server.logs.filter((l) => l.msg === 'module scorer is up');
  for (const t0 = Date.now(); upLines().length < 2 && Date.now() - t0 < 5000; ) await new Promise((r) => setTimeout(r, 50));
  const up = upLines();
  assert.is(up.length, 2, 'started again');
  assert.is.not(up[1]!.pid, pid);
});

polyglot('--workers 2 with tracing: one Python process for both workers, each call a client span under its handler', async () => {
  const collector = await startCollector();
  const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
  if (app.noRust) env.GATI_MODULE_TALLY_URL = 'http://127.0.0.1:9';
  const clustered = await runServer([GATI_BIN, 'start', app.dir, '--workers', '2'], app.dir, env);
  try {
    for (let i = 0; i < 6; i++) assert.is((await fetch(`${clustered.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ id: 'a', text: 'x' }] }) })).status, 200);
    assert.is(clustered.logs.filter((l) => l.msg === 'module scorer is up').length, 1, 'the primary runs it once');
    const spans = await collector.waitFor((all) => all.some((s) => s.name === 'module scorer.score'), 30_000);
    const call = spans.find((s) => s.name === 'module scorer.score')!;
    assert.is(call.kind, 3, 'a client span');
    assert.equal([call.attributes['rpc.service'], call.attributes['rpc.method']], ['scorer', 'score']);
    const parent = spans.find((s) => s.spanId === call.parentSpanId);
    assert.is(parent?.name, 'handler POST /score');
  } finally {
    await clustered.stop('SIGTERM');
    await collector.close();
  }
});

polyglot('gati dev: a rebuild keeps the module processes (same pid), and stopping dev stops them', async () => {
  const devApp = polyglotApp();
  const env: Record<string, string> = { LOG_LEVEL: 'info' };
  if (devApp.noRust) env.GATI_MODULE_TALLY_URL = 'http://127.0.0.1:9';
  const dev = await runServer([GATI_BIN, 'dev', '.'], devApp.dir, env);
  const score = async () => (await (await fetch(`${dev.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [] }) })).json()) as Record<string, unknown>;
  let pid = 0;
  try {
    assert.equal(await score(), { scores: [], best: null });
    const handler = join(devApp.dir, 'src/handlers/score.ts');
    writeFileSync(handler, readFileSync(handler, 'utf8').replace("best: best?.id ?? null", "best: best?.id ?? 'none'"));
    let body = await score();
    for (const t0 = Date.now(); body.best !== 'none' && Date.now() - t0 < 30_000; body = await score()) await new Promise((r) => setTimeout(r, 100));
    assert.is(body.best, 'none', 'the new build serves');
    const up = dev.logs.filter((l) => l.msg === 'module scorer is up');
    assert.is(up.length, 1, 'one process across the builds');
    pid = Number(up[0]!.pid);
    process.kill(pid, 0); // still running
  } finally {
    await dev.stop('SIGTERM');
    removeDir(devApp.dir);
  }
  let alive = true;
  for (const t0 = Date.now(); alive && Date.now() - t0 < 15_000; await new Promise((r) => setTimeout(r, 100))) {
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
  }
  assert.not.ok(alive, 'the module process stopped with gati dev');
});

/** The admin port the server logged (`metrics` in its listening line). */
function adminPort(): string {
  const listening = server.logs.find((l) => l.msg === 'listening')!;
  return /:(\d+)\/metrics$/.exec(String(listening.metrics))![1]!;
}

polyglot.run();
