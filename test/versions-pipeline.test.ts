// The request pipeline with API versions, in process (no HTTP, hand-made validators): lctx.version,
// the Deprecation `since` option and prefixes, a route newer than the pinned version, HEAD on a
// removed route, and the cost-free path of an app without versions.
import { compiledApp } from './helpers/compiled-app.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPipeline } from '../runtime-shim/server/pipeline.js';
import type { IncomingRequest } from '../runtime-shim/server/wire.js';
import type { AppVersions, CompiledApp, CompiledRoute, ValidateFn } from '../runtime-shim/server/app.js';
import { createLogger } from '../runtime-shim/server/log.js';
import { defineVersionChange } from '../runtime-shim/version-change.js';

const log = createLogger('silent', {});

/** Keeps only `keys`; true when every key of `required` is present. */
function shape(keys: string[], required: string[] = keys): ValidateFn {
  return (data: unknown) => {
    const o = data as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!keys.includes(k)) delete o[k];
    return required.every((k) => k in o);
  };
}

function route(key: string, handler: CompiledRoute['handler'], readsBody = false): CompiledRoute {
  const [method, path] = key.split(' ') as [string, string];
  return { key, method, path, typed: true, readsBody, statuses: [200], handler, middleware: [], validators: {} };
}

const seen: string[] = [];
const routes = [
  route('GET /me', (_req, _res, _g, lctx) => {
    seen.push((lctx as { version: string }).version);
    return { fullName: 'Ada Lovelace', plan: 'pro' };
  }),
  route('POST /echo', (req) => (req as { body: unknown }).body, true),
  route('GET /new', () => ({ ok: true })),
];

const versions: AppVersions = {
  manifest: {
    current: '2.0.0',
    versions: [
      { semver: '1.0.0', timestamp: '2026-01-01T00:00:00Z', removed: ['GET /old'], routes: { 'GET /me': {}, 'POST /echo': {}, 'GET /old': {} } },
      { semver: '2.0.0', timestamp: '2026-02-01T00:00:00Z', removed: [], routes: { 'GET /me': {}, 'POST /echo': {}, 'GET /new': {} } },
    ],
  },
  changes: [[], [defineVersionChange({
    description: 'name → fullName; echo bodies gain a version',
    routes: {
      'GET /me': { response: (body) => ({ ...(body as object), name: (body as { fullName: string }).fullName }) },
      'POST /echo': { request: (old) => ({ ...old, body: { ...(old.body as object), v: 2 } }) },
      'GET /old': {},
    },
  })]],
  validators: [{ 'GET /me': { s200: shape(['name']) }, 'POST /echo': { body: shape(['text']) } }, null],
};

function app(v: AppVersions | undefined, versioning: CompiledApp['config']['versioning'] = {}): CompiledApp {
  return compiledApp(routes, { config: { versioning }, versions: v });
}

function req(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): IncomingRequest {
  const raw = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  return { method, url, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ip: '127.0.0.1', readBody: async () => raw };
}

const pipeline = (a: CompiledApp) => createPipeline(a, {} as never, { bodyLimit: 1024, checkResponses: false, log, isReady: () => true });

test('lctx.version is the resolved semver; old responses migrate down and are shaped', async () => {
  const handle = pipeline(app(versions));
  seen.length = 0;
  const now = await handle(req('GET', '/me'));
  const old = await handle(req('GET', '/me', { 'x-api-version': '1.0' }));
  assert.equal(seen, ['2.0.0', '1.0.0']);
  assert.equal(JSON.parse(now.body!), { fullName: 'Ada Lovelace', plan: 'pro' });
  assert.equal(JSON.parse(old.body!), { name: 'Ada Lovelace' }, 'migrated down, then only what 1.0.0 declares');
  assert.is(now.headers['x-api-version'], '2.0.0');
  assert.is(old.headers['x-api-version'], '1.0.0');
});

test('old requests are checked against their version and migrated up', async () => {
  const handle = pipeline(app(versions));
  const ok = await handle(req('POST', '/echo', { 'x-api-version': '1' }, { text: 'hi', junk: 1 }));
  assert.equal(JSON.parse(ok.body!), { text: 'hi', v: 2 });
  const bad = await handle(req('POST', '/echo', { 'x-api-version': '1' }, { nope: 1 }));
  assert.is(bad.status, 400);
  assert.is(bad.headers['x-api-version'], '1.0.0');
});

test('a route newer than the pinned version is served as it is; a removed one is 410, HEAD too', async () => {
  const handle = pipeline(app(versions));
  const fresh = await handle(req('GET', '/new', { 'x-api-version': '1' }));
  assert.is(fresh.status, 200);
  for (const method of ['GET', 'HEAD']) {
    const gone = await handle(req(method, '/old', { 'x-api-version': '1' }));
    assert.is(gone.status, 410, method);
    assert.is(JSON.parse(gone.body!).removedIn, '2.0.0');
  }
  assert.is((await handle(req('GET', '/old'))).status, 404, 'the newest version never had it');
});

test('versioning.deprecated: by prefix, `since` or the next release, Sunset as an HTTP-date', async () => {
  const byNext = pipeline(app(versions, { deprecated: { '1': { sunset: '2027-01-31' } } }));
  const r1 = await byNext(req('GET', '/me', { 'x-api-version': '1' }));
  assert.is(r1.headers.deprecation, `@${Date.parse('2026-02-01T00:00:00Z') / 1000}`);
  assert.is(r1.headers.sunset, 'Sun, 31 Jan 2027 00:00:00 GMT');
  assert.is((await byNext(req('GET', '/me'))).headers.deprecation, undefined);
  const bySince = pipeline(app(versions, { deprecated: { '1.0.0': { since: '2026-03-01T12:00:00Z' } } }));
  const r2 = await bySince(req('GET', '/me', { 'x-api-version': '1' }));
  assert.is(r2.headers.deprecation, `@${Date.parse('2026-03-01T12:00:00Z') / 1000}`);
  assert.is(r2.headers.sunset, undefined);
});

test('without versions: no X-API-Version, the header is ignored, /_versions is 404', async () => {
  const handle = pipeline(app(undefined));
  const r = await handle(req('GET', '/me', { 'x-api-version': 'banana' }));
  assert.is(r.status, 200);
  assert.is(r.headers['x-api-version'], undefined);
  assert.is((await handle(req('GET', '/_versions'))).status, 404);
});

test.run();
