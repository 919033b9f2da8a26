// Hot swap on a running `gati start` (fixtures/polyglot): `gati modules swap` through the local
// control socket, 20 swaps of the Python module between two builds of the service under a steady
// load (autocannon) with no failed request and the new build answering after each; 100 swaps of
// the app's own module between two files in worker threads with the server's RSS flat; a source
// that does not come up refused with a clear error while the old instance keeps serving; and the
// control panel's GET /_control/api/modules and POST …/:name/swap behind a session and CSRF; the
// npm module swapped to a worker, a URL and a command, its calls checked at the boundary each time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TOTP, Secret } from 'otpauth';
import { GATI_BIN, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { polyglotApp, type PolyglotApp } from './helpers/polyglot-app.js';
import { askSocket, gati, rssOf, serveTextStats, steadyLoad, TEXT_STATS_SERVICE } from './helpers/module-swap.js';

const swap = suite('hot swap under gati start');
let app: PolyglotApp;
let server: RunningApp;
const json = { 'content-type': 'application/json' };

swap.before(async () => {
  app = polyglotApp();
  const built = gatiSync(['build', app.dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  server = await runServer([GATI_BIN, 'start', app.dir], app.dir, { GATI_CONTROL: '1', ...(app.noRust ? { GATI_MODULE_TALLY_URL: 'http://127.0.0.1:9' } : {}) });
});

swap.after(async () => {
  await server?.stop('SIGTERM');
  removeDir(app.dir);
});

const get = async (path: string) => (await (await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(30_000) })).json()) as Record<string, unknown>;
const cli = (name: string, to: string) => gati(['modules', 'swap', name, '--to', to, app.dir]);

swap('the control socket is the owner\'s only (0700 folder, 0600 socket); gati modules lists each module', () => {
  const dir = join(app.dir, '.gati/run');
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.is(statSync(join(dir, `control-${server.child.pid}.sock`)).mode & 0o777, 0o600);
  const listed = gatiSync(['modules', app.dir]);
  assert.is(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /greeter\s+local\s+serving/);
  assert.match(listed.stdout, /scorer\s+process\s+serving .* python3 services\/scorer\/server.py/);
  assert.match(listed.stdout, /textStats\s+npm/);
});

swap('20 hot swaps of the Python module under a steady load: 0 failed requests, the new build answers after each', async () => {
  assert.equal(await get('/scorer-version'), { version: 'v1' });
  const load = steadyLoad(`${server.url}/scorer-version`, 8);
  const seen: string[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      // Alternating between two builds of the service (each swap starts a fresh process of it).
      const version = i % 2 === 0 ? 'v2' : 'v1';
      const done = await cli('scorer', `command:python3 services/scorer/server.py ${version}`);
      assert.is(done.status, 0, done.stderr + done.stdout);
      assert.match(done.stdout, `swapped scorer to process python3 services/scorer/server.py ${version}`);
      seen.push(String((await get('/scorer-version')).version));
    }
  } finally {
    const result = await load.stop();
    console.log(`  20 swaps under load: ${result.requests.total} requests, ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    assert.is(result.non2xx, 0, 'no failed request');
    assert.is(result.errors, 0);
    assert.is(result.timeouts, 0);
    assert.ok(result['2xx'] > 100, 'the load ran');
  }
  assert.equal(seen, Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'v2' : 'v1')));
  const scorer = ((await askSocket(app.dir, server.child.pid!, 'GET', '/modules')).body.items as Record<string, unknown>[]).find((m) => m.name === 'scorer')!;
  assert.is(scorer.swaps, 20);
  assert.is(scorer.state, 'serving');
});

swap("the app's own module swapped to a file in a worker thread (JS, and TypeScript compiled by the CLI); its init ran there", async () => {
  assert.equal(await get('/greet?name=ann'), { text: 'hello ann' });
  const formal = await cli('greeter', 'services/greeter/formal.mjs');
  assert.is(formal.status, 0, formal.stderr);
  assert.equal(await get('/greet?name=ann'), { text: 'good day ann' });
  // The server wrote the line before it answered the CLI; this process reads it from the pipe when it comes.
  const deadline = Date.now() + 30_000;
  while (!server.logs.some((l) => l.msg === 'formal greeter ready' && l.module === 'greeter') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(server.logs.some((l) => l.msg === 'formal greeter ready' && l.module === 'greeter'), 'init(gctx) ran in the worker, its log went through the server');
  const casual = await cli('greeter', join(app.dir, 'services/greeter/casual.ts'));
  assert.is(casual.status, 0, casual.stderr);
  assert.equal(await get('/greet?name=ann'), { text: 'hey ann' });
});

swap('100 swaps between two module files in worker threads: the RSS stays flat', async () => {
  const pid = server.child.pid!;
  const files = ['services/greeter/formal.mjs', join(app.dir, '.gati/run/modules', (await import('node:fs')).readdirSync(join(app.dir, '.gati/run/modules'))[0]!)];
  const swapTo = async (i: number) => {
    const answer = await askSocket(app.dir, pid, 'POST', '/modules/greeter/swap', { to: files[i % 2] });
    assert.is(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await get('/greet?name=x'), { text: i % 2 === 0 ? 'good day x' : 'hey x' });
  };
  for (let i = 0; i < 20; i++) await swapTo(i); // warm: the allocator's arenas and the JIT settle
  await new Promise((r) => setTimeout(r, 500));
  const before = rssOf(pid);
  for (let i = 0; i < 100; i++) await swapTo(i);
  await new Promise((r) => setTimeout(r, 500));
  const after = rssOf(pid);
  const growth = (after - before) / before;
  console.log(`  100 swaps: RSS ${(before / 2 ** 20).toFixed(1)} MiB → ${(after / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)}%)`);
  // The target is < 10% (the printed figures; bench/RESULTS.md); the bound is generous for a busy machine's
  // allocator noise (runs here: -3% to +9%), and still below what 100 workers left running would add (an idle one ~0.6 MB, one that ran a module more).
  assert.ok(growth < 0.2, `RSS grew ${(growth * 100).toFixed(1)}% over 100 swaps`);
});

swap('a source that does not come up: a clear error, exit 1, and the old instance keeps serving', async () => {
  const before = await get('/scorer-version');
  const down = await cli('scorer', 'http://127.0.0.1:9');
  assert.is(down.status, 1);
  assert.match(down.stderr, 'module scorer: http://127.0.0.1:9/_health did not answer 200');
  assert.match(down.stderr, 'the current instance keeps serving');
  const exits = await cli('scorer', 'command:python3 -c "raise SystemExit(3)"');
  assert.is(exits.status, 1);
  assert.match(exits.stderr, 'did not answer GET /_health with 200');
  const missing = await cli('greeter', 'npm:no-such-package-here');
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'the package no-such-package-here is not installed');
  const unknown = await cli('nope', 'http://127.0.0.1:9');
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, 'no module named nope (the app\'s modules: greeter, scorer, tally, textStats)');
  assert.equal(await get('/scorer-version'), before);
});

swap('the control panel: GET /_control/api/modules and POST …/modules/:name/swap need a session and the CSRF header, and are audited', async () => {
  const base = server.url;
  assert.is((await fetch(`${base}/_control/api/modules`)).status, 401);
  const enroll = gatiSync(['control', 'enroll', app.dir, '--user', 'ops', '--base-url', base]);
  assert.is(enroll.status, 0, enroll.stderr);
  const link = enroll.stdout.trim().split('\n').pop()!;
  const token = link.slice(link.indexOf('#') + 1);
  const start = (await (await fetch(`${base}/_control/auth/enroll/totp/start`, { method: 'POST', headers: json, body: JSON.stringify({ token }) })).json()) as { secret: string };
  const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(start.secret) }).generate();
  const confirmed = await fetch(`${base}/_control/auth/enroll/totp/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token, code }) });
  assert.is(confirmed.status, 200);
  const { csrf } = (await confirmed.json()) as { csrf: string };
  const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;

  const listed = (await (await fetch(`${base}/_control/api/modules`, { headers: { cookie } })).json()) as { items: Record<string, unknown>[] };
  assert.equal(listed.items.map((m) => m.name), ['greeter', 'scorer', 'tally', 'textStats']);
  const scorer = listed.items.find((m) => m.name === 'scorer')!;
  assert.equal({ kind: scorer.kind, state: scorer.state, inFlight: scorer.inFlight }, { kind: 'process', state: 'serving', inFlight: 0 });

  const post = (name: string, to: string, headers: Record<string, string> = { 'x-gati-control-csrf': csrf }) => fetch(`${base}/_control/api/modules/${name}/swap`, { method: 'POST', headers: { ...json, cookie, ...headers }, body: JSON.stringify({ to }) });
  assert.is((await post('greeter', 'services/greeter/formal.mjs', {})).status, 403, 'no CSRF header');
  const swapped = await post('greeter', 'services/greeter/formal.mjs');
  assert.is(swapped.status, 200);
  assert.equal({ ...((await swapped.json()) as Record<string, unknown>), ms: 0 }, { name: 'greeter', kind: 'worker', source: join(app.dir, 'services/greeter/formal.mjs'), ms: 0 });
  assert.equal(await get('/greet?name=ann'), { text: 'good day ann' });
  // From the panel a swap starts no program: no command, no file outside the app.
  const command = await post('scorer', 'command:python3 services/scorer/server.py panel');
  assert.is(command.status, 403);
  assert.match(((await command.json()) as { detail: string }).detail, 'the control panel does not start commands');
  assert.is((await post('greeter', '/etc/hostname')).status, 403);
  assert.is((await post('greeter', './missing.mjs')).status, 400);
  assert.is((await post('nope', 'services/greeter/formal.mjs')).status, 404);
  assert.equal(await get('/greet?name=ann'), { text: 'good day ann' });
  const audit = (await (await fetch(`${base}/_control/api/audit`, { headers: { cookie } })).json()) as { items: { action: string; user: string; detail?: Record<string, unknown> }[] };
  const entry = audit.items.find((e) => e.action === 'module swap')!;
  assert.equal({ user: entry.user, module: entry.detail?.module, source: entry.detail?.source }, { user: 'ops', module: 'greeter', source: join(app.dir, 'services/greeter/formal.mjs') });
  assert.ok(audit.items.some((e) => e.action === 'module swap refused'));
});

swap('a module with an interface swapped to a file in a worker: its calls are checked at the boundary as over HTTP', async () => {
  writeFileSync(join(app.dir, 'scorer-worker.mjs'), `export async function version() { return 'worker'; }\nexport async function score(items) { return items.map((i) => ({ id: i.id, score: 'high' })); }\n`);
  const swapped = await cli('scorer', join(app.dir, 'scorer-worker.mjs'));
  assert.is(swapped.status, 0, swapped.stderr);
  assert.equal(await get('/scorer-version'), { version: 'worker' });
  const res = await fetch(`${server.url}/score`, { method: 'POST', headers: json, body: JSON.stringify({ items: [{ id: 'a', text: 'x' }] }) });
  assert.is(res.status, 502);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal({ module: body.module, function: body.function, pointer: body.pointer }, { module: 'scorer', function: 'score', pointer: '/0/score' });
});

swap('the npm module swapped to its package in a worker: the same checks as in-process, and its Dates still cross as Dates', async () => {
  const swapped = await cli('textStats', 'npm:text-stats');
  assert.is(swapped.status, 0, swapped.stderr);
  assert.equal(await get('/since?since=2026-03-01T00:00:00Z'), { since: '2026-03-01T00:00:00.000Z', words: 4 });
  const top = (options: string) => fetch(`${server.url}/top`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'a b a', options }) });
  assert.equal(await (await top('{"limit":1}')).json(), { top: ['a'] });
  const bad = await top('{"limit":"1"}');
  assert.is(bad.status, 500);
  assert.equal(((await bad.json()) as Record<string, unknown>).pointer, '/1/limit');
  // A build of the package whose topWords answers numbers: the result check of the worker is the same too.
  writeFileSync(join(app.dir, 'text-stats-wrong.mjs'), 'export async function topWords(text, options) { return [1].slice(0, options.limit); }\n');
  assert.is((await cli('textStats', join(app.dir, 'text-stats-wrong.mjs'))).status, 0);
  const wrong = await top('{"limit":1}');
  assert.is(wrong.status, 502);
  const body = (await wrong.json()) as Record<string, unknown>;
  assert.equal([body.module, body.function, body.pointer], ['textStats', 'topWords', '/0']);
});

swap('the npm module swapped to a URL and to a command: its calls are checked in their wire form, and its Dates come back as Dates', async () => {
  // The service in this process: what it received is seen here, and it can be made to answer wrong.
  const received: { fn: string; args: unknown[] }[] = [];
  let wrongTop = false;
  const service = serveTextStats(0, () => wrongTop, (fn, args) => received.push({ fn, args }));
  await once(service, 'listening');
  try {
    const swapped = await cli('textStats', `http://127.0.0.1:${(service.address() as AddressInfo).port}`);
    assert.is(swapped.status, 0, swapped.stderr);
    // The handler calls counted.since.toISOString(): the service's ISO string came back revived as a Date.
    assert.equal(await get('/since?since=2026-03-01T00:00:00Z'), { since: '2026-03-01T00:00:00.000Z', words: 4 });
    const call = received.find((c) => c.fn === 'wordsSince')!;
    assert.equal(call.args[1], '2026-03-01T00:00:00.000Z', 'the service read the Date as its JSON string');
    assert.equal((call.args[0] as { at: unknown }[])[0]!.at, '2026-01-01T00:00:00.000Z');

    const top = (options: string) => fetch(`${server.url}/top`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'a b a', options }) });
    assert.equal(await (await top('{"limit":1}')).json(), { top: ['a'] });
    const calls = received.length;
    const bad = await top('{"limit":"1"}');
    assert.is(bad.status, 500);
    const badBody = (await bad.json()) as Record<string, unknown>;
    assert.equal([badBody.module, badBody.function, badBody.pointer], ['textStats', 'topWords', '/1/limit']);
    assert.is(received.length, calls, 'an invalid argument is not sent');

    wrongTop = true;
    const wrong = await top('{"limit":1}');
    assert.is(wrong.status, 502);
    const wrongBody = (await wrong.json()) as Record<string, unknown>;
    assert.equal([wrongBody.module, wrongBody.function, wrongBody.pointer], ['textStats', 'topWords', '/0']);
  } finally {
    service.closeAllConnections();
    service.close();
  }

  // A local process (PORT given by the server) whose topWords answers a number where the package says string[].
  writeFileSync(join(app.dir, 'text-stats-service.mjs'), TEXT_STATS_SERVICE);
  const command = await cli('textStats', 'command:node text-stats-service.mjs wrong');
  assert.is(command.status, 0, command.stderr);
  assert.equal(await get('/since?since=2026-03-01T00:00:00Z'), { since: '2026-03-01T00:00:00.000Z', words: 4 });
  const wrong = await fetch(`${server.url}/top`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'a b a', options: '{"limit":1}' }) });
  assert.is(wrong.status, 502);
  const body = (await wrong.json()) as Record<string, unknown>;
  assert.equal([body.module, body.function, body.pointer], ['textStats', 'topWords', '/0']);
  assert.match(String(body.detail), 'module textStats.topWords returned an invalid result: /0 must be string');
  // Back to the package, in-process checks again (and the process is let go).
  assert.is((await cli('textStats', 'npm:text-stats')).status, 0);
  assert.equal(await get('/since?since=2026-03-01T00:00:00Z'), { since: '2026-03-01T00:00:00.000Z', words: 4 });
});

swap.run();
