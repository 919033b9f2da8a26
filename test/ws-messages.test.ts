// WebSocket routes at compile time (fixtures/ws-chat): the analyzer reads `WsHandler<I, { in; out }>`
// into the model, the schema emitter writes their JSON Schemas (golden), the validators emitter a
// `wsIn` validator (with date revival) and a `wsOut` checker, and dist/asyncapi.json is an
// AsyncAPI 3.0 document that the real AsyncAPI parser accepts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { Parser } from '@asyncapi/parser';
import { buildApp, type BuildResult } from '../driver/build.js';
import { routeSchemaFile, routeSchemas } from '../emitters/schema/index.js';
import { asyncApiDocument, emit as emitAsyncApi } from '../emitters/asyncapi/index.js';
import type { ValidateFn } from '../runtime-shim/server/app.js';
import { fixture } from './helpers/paths.js';
import { assertGolden } from './helpers/golden.js';

const ROOT = fixture('ws-chat');
const require = createRequire(import.meta.url);
let built: BuildResult;

/** Runs an emitted validators module (ESM that calls require() for AJV's helpers). */
function load(text: string): Record<string, ValidateFn & ((v: unknown) => unknown)> {
  const { code } = transformSync(text, { format: 'cjs', loader: 'js' });
  const module = { exports: {} as Record<string, ValidateFn & ((v: unknown) => unknown)> };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports;
}

function validatorsOf(key: string) {
  const i = built.model.routes.findIndex((r) => r.key === key);
  const file = routeSchemaFile(built.model.routes[i]!).replace(/\.json$/, '.');
  const artifact = built.artifacts.find((a) => a.path.startsWith(`dist/validators/${file}`));
  assert.ok(artifact, `validators module for ${key}`);
  return load(String(artifact!.contents));
}

const paths = (v: ValidateFn) => (v.errors ?? []).map((e) => e.instancePath);

/** A throwaway app with one handler file at src/handlers/<name>. */
async function buildOne(name: string, source: string): Promise<BuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gati-ws-'));
  try {
    mkdirSync(join(dir, 'src/handlers'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"ws-one","private":true,"type":"module"}');
    writeFileSync(join(dir, 'src/handlers', name), source);
    return await buildApp(dir, { versions: 'skip', typecheck: 'skip', emit: 'none' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ws = suite('websocket routes at compile time');

ws.before(async () => {
  built = await buildApp(ROOT, { versions: 'skip' });
});

ws('the fixture builds without diagnostics; WS routes carry their messages, no statuses', () => {
  assert.equal(built.diagnostics.map((d) => `${d.code} ${d.message}`), []);
  const room = built.model.routes.find((r) => r.key === 'WS /rooms/:room')!;
  assert.equal(room.ws, { in: { kind: 'ref', id: 'In' }, out: { kind: 'ref', id: 'Out' } });
  assert.equal(room.output, {});
  assert.equal(Object.keys(room.input), ['params', 'query']);
  const ticker = built.model.routes.find((r) => r.key === 'WS /ticker')!;
  assert.equal(ticker.ws!.out, { kind: 'array', items: { kind: 'ref', id: 'Tick' } });
  assert.is(built.model.routes.find((r) => r.method === 'POST')!.ws, undefined, 'HTTP routes have no ws');
});

ws('.gati/generated/context.ts lists the WS routes for gctx.ws.publish; the committed one is the generated one', () => {
  const context = String(built.artifacts.find((a) => a.path === '.gati/generated/context.ts')!.contents);
  assert.ok(context.includes(`'WS /ticker': typeof import('../../src/handlers/ticker.ws.js').handler;`), context);
  assertGolden(join(ROOT, '.gati/generated/context.ts'), context, 'context.ts of fixtures/ws-chat');
});

ws('JSON Schemas of the messages (golden); OpenAPI stays HTTP-only', () => {
  for (const route of built.model.routes.filter((r) => r.method === 'WS')) {
    assertGolden(join(ROOT, 'expected/schemas', routeSchemaFile(route)), `${JSON.stringify(routeSchemas(route, built.model), null, 2)}\n`, `schemas of ${route.key}`);
  }
  const openapi = JSON.parse(String(built.artifacts.find((a) => a.path === 'dist/openapi.json')!.contents)) as { paths: Record<string, object> };
  assert.equal(Object.keys(openapi.paths), ['/rooms/{room}/announce']);
});

ws('wsIn validates incoming messages (union, tags, pointer of the failure); wsOut checks outgoing ones', () => {
  const room = validatorsOf('WS /rooms/:room');
  assert.ok(room.wsIn!({ type: 'say', text: 'hi' }));
  assert.ok(room.wsIn!({ type: 'typing' }));
  assert.not.ok(room.wsIn!({ type: 'say', text: 'x'.repeat(501) }));
  assert.ok(paths(room.wsIn!).includes('/text'), JSON.stringify(room.wsIn!.errors));
  assert.not.ok(room.wsIn!({ type: 'shout' }));
  assert.ok(room.wsOut!({ type: 'said', from: 'a', text: 'b', at: '2026-12-07T01:00:00.000Z' }));
  assert.not.ok(room.wsOut!({ type: 'said', from: 'a', text: 'b', at: 'yesterday' }));
  assert.ok(paths(room.wsOut!).includes('/at'), JSON.stringify(room.wsOut!.errors));
  assert.is(room.reviveWsIn, undefined, 'no date in In, no reviver');
  assert.ok(room.params && room.query, 'the upgrade request has its own validators, as an HTTP route');
});

ws('a date in `in` is revived before the handler sees it; constraints in arrays and items hold', () => {
  const ticker = validatorsOf('WS /ticker');
  const msg = { symbols: ['ACME'], since: '2026-12-07T00:00:00.000Z' };
  assert.ok(ticker.wsIn!(msg));
  const revived = ticker.reviveWsIn!(msg) as unknown as { since: Date };
  assert.ok(revived.since instanceof Date && revived.since.toISOString() === '2026-12-07T00:00:00.000Z');
  assert.not.ok(ticker.wsIn!({ symbols: [] }));
  assert.not.ok(ticker.wsIn!({ symbols: ['acme'] }));
  assert.ok(paths(ticker.wsIn!).includes('/symbols/0'));
  assert.ok(ticker.wsOut!([{ symbol: 'ACME', price: 1.5, seq: 0 }]));
  assert.not.ok(ticker.wsOut!([{ symbol: 'ACME', price: 1.5, seq: -1 }]));
  assert.ok(ticker.headers, 'declared headers are validated on the upgrade');
});

ws('dist/asyncapi.json is AsyncAPI 3.0 that @asyncapi/parser accepts without errors or warnings (golden)', async () => {
  const artifact = built.artifacts.find((a) => a.path === 'dist/asyncapi.json');
  assert.ok(artifact, 'dist/asyncapi.json emitted');
  assertGolden(join(ROOT, 'expected/asyncapi.json'), String(artifact!.contents), 'asyncapi.json');
  const { document, diagnostics } = await new Parser().parse(String(artifact!.contents));
  const problems = diagnostics.filter((d) => d.severity <= 1 && d.code !== 'asyncapi-latest-version');
  assert.equal(problems.map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`), []);
  assert.ok(document, 'parsed');
  assert.equal(document!.channels().all().map((c) => c.address()).sort(), ['/rooms/{room}', '/ticker']);
  const room = document!.channels().all().find((c) => c.address() === '/rooms/{room}')!;
  assert.equal(room.parameters().all().map((p) => p.id()), ['room']);
  const actions = document!.operations().all().map((o) => `${o.action()} ${o.channels().all()[0]!.address()} ${o.messages().all()[0]!.name()}`).sort();
  assert.equal(actions, ['receive /rooms/{room} in', 'receive /ticker in', 'send /rooms/{room} out', 'send /ticker out']);
  const inPayload = room.messages().all().find((m) => m.name() === 'in')!.payload()!.json() as { oneOf?: unknown[]; anyOf?: unknown[] };
  assert.is((inPayload.oneOf ?? inPayload.anyOf)!.length, 2, 'the `in` union, resolved');
});

ws('two builds of the fixture give byte-identical artifacts (model, schemas, validators, asyncapi.json)', async () => {
  const again = await buildApp(ROOT, { versions: 'skip' });
  const bytes = (r: BuildResult) => r.artifacts.map((a) => `${a.path}\n${String(a.contents)}`).filter((a) => !a.startsWith('sdk/'));
  assert.equal(bytes(again), bytes(built));
});

ws('an app without WS routes gets no asyncapi.json', () => {
  const httpOnly = { ...built.model, routes: built.model.routes.filter((r) => r.method !== 'WS') };
  assert.is(asyncApiDocument(httpOnly), undefined);
  assert.equal(emitAsyncApi(httpOnly), []);
});

ws('a body on a WS route is GATI2008; an untyped WS handler object is an untyped route; `satisfies WsHandler` types it', async () => {
  const withBody = await buildOne('chat.ws.ts', `import type { WsHandler } from 'gati';
export const handler: WsHandler<{ body: { a: string } }, { in: string; out: string }> = {};
`);
  assert.equal(withBody.diagnostics.map((d) => [d.code, d.message]), [['GATI2008', 'WS /chat declares a body; a WebSocket upgrade has none (clients send messages, typed by `in`)']]);
  const untyped = await buildOne('chat.ws.ts', 'export const handler = { message(ws, msg) { ws.send(msg); } };\n');
  assert.equal(untyped.diagnostics, []);
  const route = untyped.model.routes[0]!;
  assert.equal([route.key, route.typed, route.ws], ['WS /chat', false, undefined]);
  const satisfies = await buildOne('chat.ws.ts', `import type { WsHandler } from 'gati';
export const handler = { message(ws, msg) { ws.send(msg); } } satisfies WsHandler<{}, { in: { n: number }; out: { n: number } }>;
`);
  assert.equal(satisfies.diagnostics, []);
  assert.equal(satisfies.model.routes[0]!.ws, { in: { kind: 'object', properties: [{ name: 'n', type: { kind: 'number' }, optional: false, readonly: false }] }, out: { kind: 'object', properties: [{ name: 'n', type: { kind: 'number' }, optional: false, readonly: false }] } });
});

ws('every type rule of bodies applies to messages: a function in `out` is GATI1001 at its property', async () => {
  const r = await buildOne('chat.ws.ts', `import type { WsHandler } from 'gati';
interface Out { text: string; render: () => string }
export const handler: WsHandler<{}, { in: { text: string }; out: Out }> = {};
`);
  assert.equal(r.diagnostics.map((d) => [d.code, d.span?.line]), [['GATI1001', 2]]);
});

ws.run();
