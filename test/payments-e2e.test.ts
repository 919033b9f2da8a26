// The example app end to end on the real server: the generated SDK (installed from its tarball)
// calls it, the capture handler enqueues the capturePayment effect, and the effect runs (SQLite
// backend, workers in the server process) and settles the payment, on every engine: on Bun and
// Deno the SQLite backend runs on their node:sqlite, not better-sqlite3.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';

const e2e = suite('payments end to end');
let dir: string;
let consumer: string;

e2e.before(() => {
  dir = copyFixture('payments');
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  const tarball = readdirSync(join(dir, 'sdk')).find((f) => f.endsWith('.tgz'))!;
  consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', join(dir, 'sdk', tarball), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, stdio: 'ignore' });
  writeFileSync(join(consumer, 'run.mjs'), `
import { createClient, ApiError } from 'payments-client';
const api = createClient({ baseUrl: process.env.BASE_URL });
const out = {};
const created = await api.request('POST /payments', { body: {
amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com',
method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }] } });
out.created = created.status;
const id = created.data.id;
out.capture = (await api.payments.capture({ params: { id }, body: { amount: 2500, currency: 'USD' } })).status;
for (let i = 0; i < 100; i++) {
const got = await api.payments.getById({ params: { id } });
out.status = got.data.status;
if (out.status === 'captured') break;
await new Promise((r) => setTimeout(r, 50));
}
out.missing = (await api.payments.getById({ params: { id: 'pay_nothere' } })).status;
try {
await api.request('POST /payments', { body: {
  amount: 'lots', currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com',
  method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', unitAmount: 1 }] } });
} catch (e) {
out.invalid = e instanceof ApiError ? { status: e.status, path: e.problem?.errors?.[0]?.path } : String(e);
}
console.log(JSON.stringify(out));
`);
});

e2e.after(() => removeDir(dir));

for (const engine of ENGINES) {
  e2e(`[${engine.name}] SDK → real server → handler → effect → settled payment`, async () => {
    const server = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
    try {
      const out = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: consumer, env: { ...process.env, BASE_URL: server.url }, encoding: 'utf8' })) as Record<string, unknown>;
      assert.is(out.created, 201);
      assert.is(out.capture, 202);
      assert.is(out.status, 'captured', 'the capturePayment effect ran and settled the payment');
      assert.is(out.missing, 404);
      assert.equal(out.invalid, { status: 400, path: '/body/amount' });
      await new Promise((r) => setTimeout(r, 200)); // the server's log lines arrive on its stdout pipe
      const effectLog = server.logs.find((l) => /capturePayment/.test(JSON.stringify(l)));
      assert.ok(effectLog, 'the effect logged through its job logger');
    } finally {
      await server.stop('SIGTERM');
    }
  });
}

e2e.run();
