// The playground's script sandbox (QuickJS in WebAssembly): the gati API, the matchers, and the
// walls: a runaway loop is stopped at its deadline, a 100 MB allocation fails, nothing of the host
// is reachable, and every failure comes back as a result with its line, never as a throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { join } from 'node:path';
import { loadSandbox, runScript, type ScriptApi } from '../playground/index.js';
import { REPO } from './helpers/paths.js';

const api = (over: Partial<ScriptApi> = {}): ScriptApi => ({
  request: { method: 'POST', url: 'http://127.0.0.1:3000/payments', headers: { 'content-type': 'application/json' }, body: { amount: 100 } },
  response: { status: 201, headers: { 'content-type': 'application/json' }, body: { id: 'pay_1', status: 'pending', items: [1, 2], nested: { a: { b: 3 } } }, timeMs: 4 },
  env: { token: 'secret' },
  ...over,
});

test('a post script reads the response, sets variables and records tests', async () => {
  const result = await runScript(
    [
      "gati.test('created', () => gati.expect(gati.response.status).toBe(201));",
      "gati.test('has an id', () => { gati.expect(gati.response.body).toHaveProperty('id'); gati.expect(gati.response.body).toHaveProperty('nested.a.b', 3); });",
      "gati.env.set('paymentId', gati.response.body.id);",
      "gati.test('token kept', () => gati.expect(gati.env.get('token')).toBe('secret'));",
    ].join('\n'),
    api(),
  );
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.tests.map((t) => [t.name, t.passed]), [['created', true], ['has an id', true], ['token kept', true]]);
  assert.equal(result.env, { token: 'secret', paymentId: 'pay_1' });
});

test('a pre script edits the request', async () => {
  const result = await runScript("gati.request.headers.authorization = 'Bearer ' + gati.env.get('token');\ngati.request.body.amount = 250;\ngati.request.url += '?x=1';", api({ response: undefined }));
  assert.ok(result.ok, JSON.stringify(result.error));
  assert.is(result.request.headers.authorization, 'Bearer secret');
  assert.equal(result.request.body, { amount: 250 });
  assert.is(result.request.url, 'http://127.0.0.1:3000/payments?x=1');
});

test('every matcher, and .not, pass and fail as documented; a failure names its line', async () => {
  const passing = [
    'gati.expect(1).toBe(1)', "gati.expect({ a: [1, { b: 2 }] }).toEqual({ a: [1, { b: 2 }] })", "gati.expect('x').toBeTruthy()",
    "gati.expect('abc').toContain('b')", 'gati.expect([1, 2]).toContain(2)', "gati.expect({ a: { b: 0 } }).toHaveProperty('a.b', 0)",
    'gati.expect(3).toBeGreaterThan(2)', 'gati.expect(2).toBeLessThan(3)', "gati.expect('pay_12').toMatch(/^pay_\\d+$/)", "gati.expect('pay_12').toMatch('ay_')",
    'gati.expect(1).not.toBe(2)', 'gati.expect({ a: 1 }).not.toEqual({ a: 2 })', 'gati.expect(0).not.toBeTruthy()', "gati.expect([1]).not.toContain(2)",
    "gati.expect({}).not.toHaveProperty('a')", 'gati.expect(1).not.toBeGreaterThan(2)', 'gati.expect(3).not.toBeLessThan(2)', "gati.expect('a').not.toMatch(/b/)",
  ];
  const ok = await runScript(passing.map((line, i) => `gati.test('p${i}', () => ${line});`).join('\n'), api());
  assert.equal(ok.tests.filter((t) => !t.passed), []);
  assert.is(ok.tests.length, passing.length);
  // The same calls with the opposite sense: every one must fail.
  const failing = passing.map((line) => (line.includes('.not.') ? line.replace('.not.', '.') : line.replace(/\)\.(to\w+)\(/, ').not.$1(')));
  const bad = await runScript(failing.map((line, i) => `gati.test('f${i}', () => ${line});`).join('\n'), api());
  assert.equal(bad.tests.filter((t) => t.passed).map((t) => t.name), [], JSON.stringify(bad.tests));
  assert.ok(!bad.ok);
  assert.is(bad.tests[0]!.error, 'expected 1 not to be 1');
  assert.is(bad.tests[3]!.line, 4);
});

test('a thrown error, a failed expect outside a test and a syntax error report their line', async () => {
  const thrown = await runScript('const a = 1;\nfunction f() {\n  throw new Error("boom");\n}\nf();', api());
  assert.equal(thrown.error, { kind: 'error', message: 'Error: boom', line: 3 });
  const expectation = await runScript('\n\ngati.expect(gati.response.status).toBe(200);', api());
  assert.equal(expectation.error, { kind: 'error', message: 'expected 201 to be 200', line: 3 });
  const syntax = await runScript('let x = 1;\nlet = = 2;', api());
  assert.is(syntax.error?.kind, 'error');
  assert.is(syntax.error?.line, 2);
  const value = await runScript("throw 'plain'", api());
  assert.equal(value.error, { kind: 'error', message: 'threw "plain"' });
});

test('while(true){} is stopped at the deadline and reported as a time-out (measured, bound generous)', async () => {
  const sandbox = await loadSandbox();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = sandbox.runScript('let i = 0;\nwhile (true) { i++; }', api());
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const took = performance.now() - started;
  assert.is(result.error?.kind, 'timeout');
  assert.type(result.error?.line, 'number');
  // The budget is CPU time (a loaded machine stretches the wall time): bounds generous on both.
  assert.ok(cpuMs < 1000, `stopped after ${cpuMs} ms of CPU`);
  assert.ok(took < 10_000, `stopped after ${took} ms`);
  console.log(`    while(true){}: stopped after ${cpuMs.toFixed(1)} ms of CPU, ${took.toFixed(1)} ms of wall time (limit 100 ms)`);
  const inTest = sandbox.runScript("gati.test('spins', () => { for (;;) {} });", api());
  assert.is(inTest.error?.kind, 'timeout', 'a time-out cannot be caught by gati.test');
  // The sandbox still works after a time-out.
  assert.ok(sandbox.runScript('gati.expect(1).toBe(1)', api()).ok);
});

test('allocating 100 MB fails (16 MB limit) and the next run is fine', async () => {
  const sandbox = await loadSandbox();
  const buffer = sandbox.runScript('const big = new ArrayBuffer(100 * 1024 * 1024);\ngati.env.set("len", big.byteLength);', api());
  assert.is(buffer.error?.kind, 'memory', JSON.stringify(buffer));
  const array = sandbox.runScript('const chunks = [];\nfor (let i = 0; i < 100; i++) chunks.push(new Uint8Array(1024 * 1024).fill(1));', api());
  assert.is(array.error?.kind, 'memory', JSON.stringify(array));
  const objects = sandbox.runScript('const kept = [];\nfor (let i = 0; i < 5e6; i++) kept.push({ i, s: "item" + i });', api(), { timeMs: 5000 });
  assert.is(objects.error?.kind, 'memory', JSON.stringify(objects));
  assert.ok(sandbox.runScript('gati.env.set("a", [1, 2, 3])', api()).ok);
});

test('the host is out of reach: no process, require, fetch, import(), timers or console', async () => {
  const result = await runScript(
    [
      "gati.test('no process', () => gati.expect(typeof globalThis.process).toBe('undefined'));",
      "gati.test('no require', () => gati.expect(typeof require).toBe('undefined'));",
      "gati.test('no fetch', () => gati.expect(typeof fetch).toBe('undefined'));",
      "gati.test('no timers', () => gati.expect(typeof setTimeout).toBe('undefined'));",
      "gati.test('no XMLHttpRequest', () => gati.expect(typeof XMLHttpRequest).toBe('undefined'));",
      "gati.test('no console', () => gati.expect(typeof console).toBe('undefined'));",
      "gati.test('no document or cookies', () => gati.expect(typeof document).toBe('undefined'));",
      "gati.test('only gati is added', () => gati.expect(Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n) && !['globalThis', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'eval', 'undefined', 'NaN', 'Infinity'].includes(n))).toEqual(['gati']));",
      "gati.test('import() is refused', () => import('node:fs').then(() => { throw new Error('loaded'); }, (e) => gati.expect(String(e)).toContain('could not load module')));",
      "gati.test('gati cannot be replaced', () => { globalThis.gati = 1; gati.expect(typeof gati).toBe('object'); });",
    ].join('\n'),
    api(),
  );
  assert.equal(result.tests.filter((t) => !t.passed), [], JSON.stringify(result));
  assert.ok(result.ok);
});

test('each run gets a fresh context: globals do not leak between runs', async () => {
  const sandbox = await loadSandbox();
  sandbox.runScript('globalThis.leak = 42; Object.prototype.polluted = true;', api());
  const next = sandbox.runScript("gati.test('clean', () => { gati.expect(typeof leak).toBe('undefined'); gati.expect(({}).polluted).toBe(undefined); });", api());
  assert.ok(next.ok, JSON.stringify(next));
});

test('a hostile toJSON in a variable cannot hang the host', async () => {
  const result = await runScript("gati.env.set('x', { toJSON() { for (;;) {} } });", api());
  assert.not.ok(result.ok);
  assert.is(result.error?.kind, 'timeout');
  assert.equal(result.env, api().env, 'the variables before the script are kept');
});

test('the engine bundles for the browser with esbuild (no Node built-ins)', async () => {
  const out = await build({ entryPoints: [join(REPO, 'playground/index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', loader: { '.wasm': 'file' }, outdir: join(REPO, 'lib/.playground-bundle') });
  assert.is(out.errors.length, 0);
  const js = out.outputFiles.find((file) => file.path.endsWith('.js'))!.text;
  // (The exported test's template holds `from 'node:test'` as text: imports are what matter.)
  assert.not.match(js, /^import[^\n]*from "node:|\brequire\("node:|\bimport\("node:/m);
});

test.run();
