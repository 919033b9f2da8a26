// The control panel's state store: the same behaviour on SQLite (.gati/control.db) and on Redis
// (127.0.0.1:6379): records, expiry, one-use takes, listings, the audit log; enrollment tokens
// single-use and expiring; sessions ended per user. Then the gate in-process: CSRF on the API, and
// the __Host- cookie behind a trusted proxy only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqliteKv } from '../runtime-shim/control/store/sqlite-kv.js';
import { openRedisKv } from '../runtime-shim/control/store/redis-kv.js';
import { ControlStore, ENROLL_TTL_MS } from '../runtime-shim/control/store/control-store.js';
import type { KvStore } from '../runtime-shim/control/store/kv.js';
import { createControlPanel } from '../runtime-shim/control/panel.js';
import type { ControlEndpoint } from '../runtime-shim/control/endpoint.js';
import type { CompiledApp } from '../runtime-shim/server/app.js';
import type { IncomingRequest } from '../runtime-shim/server/wire.js';
import type { Logger } from '../runtime-shim/types.js';
import { removeDir } from './helpers/server.js';
import { loadConfig } from '../compiler/config/load-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';

const stores: [string, () => Promise<KvStore>][] = [
  ['sqlite', () => openSqliteKv(join(mkdtempSync(join(tmpdir(), 'gati-control-')), '.gati/control.db'))],
  ['redis', () => openRedisKv('redis://127.0.0.1:6379', `gati-test-${randomBytes(6).toString('hex')}`)],
];

for (const [name, open] of stores) {
  test(`${name}: records, expiry, one-use takes, listings and the audit log`, async () => {
    const kv = await open();
    try {
      await kv.put('user', 'a', { n: 1 });
      assert.equal(await kv.get('user', 'a'), { n: 1 });
      assert.is(await kv.putIfAbsent('user', 'a', { n: 2 }), false);
      assert.is(await kv.putIfAbsent('user', 'b', { n: 3 }), true);
      assert.equal((await kv.list('user')).map((r) => r.key), ['a', 'b']);
      await kv.put('challenge', 'short', 'x', 30);
      await new Promise((r) => setTimeout(r, 80));
      assert.is(await kv.get('challenge', 'short'), undefined);
      assert.equal(await kv.list('challenge'), []);
      assert.is(await kv.putIfAbsent('challenge', 'short', 'again', 1000), true, 'an expired record is absent');
      const takes = await Promise.all([kv.take('challenge', 'short'), kv.take('challenge', 'short')]);
      assert.equal(takes.filter((t) => t !== undefined), ['again']);
      await kv.delete('user', 'a');
      assert.equal((await kv.list('user')).map((r) => r.key), ['b']);
      for (let i = 1; i <= 3; i++) await kv.append({ i });
      assert.equal(await kv.recent(2), [{ i: 3 }, { i: 2 }]);
    } finally {
      await kv.close();
    }
  });

  test(`${name}: enrollment tokens are single-use and expire; revoke ends every session of the user`, async () => {
    const store = new ControlStore(await open());
    try {
      await store.createEnrollment('tok-1', 'alice');
      assert.is((await store.enrollment('tok-1'))?.user, 'alice');
      assert.is((await store.consumeEnrollment('tok-1'))?.user, 'alice');
      assert.is(await store.consumeEnrollment('tok-1'), undefined);
      assert.is(await store.enrollment('tok-1'), undefined);
      // Made 16 minutes ago: expired.
      await store.createEnrollment('tok-2', 'alice', Date.now() - ENROLL_TTL_MS - 60_000);
      assert.is(await store.enrollment('tok-2'), undefined);
      assert.is(await store.consumeEnrollment('tok-2'), undefined);

      await store.addUser('alice');
      await store.addUser('bob');
      await store.setTotp('alice', 'SECRET');
      await store.createSession('s1', 'alice', 'c1');
      await store.createSession('s2', 'alice', 'c2');
      await store.createSession('s3', 'bob', 'c3');
      assert.is(await store.useTotpStep('alice', 100, 60_000), true);
      assert.is(await store.useTotpStep('alice', 100, 60_000), false);
      assert.equal((await store.users()).map((u) => [u.name, u.totp, u.sessions]), [['alice', true, 2], ['bob', false, 1]]);
      assert.is(await store.removeUser('alice'), true);
      assert.is(await store.getSession('s1'), undefined);
      assert.is(await store.getSession('s2'), undefined);
      assert.is((await store.getSession('s3'))?.user, 'bob');
      assert.is(await store.getTotp('alice'), undefined);
      // Only hashes are stored.
      assert.equal((await store.kv.list('session')).map((r) => r.key).filter((k) => k === 's3'), []);
    } finally {
      await store.close();
    }
  });
}

const log = { error() {}, warn() {}, info() {}, debug() {}, child: () => log } as unknown as Logger;

function request(method: string, url: string, headers: Record<string, string> = {}, body = '', ip = '10.0.0.1'): IncomingRequest {
  return { method, url, headers: { host: 'panel.example.com', ...headers }, ip, readBody: async () => body };
}

test('in-process: the API needs the CSRF header for changes; __Host- cookie only behind a trusted proxy', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gati-control-gate-'));
  const store = new ControlStore(await openSqliteKv(join(root, 'control.db')));
  try {
    const changed: string[] = [];
    const endpoint: ControlEndpoint = { method: 'POST', path: 'things/:id', handler: (call, env) => {
      changed.push(call.params.id!);
      env.audit(call.user, 'thing.changed', { id: call.params.id });
      return { json: { ok: true } };
    } };
    const app = { name: 'gate', root, config: { control: { trustedProxies: ['10.0.0.9'] } } } as unknown as CompiledApp;
    const panel = createControlPanel({ app: () => app, mode: 'start', log, store: async () => store }, [endpoint]);
    await store.addUser('carol');
    await store.createSession('sess-carol', 'carol', 'csrf-carol');

    // Signed in over plain HTTP: the cookie is gati_control.
    const cookie = { cookie: 'gati_control=sess-carol' };
    assert.is((await panel.answer(request('POST', '/_control/api/things/1', cookie, '{}')))!.status, 403);
    assert.is((await panel.answer(request('POST', '/_control/api/things/1', { ...cookie, 'x-gati-control-csrf': 'csrf-caro' }, '{}')))!.status, 403);
    assert.equal(changed, []);
    const ok = await panel.answer(request('POST', '/_control/api/things/1', { ...cookie, 'x-gati-control-csrf': 'csrf-carol' }, '{}'))!;
    assert.is(ok.status, 200);
    assert.equal(changed, ['1']);
    await new Promise((r) => setTimeout(r, 50));
    const actions = (await store.recentAudit(10)).map((e) => `${e.user} ${e.action} ${e.ip}`);
    assert.ok(actions.includes('carol thing.changed 10.0.0.1'), actions.join());
    assert.ok(actions.includes('carol POST things/:id 10.0.0.1'), actions.join());

    // Fresh use of a session an hour old moves its idle expiry, in the store and in the browser.
    assert.is(ok.headers['set-cookie'], undefined, 'not renewed within a minute');
    const { hashSecret, SESSION_IDLE_MS } = await import('../runtime-shim/control/store/control-store.js');
    await store.kv.put('session', hashSecret('sess-carol'), { user: 'carol', csrf: 'csrf-carol', createdAt: Date.now() - 3_600_000, lastSeen: Date.now() - 3_600_000 }, SESSION_IDLE_MS - 3_600_000);
    const renewed = await panel.answer(request('POST', '/_control/api/things/3', { ...cookie, 'x-gati-control-csrf': 'csrf-carol' }, '{}'))!;
    assert.is(renewed.status, 200);
    assert.match(String(renewed.headers['set-cookie']), /^gati_control=sess-carol; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    assert.ok(Date.now() - (await store.getSession('sess-carol'))!.lastSeen < 60_000);

    // X-Forwarded-Proto: https from the trusted proxy: the cookie must be __Host-gati_control.
    const viaProxy = (ip: string, c: string) => request('POST', '/_control/api/things/2', { cookie: c, 'x-forwarded-proto': 'https', 'x-gati-control-csrf': 'csrf-carol' }, '{}', ip);
    assert.is((await panel.answer(viaProxy('10.0.0.9', 'gati_control=sess-carol')))!.status, 401);
    assert.is((await panel.answer(viaProxy('10.0.0.9', '__Host-gati_control=sess-carol')))!.status, 200);
    // From anyone else the header is ignored: plain HTTP, plain cookie name.
    assert.is((await panel.answer(viaProxy('10.0.0.5', '__Host-gati_control=sess-carol')))!.status, 401);
    assert.is((await panel.answer(viaProxy('10.0.0.5', 'gati_control=sess-carol')))!.status, 200);

    // Ranges: a proxy anywhere in 10.1.0.0/16 or fd00::/8 is believed (IPv4 clients may come IPv4-mapped); next door is not.
    const ranged = createControlPanel({ app: () => ({ ...app, config: { control: { trustedProxies: ['10.1.0.0/16', 'fd00::/8'] } } }) as CompiledApp, mode: 'start', log, store: async () => store }, [endpoint]);
    for (const ip of ['10.1.2.3', '::ffff:10.1.255.1', 'fd12::7']) assert.is((await ranged.answer(viaProxy(ip, '__Host-gati_control=sess-carol')))!.status, 200, ip);
    for (const ip of ['10.2.0.1', '::ffff:10.2.0.1', 'fe80::1']) assert.is((await ranged.answer(viaProxy(ip, '__Host-gati_control=sess-carol')))!.status, 401, ip);

    // A login over HTTPS (trusted proxy) sets the __Host- cookie with Secure.
    await store.setTotp('carol', 'JBSWY3DPEHPK3PXP');
    const { TOTP, Secret } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP') }).generate();
    const login = await panel.answer(request('POST', '/_control/auth/login/totp', { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, JSON.stringify({ user: 'carol', code }), '10.0.0.9'))!;
    assert.is(login.status, 200);
    assert.match(String(login.headers['set-cookie']), /^__Host-gati_control=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    // A form post (not JSON) cannot log in: no login CSRF.
    assert.is((await panel.answer(request('POST', '/_control/auth/login/totp', { 'content-type': 'application/x-www-form-urlencoded' }, 'user=carol&code=1')))!.status, 415);
  } finally {
    await store.close();
    removeDir(root);
  }
});

test('control.trustedProxies: addresses and CIDR ranges pass the build; anything else is GATI4002 naming the entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-proxies-'));
  try {
    const file = join(dir, 'gati.config.json');
    for (const [entries, bad] of [[['10.0.0.2', 'fd00::2', '10.0.0.0/8', 'fd00::/8', '0.0.0.0/0'], undefined], [['10.0.0.2', '10.0.0.0/33'], 1], [['proxy.internal'], 0], [['10.0.0.0/'], 0], [['fd00::/129'], 0]] as const) {
      writeFileSync(file, JSON.stringify({ control: { trustedProxies: entries } }));
      const bag = new DiagnosticBag();
      await loadConfig(dir, [file], bag);
      assert.equal(bag.items.map((d) => d.code), bad === undefined ? [] : ['GATI4002'], JSON.stringify(entries));
      if (bad !== undefined) assert.match(bag.items[0]!.message, `control.trustedProxies[${bad}]`);
    }
  } finally {
    removeDir(dir);
  }
});

test.run();
