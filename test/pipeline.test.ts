// The request pipeline's fast path, in process (no fixture build): `respond` answers synchronously
// when the handler returns a plain value and after one reaction when it returns a promise, exactly
// once whatever fails; the promise form and node.ts's adapter (respond, the promise fallback of
// `gati dev`, a write that throws) answer the same.
import { compiledApp } from './helpers/compiled-app.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { createPipeline } from '../runtime-shim/server/pipeline.js';
import type { IncomingRequest, OutgoingResponse } from '../runtime-shim/server/wire.js';
import { createNodeServer } from '../runtime-shim/server/node.js';
import { BodyTooLargeError } from '../runtime-shim/server/body.js';
import type { CompiledApp, CompiledRoute } from '../runtime-shim/server/app.js';
import { HttpError } from '../runtime-shim/http-error.js';
import type { Logger } from '../runtime-shim/types.js';

interface Line { level: string; obj: unknown; msg?: string }

function memoryLog(lines: Line[]): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return Object.assign(log, { enabled: (l: string) => l !== 'debug' && l !== 'info' });
}

type Handler = CompiledRoute['handler'];

function route(key: string, handler: Handler, extra: Partial<CompiledRoute> = {}): CompiledRoute {
  const [method, path] = key.split(' ') as [string, string];
  return { key, method, path, typed: true, readsBody: false, statuses: [200], handler, middleware: [], validators: {}, ...extra };
}

const app = (routes: CompiledRoute[]): CompiledApp => compiledApp(routes);

function incoming(method: string, url: string, headers: Record<string, string> = {}, body?: Buffer | Error): IncomingRequest {
  return {
    method,
    url,
    headers,
    ip: '127.0.0.1',
    readBody: () => (body instanceof Error ? Promise.reject(body) : Promise.resolve(body ?? Buffer.alloc(0))),
  };
}

const ROUTES = [
  route('GET /sync', () => ({ sync: true })),
  route('GET /async', async () => ({ async: true })),
  route('GET /res-json', (_req, res) => void (res as { json(b: unknown): void }).json({ via: 'json' })),
  route('GET /throws', () => {
    throw new Error('boom');
  }),
  route('GET /rejects', async (_req, res) => {
    (res as { headers: Record<string, string> }).headers['access-control-allow-origin'] = '*';
    throw new HttpError(409, { error: 'Conflict' }, { headers: { 'retry-after': '1' } });
  }),
  route('GET /thenable', () => ({ then: (ok: (v: unknown) => void) => (ok({ thenable: true }), ok({ twice: true })) })),
  route('GET /bad-thenable', () => ({ then: () => { throw new Error('then failed'); } })),
  route('GET /bigint', () => ({ n: 1n })),
  route('GET /bigint-async', async () => ({ n: 1n })),
  route('POST /echo', (req) => ({ got: (req as { body: unknown }).body }), { readsBody: true, statuses: [201] }),
];

function pipelineFor(lines: Line[] = []) {
  return createPipeline(app(ROUTES), {} as never, { bodyLimit: 64, checkResponses: false, log: memoryLog(lines), isReady: () => true });
}

/** Answers via respond; `sync` says whether the reply came before respond returned. */
function viaRespond(p: ReturnType<typeof pipelineFor>, req: IncomingRequest): Promise<{ out: OutgoingResponse; sync: boolean; replies: number }> {
  return new Promise((resolve) => {
    let replies = 0;
    let returned = false;
    let first: OutgoingResponse | undefined;
    let sync = false;
    p.respond(req, (_ctx, out) => {
      replies++;
      if (replies === 1) {
        first = out;
        sync = !returned;
      }
    }, null);
    returned = true;
    // Whatever the path, let every pending reaction run before counting replies.
    setTimeout(() => resolve({ out: first!, sync, replies }), 20);
  });
}

test('a plain return is answered synchronously; a promise after it settles; the same as the promise form', async () => {
  const p = pipelineFor();
  const sync = await viaRespond(p, incoming('GET', '/sync'));
  assert.ok(sync.sync, 'no promise on the way');
  assert.is(sync.replies, 1);
  assert.is(sync.out.status, 200);
  assert.is(sync.out.body, '{"sync":true}');
  assert.is(sync.out.headers['content-type'], 'application/json; charset=utf-8');
  assert.match(String(sync.out.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-z]+$/);
  const later = await viaRespond(p, incoming('GET', '/async', { 'x-request-id': 'abc-123' }));
  assert.not.ok(later.sync);
  assert.is(later.replies, 1);
  assert.is(later.out.body, '{"async":true}');
  assert.is(later.out.headers['x-request-id'], 'abc-123');
  const promised = await p(incoming('GET', '/async'));
  assert.is(promised.body, '{"async":true}');
  assert.is((await p(incoming('GET', '/res-json'))).body, '{"via":"json"}');
  const thenable = await viaRespond(p, incoming('GET', '/thenable'));
  assert.is(thenable.out.body, '{"thenable":true}', 'a non-native thenable is awaited');
  assert.is(thenable.replies, 1, 'and settles once');
  assert.is((await p(incoming('GET', '/bad-thenable'))).status, 500, 'a throwing then is a handler failure');
});

test("the handler's req.headers: the engine's record is read on first use, once; JSON.stringify(req) still lists it", async () => {
  let reads = 0;
  const record = { 'user-agent': 'ua/1' };
  const withCountedHeaders = (url: string): IncomingRequest => {
    const base = incoming('GET', url);
    // The pipeline's own reads go through `header` (as on Bun and Deno), never the record.
    return Object.defineProperties({ ...base, header: (name: string) => (record as Record<string, string>)[name] }, {
      headers: { get: () => (reads++, record) },
    }) as IncomingRequest;
  };
  type Req = { headers: Record<string, unknown> };
  const p = createPipeline(app([
    route('GET /quiet', () => ({ ok: true })),
    route('GET /asks', (req) => ({ ua: (req as Req).headers['user-agent'], again: (req as Req).headers['user-agent'], json: JSON.parse(JSON.stringify(req)).headers })),
    route('GET /replaces', (req) => {
      (req as Req).headers = { replaced: 'yes' };
      return { now: (req as Req).headers };
    }),
  ]), {} as never, { bodyLimit: 64, checkResponses: false, log: memoryLog([]), isReady: () => true });
  const quiet = await viaRespond(p, withCountedHeaders('/quiet'));
  assert.is(quiet.out.status, 200);
  assert.is(reads, 0, 'a handler that reads no header makes no record');
  const asks = await viaRespond(p, withCountedHeaders('/asks'));
  assert.equal(JSON.parse(asks.out.body!), { ua: 'ua/1', again: 'ua/1', json: { 'user-agent': 'ua/1' } });
  assert.is(reads, 1, 'read once, then kept');
  const replaces = await viaRespond(p, withCountedHeaders('/replaces'));
  assert.equal(JSON.parse(replaces.out.body!), { now: { replaced: 'yes' } });
});

test('handler failures: a throw is a logged 500 problem, an HttpError keeps the headers set before it', async () => {
  const lines: Line[] = [];
  const p = pipelineFor(lines);
  const thrown = await viaRespond(p, incoming('GET', '/throws'));
  assert.is(thrown.replies, 1);
  assert.is(thrown.out.status, 500);
  assert.is(thrown.out.headers['content-type'], 'application/problem+json');
  assert.ok(thrown.out.headers['x-request-id']);
  assert.ok(lines.some((l) => l.msg === 'handler failed'));
  const rejected = await viaRespond(p, incoming('GET', '/rejects'));
  assert.is(rejected.replies, 1);
  assert.is(rejected.out.status, 409);
  assert.is(rejected.out.body, '{"error":"Conflict"}');
  assert.is(rejected.out.headers['access-control-allow-origin'], '*');
  assert.is(rejected.out.headers['retry-after'], '1');
});

test('an HttpError below 500 is an answer: no stack trace captured (cheap to throw); a 5xx keeps its stack; the limit is restored', () => {
  const limit = Error.stackTraceLimit;
  const answer = new HttpError(404);
  assert.is(answer.stack, 'HttpError: HTTP 404');
  assert.is(Error.stackTraceLimit, limit);
  const fault = new HttpError(503, 'down');
  assert.ok(fault.stack!.split('\n').length > 1, fault.stack);
  assert.match(new Error('plain').stack!, /\n\s+at /);
  assert.throws(() => new HttpError(99), /integer from 100 to 599/);
  assert.is(Error.stackTraceLimit, limit);
});

test('the pipeline failing (an unserializable answer, a body read error) is one bare 500, logged', async () => {
  for (const [label, req] of [
    ['sync', incoming('GET', '/bigint')],
    ['async', incoming('GET', '/bigint-async')],
    ['body read', incoming('POST', '/echo', { 'content-type': 'application/json' }, new Error('aborted'))],
  ] as const) {
    const lines: Line[] = [];
    const r = await viaRespond(pipelineFor(lines), req);
    assert.is(r.replies, 1, label);
    assert.is(r.out.status, 500, label);
    assert.is(r.out.headers['x-request-id'], undefined, `${label}: as the engines answered it before`);
    assert.is(JSON.parse(r.out.body!).title, 'Internal Server Error');
    assert.ok(lines.some((l) => l.msg === 'request pipeline failed'), label);
  }
});

test('bodies: decoded and answered, 413 past the limit, 415 without JSON, 400 for bad JSON', async () => {
  const p = pipelineFor();
  const ok = await viaRespond(p, incoming('POST', '/echo', { 'content-type': 'application/json' }, Buffer.from('{"a":1}')));
  assert.is(ok.out.status, 201);
  assert.is(ok.out.body, '{"got":{"a":1}}');
  const big = await viaRespond(p, incoming('POST', '/echo', { 'content-type': 'application/json' }, new BodyTooLargeError()));
  assert.is(big.out.status, 413);
  assert.is(JSON.parse(big.out.body!).detail, 'the body is larger than 64 bytes');
  assert.ok(big.out.headers['x-request-id']);
  assert.is((await p(incoming('POST', '/echo', { 'content-type': 'text/plain' }, Buffer.from('x')))).status, 415);
  assert.is((await p(incoming('POST', '/echo', { 'content-type': 'application/json' }, Buffer.from('{')))).status, 400);
});

test('routing answers: 404, 405 with Allow, OPTIONS 204, /_health', async () => {
  const p = pipelineFor();
  assert.is((await p(incoming('GET', '/nope'))).status, 404);
  const notAllowed = await p(incoming('DELETE', '/sync'));
  assert.is(notAllowed.status, 405);
  assert.is(notAllowed.headers.allow, 'GET');
  const options = await p(incoming('OPTIONS', '/sync'));
  assert.is(options.status, 204);
  assert.is(options.headers.allow, 'GET, OPTIONS');
  assert.is((await p(incoming('GET', '/_health?x=1'))).body, '{"status":"ok"}');
});

function get(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject).end();
  });
}

test('node.ts: respond, the promise fallback and a write that throws all answer, and in-flight drains to 0', async () => {
  const lines: Line[] = [];
  const log = memoryLog(lines);
  const p = createPipeline(app([...ROUTES, route('GET /bad-header', (_req, res) => {
    (res as { headers: Record<string, string> }).headers['x-bad'] = 'a\nb';
    return { ok: true };
  })]), {} as never, { bodyLimit: 64, checkResponses: false, log, isReady: () => true });
  const direct = createNodeServer(p, { requestTimeoutMs: 5_000, log });
  const fallback = createNodeServer((req) => p(req), { requestTimeoutMs: 5_000, log });
  for (const server of [direct, fallback]) {
    const port = await server.listen(0, '127.0.0.1');
    try {
      const sync = await get(port, '/sync');
      assert.is(sync.status, 200);
      assert.is(sync.body, '{"sync":true}');
      assert.is(sync.headers['content-length'], '13');
      assert.ok(sync.headers['x-request-id']);
      assert.is((await get(port, '/async')).body, '{"async":true}');
      const bad = await get(port, '/bad-header');
      assert.is(bad.status, 500, 'writeHead refused the header: the pipeline-failed answer');
      assert.is(bad.headers['content-type'], 'application/problem+json');
      assert.is(server.inFlight(), 0);
    } finally {
      await server.close(1_000);
    }
  }
  assert.is(lines.filter((l) => l.msg === 'request pipeline failed').length, 2);
});

test('under middleware: a chain that ends in the call is answered in it; throws, thenables and next() twice as before', async () => {
  type Next = () => Promise<void>;
  type MwRes = { status: number; headers: Record<string, string>; body: unknown };
  // Returns next() itself (no await): with a handler that returns a value the chain ends in the call.
  const stamp = (_req: unknown, res: MwRes, _g: unknown, _l: unknown, next: Next) => {
    res.headers['x-served-by'] = 'mw';
    return next();
  };
  const guard = async (_req: unknown, res: MwRes, _g: unknown, _l: unknown, next: Next) => {
    try {
      await next();
    } catch (error) {
      res.status = 503;
      res.body = { caught: (error as Error).message };
    }
  };
  const twice = async (_req: unknown, _res: unknown, _g: unknown, _l: unknown, next: Next) => {
    await next();
    await next();
  };
  const mw = (middleware: unknown[]) => ({ middleware: middleware as CompiledRoute['middleware'] });
  const routes = [
    route('GET /m/sync', () => ({ sync: true }), mw([stamp])),
    route('GET /m/async', async () => ({ async: true }), mw([stamp, stamp])),
    route('GET /m/awaited', async () => ({ awaited: true }), mw([guard])),
    route('GET /m/thenable', () => ({ then: (ok: (v: unknown) => void) => ok({ thenable: true }) }), mw([stamp])),
    route('GET /m/throws', () => {
      throw new Error('sync throw');
    }, mw([guard, stamp])),
    route('GET /m/throws-bare', () => {
      throw new Error('boom');
    }, mw([stamp])),
    route('GET /m/twice', () => ({ ok: true }), mw([twice])),
  ];
  const p = createPipeline(app(routes), {} as never, { bodyLimit: 64, checkResponses: false, log: memoryLog([]), isReady: () => true });
  const sync = await viaRespond(p as never, incoming('GET', '/m/sync'));
  assert.ok(sync.sync, 'no promise on the way when every middleware returns next() and the handler a value');
  assert.is(sync.out.body, '{"sync":true}');
  assert.is(sync.out.headers['x-served-by'], 'mw');
  const later = await viaRespond(p as never, incoming('GET', '/m/async'));
  assert.is(later.replies, 1);
  assert.is(later.out.body, '{"async":true}');
  assert.is((await p(incoming('GET', '/m/awaited'))).body, '{"awaited":true}');
  assert.is((await p(incoming('GET', '/m/thenable'))).body, '{"thenable":true}', 'a thenable handler result is adopted');
  const caught = await p(incoming('GET', '/m/throws'));
  assert.is(caught.status, 503, "a handler's synchronous throw rejects next(), for the middleware to catch");
  assert.is(caught.body, '{"caught":"sync throw"}');
  assert.is(caught.headers['x-served-by'], 'mw');
  const bare = await p(incoming('GET', '/m/throws-bare'));
  assert.is(bare.status, 500);
  assert.is(bare.headers['x-served-by'], 'mw', 'headers set before the throw stay on the 500');
  const twiceOut = await p(incoming('GET', '/m/twice'));
  assert.is(twiceOut.status, 500, 'next() called twice fails the request');
});

test('maxDepth from the options (validation.maxDepth) bounds JSON bodies, on the fast path and under middleware', async () => {
  const passThrough = async (_req: unknown, _res: unknown, _g: unknown, _l: unknown, next: () => Promise<void>) => next();
  const routes = [...ROUTES, route('POST /wrapped', (req) => ({ got: (req as { body: unknown }).body }), { readsBody: true, middleware: [passThrough] })];
  const p = createPipeline(app(routes), {} as never, { bodyLimit: 64, maxDepth: 3, checkResponses: false, log: memoryLog([]), isReady: () => true });
  for (const path of ['/echo', '/wrapped']) {
    const json = { 'content-type': 'application/json' };
    assert.is((await p(incoming('POST', path, json, Buffer.from('[[[1]]]')))).status, path === '/echo' ? 201 : 200, path);
    const deep = await p(incoming('POST', path, json, Buffer.from('[[[[1]]]]')));
    assert.is(deep.status, 400, path);
    assert.match(deep.body!, 'more than 3 levels deep');
  }
});

test('a body type of bounded depth (bodyDepth ≤ maxDepth) skips the nesting scan: the validator refuses what is too deep', async () => {
  // What the build emits for `body: { n: number }` (depth 1): the route's own validator, which looks one level down only.
  const validate = Object.assign((value: unknown) => {
    const ok = value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { n?: unknown }).n === 'number';
    validate.errors = ok ? null : [{ instancePath: '', keyword: 'type', message: 'must be { n: number }', params: {} }];
    return ok;
  }, { errors: null as unknown });
  const echo = (req: unknown) => ({ got: (req as { body: unknown }).body });
  const routes = [
    route('POST /bounded', echo, { readsBody: true, bodyDepth: 1, validators: { body: validate as never } }),
    route('POST /deeper-than-limit', echo, { readsBody: true, bodyDepth: 5, validators: { body: validate as never } }),
  ];
  const p = createPipeline(app(routes), {} as never, { bodyLimit: 1 << 20, maxDepth: 3, checkResponses: false, log: memoryLog([]), isReady: () => true });
  const json = { 'content-type': 'application/json' };
  const deep = Buffer.from('{"n":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
  const bounded = await p(incoming('POST', '/bounded', json, deep));
  assert.is(bounded.status, 400);
  assert.not.match(bounded.body!, 'levels deep', 'no scan: the validator answered');
  assert.is((await p(incoming('POST', '/bounded', json, Buffer.from('{"n":1}')))).status, 200);
  // A type deeper than validation.maxDepth keeps the scan: the configured limit still holds.
  const scanned = await p(incoming('POST', '/deeper-than-limit', json, Buffer.from('[[[[1]]]]')));
  assert.is(scanned.status, 400);
  assert.match(scanned.body!, 'more than 3 levels deep');
});

test.run();
