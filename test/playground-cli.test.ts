// `gati playground run` and `gati playground export` against a real `gati start` of fixtures/payments:
// the two-step checkout flow (create a payment; capture it with the id a post-script saved with
// gati.env.set) runs green, then red once an expected value changes; its JUnit report parses; the
// exported node:test file passes under `node --test` against the same server; a bad flow file
// exits 2 naming the file and the JSON pointer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadResponseTypes } from '../bin/commands/playground-types.js';
import { builtFixtureCopy, GATI_BIN, removeDir, runServer, type RunningApp } from './helpers/server.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A child process, awaited without blocking this one (the server's output keeps flowing). */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
}

const gati = (args: string[]) => run(process.execPath, [GATI_BIN, ...args]);

let dir: string;
let server: RunningApp;
let flowFile: string;

test.before(async () => {
  const built = builtFixtureCopy('payments');
  dir = built.dir;
  assert.is(built.built.status, 0, built.built.stderr);
  server = await runServer([GATI_BIN, 'start', dir], dir);
  flowFile = join(dir, 'playground', 'checkout.flow.json');
});

test.after(async () => {
  await server?.stop();
  if (dir) removeDir(dir);
});

test('the checkout flow runs green: a line per step and per check, the type checks included', async () => {
  const out = await gati(['playground', 'run', dir, '--base-url', server.url]);
  assert.is(out.code, 0, out.stdout + out.stderr);
  const lines = out.stdout.split('\n');
  assert.ok(lines.some((line) => /✓ create a payment {2}POST \/payments → 201/.test(line)), out.stdout);
  assert.ok(lines.some((line) => /✓ capture it {2}POST \/payments\/:id\/capture → 202/.test(line)), 'the capture used the id saved by the first step');
  for (const check of ['the payment is created', 'it is pending', 'the capture is accepted', 'the 201 body matches the declared type', 'the 202 body matches the declared type']) {
    assert.ok(lines.some((line) => line.includes(`✓ ${check}`)), `${check}:\n${out.stdout}`);
  }
  assert.match(out.stdout, /1 flow, 2 steps \(0 failed\), 7 checks \(0 failed\)/);
});

test('the JUnit report parses: a testsuite per flow, a testcase per check', async () => {
  const report = join(dir, 'junit.xml');
  const out = await gati(['playground', 'run', dir, '--flow', 'checkout', '--base-url', server.url, '--reporter', 'junit', '--out', report]);
  assert.is(out.code, 0, out.stdout + out.stderr);
  const xml = readFileSync(report, 'utf8');
  assert.is(XMLValidator.validate(xml), true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml) as {
    testsuites: { tests: string; failures: string; testsuite: { name: string; tests: string; failures: string; testcase: { classname: string; name: string; failure?: unknown }[] }[] };
  };
  assert.is(parsed.testsuites.tests, '7');
  assert.is(parsed.testsuites.failures, '0');
  const [suite] = parsed.testsuites.testsuite;
  assert.is(suite!.name, 'checkout');
  assert.equal(suite!.testcase.map((c) => `${c.classname} / ${c.name}`).slice(0, 2), ['checkout.create a payment / the 201 body matches the declared type', 'checkout.create a payment / the payment is created']);
  // Without --out the XML is the whole of stdout.
  const stdout = await gati(['playground', 'run', dir, '--base-url', server.url, '--reporter', 'junit']);
  assert.is(XMLValidator.validate(stdout.stdout), true, stdout.stdout);
});

test('the exported node:test file passes under node --test against the same server', async () => {
  const exported = await gati(['playground', 'export', 'checkout', dir]);
  assert.is(exported.code, 0, exported.stderr);
  const file = join(dir, 'playground', 'checkout.test.mjs');
  const source = readFileSync(file, 'utf8');
  assert.not.match(source, /gati['"/]/, 'no import of gati');
  assert.match(source, /from 'node:assert\/strict'/);
  const tested = await run(process.execPath, ['--test', '--test-reporter=tap', file], { BASE_URL: server.url });
  assert.is(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /# pass 8/);
  assert.match(tested.stdout, /ok \d+ - the capture is accepted/);
});

test('the flow turns red when the response no longer matches: exit 1, the failed check with its line', async () => {
  const original = readFileSync(flowFile, 'utf8');
  try {
    writeFileSync(flowFile, original.replace("toBe('pending')", "toBe('captured')"));
    const out = await gati(['playground', 'run', dir, '--base-url', server.url]);
    assert.is(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout, /✗ it is pending: expected "pending" to be "captured" \(post-response script, line 2\)/);
    assert.match(out.stdout, /✓ capture it/, 'the next step still runs');
    // The exported test fails the same way.
    await gati(['playground', 'export', 'checkout', dir, '--out', join(dir, 'red.test.mjs')]);
    const tested = await run(process.execPath, ['--test', join(dir, 'red.test.mjs')], { BASE_URL: server.url });
    assert.is(tested.code, 1, tested.stdout);
  } finally {
    writeFileSync(flowFile, original);
  }
});

test('the type check: a body that breaks the declared type of its status, an undeclared status, Gati\'s own problem+json', async () => {
  const { routes, check } = await loadResponseTypes(dir);
  assert.ok(routes.includes('POST /payments/:id/capture'));
  assert.equal(check('POST /payments/:id/capture', 202, { state: 'capturing' }, 'application/json'), { checked: true, errors: [] });
  const wrong = check('POST /payments/:id/capture', 202, { state: 'done' }, 'application/json');
  assert.ok(wrong.checked && wrong.errors.length > 0, JSON.stringify(wrong));
  assert.match(wrong.errors.join(), /\/state/);
  assert.equal(check('POST /payments/:id/capture', 418, { teapot: true }, 'application/json'), { checked: true, errors: ['POST /payments/:id/capture does not declare the status 418 (it declares 202, 409)'] });
  assert.equal(check('POST /payments/:id/capture', 400, { title: 'Bad Request' }, 'application/problem+json'), { checked: false, errors: [] });
});

test('a bad flow file exits 2 with the file and the JSON pointer of each problem', async () => {
  const original = readFileSync(flowFile, 'utf8');
  try {
    const flow = JSON.parse(original) as { steps: Record<string, unknown>[] };
    flow.steps[0]!.route = 'POST payments';
    flow.steps[1]!.psot = 'typo';
    flow.steps[1]!.params = {};
    writeFileSync(flowFile, JSON.stringify(flow));
    const out = await gati(['playground', 'run', dir, '--base-url', server.url]);
    assert.is(out.code, 2, out.stdout + out.stderr);
    assert.match(out.stderr, /playground\/checkout\.flow\.json: \/steps\/0\/route: must be "METHOD \/path"/);
    assert.match(out.stderr, /playground\/checkout\.flow\.json: \/steps\/1\/psot: unknown key "psot"/);
    assert.match(out.stderr, /playground\/checkout\.flow\.json: \/steps\/1\/params: the route POST \/payments\/:id\/capture needs "id"/);
    writeFileSync(flowFile, original.replace('POST /payments/:id/capture', 'POST /payments/:id/captur'));
    const unknown = await gati(['playground', 'run', dir, '--base-url', server.url]);
    assert.is(unknown.code, 2);
    assert.match(unknown.stderr, /\/steps\/1\/route: the app has no route POST \/payments\/:id\/captur \(did you mean POST \/payments\/:id\/capture\?\)/);
    writeFileSync(flowFile, '{ "steps": [ }');
    const broken = await gati(['playground', 'run', dir]);
    assert.is(broken.code, 2);
    assert.match(broken.stderr, /checkout\.flow\.json: \/: not valid JSON/);
  } finally {
    writeFileSync(flowFile, original);
  }
});

test('no server at the base URL: each step fails with a plain message, exit 1', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const out = await gati(['playground', 'run', dir, '--base-url', `http://127.0.0.1:${port}`]);
  assert.is(out.code, 1, out.stdout + out.stderr);
  assert.ok(out.stdout.includes(`✗ request: POST http://127.0.0.1:${port}/payments failed: nothing listens at http://127.0.0.1:${port} (start the app, or give the URL it listens on)`), out.stdout);
});

test('a stale build is rebuilt before the run (the type check needs the current validators)', async () => {
  const handler = join(dir, 'src', 'handlers', 'health.ts');
  writeFileSync(handler, `${readFileSync(handler, 'utf8')}\n// touched\n`);
  const out = await gati(['playground', 'run', dir, '--base-url', server.url]);
  assert.is(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stderr, /building .* first \(src\/handlers\/health\.ts changed since the last build\)/);
});

test.run();
