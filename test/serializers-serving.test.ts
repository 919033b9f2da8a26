// The compiled response serializers in the built server (`gati build` + dist/server.mjs, real HTTP):
// for every route of fixtures/types and every valid sample, the body on the wire is byte-identical
// to JSON.stringify of what the handler returned, and the runtime did not call JSON.stringify on it
// (the compiled serializer wrote it). The fixture's handlers are rewritten in a temp copy to pass
// their answer through a spy (src/spy.ts below): it wraps the global JSON.stringify, records the
// routes whose answer reached it, and puts the reference text (the original JSON.stringify's) in a
// response header. A WebSocket route's `out` messages likewise (fixtures/ws-chat with a spied route).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { openSocketAt } from './helpers/ws-client.js';

const SPY = `// Test spy (serializers-serving.test.ts): which answers reached the global JSON.stringify.
const original = JSON.stringify;
let watched: unknown = undefined;
let watchedPath = '';
const reached = new Set<string>();
JSON.stringify = function (this: unknown, value: unknown, ...rest: unknown[]) {
  if (value === watched && watched !== undefined) reached.add(watchedPath);
  return (original as (...args: unknown[]) => string).call(JSON, value, ...rest);
} as typeof JSON.stringify;

/** Watches \`body\` (the handler's answer) and sets the reference text as the x-expected header (base64). */
export function spy<T>(body: T, res: { headers: Record<string, string | string[]> }, path: string): T {
  res.headers['x-expected'] = Buffer.from(original(body) ?? '').toString('base64');
  watched = body;
  watchedPath = path;
  return body;
}

export const reachedPaths = () => [...reached].sort();
`;

const SPY_ROUTE = `import type { Handler } from 'gati';
import { reachedPaths } from '../spy.js';

export const route = 'GET /spy';

/** The routes whose answer went through JSON.stringify. */
export const handler: Handler<{}, { reached: string[] }> = async () => ({ reached: reachedPaths() });
`;

const CONTROL_ROUTE = `import type { Handler } from 'gati';
import { spy } from '../spy.js';

export const route = 'GET /control';

/** \`unknown\`: its serializer hands the whole answer to JSON.stringify. */
export const handler: Handler<{}, unknown> = async (req, res) => spy({ via: 'JSON.stringify' }, res, req.path);
`;

const test = suite('compiled serializers in the built server (fixtures/types)');
let dir: string;
let app: RunningApp;
let cases: string[];

test.before(async () => {
  dir = copyFixture('types');
  const handlers = join(dir, 'src/handlers');
  for (const file of readdirSync(handlers)) {
    const path = join(handlers, file);
    const text = readFileSync(path, 'utf8');
    const rewritten = text.replace('= async (req) => req.body;', '= async (req, res) => spy(req.body, res, req.path);');
    assert.is.not(rewritten, text, `${file}: the handler line is the expected echo`);
    writeFileSync(path, `import { spy } from '../spy.js';\n${rewritten}`);
  }
  writeFileSync(join(dir, 'src/spy.ts'), SPY);
  writeFileSync(join(handlers, 'spy.ts'), SPY_ROUTE);
  writeFileSync(join(handlers, 'control.ts'), CONTROL_ROUTE);
  cases = readdirSync(join(dir, 'samples')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  app = await runServer(['dist/server.mjs'], dir);
});

test.after(async () => {
  await app?.stop('SIGKILL');
  if (dir) removeDir(dir);
});

test('every valid sample of every type: the wire body is JSON.stringify of the answer, byte for byte', async () => {
  let n = 0;
  for (const name of cases) {
    const samples = JSON.parse(readFileSync(join(dir, 'samples', `${name}.json`), 'utf8')) as { valid: unknown[] };
    for (const sample of samples.valid) {
      const res = await fetch(`${app.url}/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sample) });
      const text = await res.text();
      assert.is(res.status, 200, `${name}: ${text}`);
      const expected = Buffer.from(res.headers.get('x-expected') ?? '', 'base64').toString('utf8');
      assert.is(text, expected, `${name}: ${JSON.stringify(sample)}`);
      n++;
    }
  }
  assert.ok(n >= cases.length, 'every type had a sample');
});

test('the runtime wrote those answers with the compiled serializers, not JSON.stringify', async () => {
  const res = await fetch(`${app.url}/spy`);
  assert.is(res.status, 200);
  const { reached } = (await res.json()) as { reached: string[] };
  assert.equal(reached, []);
});

test('the control: an answer declared `unknown` is written by JSON.stringify, and the spy sees it', async () => {
  const res = await fetch(`${app.url}/control`);
  assert.is(await res.text(), '{"via":"JSON.stringify"}');
  const spied = await fetch(`${app.url}/spy`);
  assert.equal(((await spied.json()) as { reached: string[] }).reached, ['/control']);
});

test.run();

/** A WS route that reports, in each message, how many of its earlier `out` messages reached JSON.stringify. */
const SPIED_WS = `import type { WsHandler } from 'gati';
const original = JSON.stringify;
let watched: unknown = undefined;
let reached = 0;
JSON.stringify = function (this: unknown, value: unknown, ...rest: unknown[]) {
  if (value === watched && watched !== undefined) reached++;
  return (original as (...args: unknown[]) => string).call(JSON, value, ...rest);
} as typeof JSON.stringify;

export const handler: WsHandler<{}, { in: { n: number }; out: { n: number; reached: number; at: Date; note: string } }> = {
  message(ws, msg) {
    const out = { n: msg.n, reached, at: new Date(Date.UTC(2026, 0, 2)), note: 'say "hi" \\ud800' };
    watched = out;
    ws.send(out);
  },
};
`;

const ws = suite('compiled serializers for WebSocket out messages (fixtures/ws-chat)');
let wsDir: string;
let wsApp: RunningApp;

ws.before(async () => {
  wsDir = copyFixture('ws-chat');
  writeFileSync(join(wsDir, 'src/handlers/spied.ws.ts'), SPIED_WS);
  const built = gatiSync(['build', wsDir]);
  assert.is(built.status, 0, built.stderr + built.stdout);
  wsApp = await runServer([GATI_BIN, 'start', '.'], wsDir);
});

ws.after(async () => {
  await wsApp?.stop('SIGKILL');
  if (wsDir) removeDir(wsDir);
});

ws('send writes the text JSON.stringify would, through the compiled serializer', async () => {
  const socket = await openSocketAt(`${wsApp.url.replace('http', 'ws')}/spied`);
  try {
    const expected = (n: number) => JSON.stringify({ n, reached: 0, at: new Date(Date.UTC(2026, 0, 2)), note: 'say "hi" \ud800' });
    const texts: string[] = [];
    socket.ws.on('message', (data: Buffer) => texts.push(data.toString()));
    for (const n of [1, 2, 3]) {
      socket.ws.send(JSON.stringify({ n }));
      await socket.next();
    }
    // `reached` stays 0: none of the earlier messages went through JSON.stringify.
    assert.equal(texts, [expected(1), expected(2), expected(3)]);
  } finally {
    socket.ws.terminate();
  }
});

ws.run();
