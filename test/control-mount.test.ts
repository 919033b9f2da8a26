// The control panel's mount under `gati dev`: /_control/api answers without a login, with the panel's
// headers (no-store, a strict CSP), and the app's own routes are untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GATI_BIN, copyFixture, removeDir, runServer } from './helpers/server.js';

test('gati dev mounts /_control beside the app', async () => {
  const dir = copyFixture('payments');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'warn' });
  try {
    const ping = await fetch(`${dev.url}/_control/api/ping`);
    assert.is(ping.status, 200);
    assert.equal(await ping.json(), { ok: true, app: 'payments', user: 'dev' });
    assert.is(ping.headers.get('cache-control'), 'no-store');
    assert.match(ping.headers.get('content-security-policy') ?? '', /default-src 'self'/);

    const missing = await fetch(`${dev.url}/_control/api/nothing-here`);
    assert.is(missing.status, 404);
    assert.is(missing.headers.get('content-type'), 'application/problem+json');
    const wrongMethod = await fetch(`${dev.url}/_control/api/ping`, { method: 'POST', body: '{}' });
    assert.is(wrongMethod.status, 405);
    assert.is(wrongMethod.headers.get('allow'), 'GET');

    // Open without a login, and the session says so; changes still need the process's CSRF token.
    const session = await (await fetch(`${dev.url}/_control/auth/session`)).json() as { mode: string; authenticated: boolean; user: string; csrf: string };
    assert.equal({ ...session, csrf: undefined }, { mode: 'dev', authenticated: true, user: 'dev', csrf: undefined, methods: { passkey: false, totp: false } });
    assert.ok(session.csrf.length >= 32);
    const page = await fetch(`${dev.url}/_control/traces`);
    assert.is(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', 'text/html');
    assert.is(page.headers.get('cache-control'), 'no-store');
    assert.is((await fetch(`${dev.url}/_control/assets/..%2Fpackage.json`)).status, 404);

    // A path that only starts like the panel's is the app's.
    assert.is((await fetch(`${dev.url}/_controlx`)).status, 404);
    assert.is((await fetch(`${dev.url}/health`)).status, 200);
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test.run();
