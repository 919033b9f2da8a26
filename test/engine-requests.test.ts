// What the fetch-style engines hand the pipeline, end to end on every engine: request headers read
// through the record the adapter builds without copying (Bun's Headers.toJSON, a lazy view on
// Deno; node:http's own object on Node) look the same to a handler (lowercase names only,
// duplicates joined, every name listed), the client address (read only when asked for), and the
// body limit with and without Content-Length.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';

const HEADERS_HANDLER = `import type { Handler } from 'gati';

export interface SeenHeaders {
  trace: string;
  upperCase: boolean;
  duplicated: string;
  names: string[];
  spread: string;
  hasTrace: boolean;
  ip: string;
}

// Reads the request's headers every way a handler may: one name, a wrong-case name, a repeated
// header, the list of names, a spread copy and the 'in' operator.
export const handler: Handler<{}, SeenHeaders> = async (req) => {
  const h = req.headers;
  const copy = { ...h } as Record<string, unknown>;
  return {
    trace: String(h['x-trace']),
    upperCase: h['X-Trace'] !== undefined,
    duplicated: String(h['x-dup']),
    names: Object.keys(h).filter((n) => n.startsWith('x-')).sort(),
    spread: String(copy['x-trace']),
    hasTrace: 'x-trace' in h,
    // Not in the public type (middleware get req.ip): the runtime still sets it, read on first use.
    ip: (req as unknown as { ip: string }).ip,
  };
};
`;

for (const engine of ENGINES) defineSuite(engine);

function defineSuite(engine: Engine): void {
  const requests = suite(`engine requests (fixtures/serving on ${engine.name})`);
  let dir: string;
  let app: RunningApp;

  requests.before(async () => {
    dir = copyFixture('serving');
    writeFileSync(join(dir, 'src', 'handlers', 'seen-headers.ts'), HEADERS_HANDLER);
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
  });

  requests.after(async () => {
    await app?.stop('SIGKILL');
    removeDir(dir);
  });

  requests('headers: lowercase names only, any case sent; duplicates joined with ", "; listing, spread and `in` see them all', async () => {
    const sent = new Headers([['X-Trace', 't-1'], ['x-dup', 'a'], ['X-Dup', 'b'], ['x-other', 'o']]);
    const res = await fetch(app.url + '/seen-headers', { headers: sent });
    assert.is(res.status, 200);
    assert.equal(await res.json(), { trace: 't-1', upperCase: false, duplicated: 'a, b', names: ['x-dup', 'x-other', 'x-trace'], spread: 't-1', hasTrace: true, ip: '127.0.0.1' });
  });

  const stream = (bytes: number) =>
    new ReadableStream({
      start(c) {
        const body = JSON.stringify({ a: 'x'.repeat(bytes), nested: { b: 1 } });
        for (let i = 0; i < body.length; i += 256) c.enqueue(new TextEncoder().encode(body.slice(i, i + 256)));
        c.close();
      },
    });
  const postStream = (bytes: number) =>
    fetch(app.url + '/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream(bytes), duplex: 'half' } as RequestInit);

  requests('the 1 kb body limit: 413 with Content-Length and without it (chunked); a chunked body under it is read', async () => {
    const declared = await fetch(app.url + '/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(2000), nested: { b: 1 } }) });
    assert.is(declared.status, 413);
    assert.is(declared.headers.get('content-type'), 'application/problem+json');
    // On node:http the 413 comes with the connection closed while fetch still sends the body, which
    // fetch reports as a network error: the chunked refusal is checked on the fetch-style engines.
    if (engine.name !== 'node') {
      const chunked = await postStream(2000);
      assert.is(chunked.status, 413);
      assert.is(chunked.headers.get('content-type'), 'application/problem+json');
    }
    const small = await postStream(100);
    assert.is(small.status, 200);
    assert.equal(await small.json(), { a: 'x'.repeat(100), nested: { b: 1 } });
  });

  requests.run();
}
