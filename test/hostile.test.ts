// Hostile clients, on every engine: the HTTP parsers differ (node:http's llhttp, Bun's uWS-based
// one, Deno's hyper), the answers must not. Raw sockets, because fetch cannot send these requests.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, copyFixture, gatiSync, removeDir, runServer, type Engine, type RunningApp } from './helpers/server.js';
import { header, raw } from './helpers/raw-http.js';

const REQUEST_TIMEOUT_MS = 2000;

for (const engine of ENGINES) defineSuite(engine);

function defineSuite(engine: Engine): void {
  const hostile = suite(`hostile clients (${engine.name})`);
  let dir: string;
  let app: RunningApp;

  hostile.before(async () => {
    dir = copyFixture('serving');
    // A short request timeout, so that a slow client is cut off within the test.
    const config = join(dir, 'gati.config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace("shutdownTimeoutMs: 5000", `shutdownTimeoutMs: 5000, requestTimeoutMs: ${REQUEST_TIMEOUT_MS}`));
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr + built.stdout);
    app = await runServer([...engine.args, 'dist/server.mjs'], dir, {}, engine.executable);
  });

  hostile.after(async () => {
    await app?.stop('SIGKILL');
    removeDir(dir);
  });

  hostile('a malformed request line gets 400', async () => {
    const answer = await raw(app.url, ['NOT AN HTTP REQUEST\r\n\r\n'], 3000);
    assert.is(answer.status, 400, answer.text);
  });

  hostile('a chunked body past the limit gets a 413 problem, though it declared no length', async () => {
    const chunk = 'x'.repeat(600);
    const parts = ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', `${(600).toString(16)}\r\n${chunk}\r\n`, `${(600).toString(16)}\r\n${chunk}\r\n`, '0\r\n\r\n'];
    const answer = await raw(app.url, parts, 3000, 20);
    assert.is(answer.status, 413, answer.text);
    assert.is(header(answer, 'content-type'), 'application/problem+json');
  });

  hostile('a declared Content-Length past the limit gets a 413 problem before the body is sent', async () => {
    const answer = await raw(app.url, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{"a":'], 3000);
    assert.is(answer.status, 413, answer.text);
    assert.is(header(answer, 'content-type'), 'application/problem+json');
  });

  // The fetch engines' body read trusts a Content-Length (fetch-engine.ts readBody): every parser must
  // refuse a request that also says Transfer-Encoding, before the handler.
  hostile('a request with both Content-Length and Transfer-Encoding gets 400', async () => {
    const answer = await raw(app.url, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n0\r\n\r\n'], 3000);
    assert.is(answer.status, 400, answer.text);
  });

  // Deno.serve has no header timeout and gives the adapter no hold on the socket before the headers
  // are complete (denoland/deno#3515): the one documented gap between engines (README: Engines).
  // Bun's HTTP server cuts unfinished headers after a fixed 10 s, whatever the request timeout.
  if (engine.name !== 'deno') {
    hostile('a client that never finishes its headers is disconnected', async () => {
      const limit = engine.name === 'bun' ? 13_000 : REQUEST_TIMEOUT_MS * 4;
      const answer = await raw(app.url, ['GET /items/1 HTTP/1.1\r\n', 'Host: x\r\n'], limit, 100);
      assert.ok(answer.closedAfterMs !== undefined, `the connection was still open after ${limit} ms`);
      assert.ok(answer.closedAfterMs! >= REQUEST_TIMEOUT_MS * 0.5, `closed too early, after ${Math.round(answer.closedAfterMs!)} ms`);
    });
  }

  hostile('a client that stops sending its body is answered 408 or disconnected after the request timeout', async () => {
    const answer = await raw(app.url, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":'], REQUEST_TIMEOUT_MS * 3);
    if (answer.status !== undefined) assert.is(answer.status, 408, answer.text);
    // Deno answers the 408 but keeps the socket until the declared body has arrived (its HTTP
    // server gives no way to close it); node:http and Bun close it.
    if (engine.name === 'deno') assert.is(answer.status, 408, 'Deno: the fetch handler answers 408');
    else assert.ok(answer.closedAfterMs !== undefined, `the connection was still open after ${REQUEST_TIMEOUT_MS * 3} ms`);
  });

  hostile('after all that, the server still answers', async () => {
    const res = await fetch(`${app.url}/_health`);
    assert.is(res.status, 200);
  });

  hostile.run();
}
