// The `gati` package's types, checked by a real `tsc`: the example apps type-check, and a handler
// that breaks its own declared contract is a type error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, fixture } from './helpers/paths.js';
import { tsc } from './helpers/tsc.js';

const run = (project: string) => tsc(project, { cwd: REPO, noEmit: true });

/** A temp strict project with src/handlers/ and `gati` mapped to this checkout's types. */
function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gati-types-'));
  mkdirSync(join(dir, 'src/handlers'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', types: [], paths: { gati: [join(REPO, 'runtime-shim/index.ts')] } },
    include: ['src'],
  }));
  return dir;
}

const FIXTURES_THAT_TYPE_CHECK: [fixture: string, what: string][] = [
  ['payments', 'against the gati types'],
  ['types', 'against the gati types'],
  ['ws-chat', 'WsHandler types ws.params/query, msg is `in`, send/publish take `out`, and gctx.ws.publish the union of the outs'],
];
for (const [name, what] of FIXTURES_THAT_TYPE_CHECK) {
  test(`fixtures/${name} type-checks: ${what}`, () => {
    const r = run(fixture(name));
    assert.is(r.status, 0, r.stdout);
  });
}

test('a handler that breaks its declared statuses and bodies does not type-check', () => {
  const dir = tempProject();
  try {
    writeFileSync(join(dir, 'src/handlers/bad.ts'), `import { HttpError, type Handler, type tags } from 'gati';
export const handler: Handler<{ body: { n: number & tags.Minimum<1> } }, { 201: { id: string }; 204: void }> = async (req, res) => {
  const n: number = req.body.n;          // fine: a tagged number is a number
  if (n > 10) throw new HttpError(422, { error: 'TooBig' });
  res.status = 418;                       // error 1: 418 is not declared
  res.json({ id: 42 });                   // error 2: id must be a string
  return { id: 7 };                       // error 3: the returned body has the wrong type
};
`);
    const r = run(dir);
    assert.is.not(r.status, 0);
    const errors = r.stdout.split('\n').filter((l) => l.includes('error TS'));
    assert.is(errors.length, 3, r.stdout);
    assert.ok(errors.every((l) => l.startsWith('src/handlers/bad.ts') || l.includes('bad.ts')), r.stdout);
    // The wrong return type is reported on the handler's declaration (line 2).
    assert.ok([2, 5, 6].every((line) => errors.some((l) => l.includes(`bad.ts(${line},`))), r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fixtures/notes type-checks; a middleware has no body and raw string params, and says so at compile time', () => {
  const r = run(fixture('notes'));
  assert.is(r.status, 0, r.stdout);
  const dir = tempProject();
  try {
    writeFileSync(join(dir, 'src/handlers/_middleware.ts'), `import type { Middleware } from 'gati';
const mw: Middleware = async (req, res, _gctx, lctx, next) => {
  const id: string | undefined = req.params.id;       // fine: params are strings before validation
  const tags: string | string[] | undefined = req.query.tags;
  lctx.state.who = req.headers['authorization'] ?? req.ip;
  const body = req.body;                               // error 1: no body before next()
  const n: number = req.params.id;                     // error 2: not coerced yet
  req.query = {};                                      // error 3: read-only
  await next();
  void [id, tags, body, n, res.status];
};
export const middleware = [mw];
`);
    const bad = run(dir);
    const errors = bad.stdout.split('\n').filter((l) => l.includes('error TS'));
    assert.equal(errors.map((l) => /_middleware\.ts\((\d+),/.exec(l)?.[1]), ['6', '7', '8'], bad.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a WebSocket handler that sends a message outside `out` does not type-check (@ts-expect-error holds)', () => {
  const dir = tempProject();
  try {
    writeFileSync(join(dir, 'src/handlers/chat.ws.ts'), `import type { WsHandler, tags } from 'gati';
type In = { type: 'say'; text: string & tags.MaxLength<500> } | { type: 'typing' };
type Out = { type: 'said'; text: string; at: Date };
export const handler: WsHandler<{ params: { room: string }; query: { name: string } }, { in: In; out: Out }> = {
  open(ws) {
    const room: string = ws.params.room;
    ws.subscribe(room);
    ws.data.joinedAt = Date.now();
    // @ts-expect-error: 'joined' is not an \`out\` message
    ws.publish(room, { type: 'joined', who: ws.query.name });
  },
  message(ws, msg, gctx) {
    if (msg.type === 'say') ws.send({ type: 'said', text: msg.text, at: new Date() });
    // @ts-expect-error: msg is \`in\`: it has no 'who'
    void msg.who;
    // @ts-expect-error: gctx.ws.publish takes the WS routes' \`out\` messages (the context below)
    gctx.ws.publish('room:a', { type: 'said', text: 1 });
    gctx.ws.publish('room:a', { type: 'said', text: 'hi', at: new Date() });
  },
  close(ws, code, reason) {
    void [ws.id, code.toFixed(), reason.length];
  },
};
`);
    // What .gati/generated/context.ts declares for an app with this route.
    writeFileSync(join(dir, 'src/context.ts'), `declare module 'gati' {
  interface GatiWsRoutes { 'WS /chat': typeof import('./handlers/chat.ws.js').handler }
}
export {};
`);
    const ok = run(dir);
    assert.is(ok.status, 0, ok.stdout);
    // Without the expectations, the same file has exactly those three errors.
    const file = join(dir, 'src/handlers/chat.ws.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ *\/\/ @ts-expect-error.*\n/g, ''));
    const bad = run(dir);
    assert.is(bad.stdout.split('\n').filter((l) => l.includes('error TS')).length, 3, bad.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the package entry loads at runtime: HttpError is a real class, defineConfig returns its input', async () => {
  const gati = await import('gati');
  const error = new gati.HttpError(404, { error: 'NotFound' });
  assert.ok(error instanceof Error);
  assert.is(error.status, 404);
  assert.equal(error.body, { error: 'NotFound' });
  assert.throws(() => new gati.HttpError(700));
  const config = { name: 'x' };
  assert.is(gati.defineConfig(config), config);
});

test.run();
