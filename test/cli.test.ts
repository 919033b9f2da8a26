// The gati CLI as a user runs it: a real process, real files, real exit codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, fixture } from './helpers/paths.js';

const gati = (args: string[], cwd = REPO) => spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('--version and --help', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  const v = gati(['--version']);
  assert.is(v.status, 0);
  assert.is(v.stdout.trim(), pkg.version);
  const h = gati(['--help']);
  assert.is(h.status, 0);
  for (const command of ['build', 'routes', 'explain']) assert.match(h.stdout, command);
  const bad = gati(['frobnicate']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "unknown command 'frobnicate'");
  assert.not.match(bad.stderr, 'Did you mean');
  const typo = gati(['buidl']);
  assert.is(typo.status, 2);
  assert.match(typo.stderr, "unknown command 'buidl'. Did you mean 'build'?");
});

test('gati build writes the model and the schemas, and says where', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-cli-'));
  try {
    cpSync(fixture('payments'), dir, { recursive: true, filter: (src) => !src.includes('/dist') && !src.includes('.gati/cache') });
    const r = gati(['build', dir]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'payments: 10 routes');
    assert.match(r.stdout, '.gati/model.json');
    const model = JSON.parse(readFileSync(join(dir, '.gati/model.json'), 'utf8')) as { routes: { key: string }[] };
    assert.ok(model.routes.some((route) => route.key === 'POST /payments/:id/capture'));
    const schemas = JSON.parse(readFileSync(join(dir, 'dist/schemas/post.payments.{id}.capture.json'), 'utf8')) as { body: { $ref: string } };
    assert.is(schemas.body.$ref, '#/$defs/CaptureBody');
    assert.ok(existsSync(join(dir, 'dist/schemas/effects/capturePayment.json')));
    const again = gati(['build', dir, '--silent']);
    assert.is(again.status, 0);
    assert.is(again.stdout, '', '--silent prints nothing on success');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gati routes prints the tree with files', () => {
  const r = gati(['routes', fixture('payments')]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'payments (10 routes)');
  assert.match(r.stdout, /└── \*\s+GET\s+src\/handlers\/receipts\.ts/);
  assert.match(r.stdout, /capture\s+POST\s+src\/handlers\/payments\/capture\.ts/);
});

test('a problem in user code: tsc-style line, code frame, hint, exit 1', () => {
  const r = gati(['build', fixture('invalid', 'gati1003-class-with-methods')]);
  assert.is(r.status, 1);
  assert.match(r.stderr, "src/handlers/accounts.ts:14:3 - error GATI1003: 'response.account' is an instance of the class 'Account'");
  assert.match(r.stderr, '> 14 |   account: Account;');
  assert.match(r.stderr, 'hint:');
  assert.match(r.stderr, 'Found 1 error in 1 file.');
  assert.not.match(r.stderr, '    at ', 'no stack trace for a user mistake');
});

test('--format json gives the diagnostics as data', () => {
  const r = gati(['build', fixture('invalid', 'gati2006-params-key-not-in-path'), '--format', 'json']);
  assert.is(r.status, 1);
  const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; span: { file: string; line: number } }[] };
  assert.is(out.ok, false);
  assert.is(out.diagnostics[0]!.code, 'GATI2006');
  assert.is(out.diagnostics[0]!.span.file, 'src/handlers/users.ts');
});

test('gati explain prints the documentation of a code', () => {
  const r = gati(['explain', 'GATI2003']);
  assert.is(r.status, 0);
  assert.match(r.stdout, '## GATI2003');
  assert.is(gati(['explain', 'GATI0000']).status, 1);
});

test.run();
