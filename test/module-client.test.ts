// The HTTP module client against real node:http servers: the wire format it sends, a module's
// problem re-raised, a call with no answer (504), and the circuit breaker: consecutive failures
// open it (503 at once), and after the reset time one probe closes it again once the service is back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpModuleClient } from '../runtime-shim/modules/http-module-client.js';
import { ModuleSlot, moduleFacade } from '../runtime-shim/modules/module-slot.js';
import { HttpError } from '../runtime-shim/http-error.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function serve(handler: Handler, port = 0): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const p = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${p}`, port: p, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const json = (res: http.ServerResponse, status: number, value: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(value));
};

async function rejection(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (error) {
    assert.instance(error, HttpError);
    return error as HttpError;
  }
  throw new Error('the call succeeded');
}

const body = (e: HttpError) => e.body as Record<string, unknown>;

test('POST <base>/<fn> with the JSON array of arguments (trailing undefined left out); 200 is the result', async () => {
  const seen: unknown[] = [];
  const server = await serve((req, text, res) => {
    seen.push([req.method, req.url, req.headers['content-type'], JSON.parse(text)]);
    json(res, 200, { ok: true });
  });
  const client = new HttpModuleClient({ name: 'geo', baseUrl: `${server.url}/v1/`, timeoutMs: 5_000 });
  try {
    // A module without an interface: any method name, and never a thenable.
    const geo = moduleFacade(new ModuleSlot(client), undefined);
    assert.is((geo as Record<string, unknown>).then, undefined);
    assert.equal(await geo.lookup!('x', 2, undefined), { ok: true });
    assert.equal(seen, [['POST', '/v1/lookup', 'application/json', ['x', 2]]]);
  } finally {
    client.close();
    await server.close();
  }
});

test("a module's problem is re-raised with its status and detail", async () => {
  const server = await serve((_req, _text, res) => json(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no city x' }, 'application/problem+json'));
  const client = new HttpModuleClient({ name: 'geo', baseUrl: server.url, timeoutMs: 5_000 });
  try {
    const e = await rejection(client.call('lookup', ['x']));
    assert.is(e.status, 404);
    assert.equal([body(e).detail, body(e).module, body(e).function], ['no city x', 'geo', 'lookup']);
    assert.is(e.headers['content-type'], 'application/problem+json');
  } finally {
    client.close();
    await server.close();
  }
});

test('a call without an answer within timeoutMs fails with 504', async () => {
  const server = await serve(() => {}); // never answers
  const client = new HttpModuleClient({ name: 'slow', baseUrl: server.url, timeoutMs: 200 });
  try {
    const e = await rejection(client.call('wait', []));
    assert.is(e.status, 504);
    assert.is(body(e).detail, 'module slow.wait did not answer within 200 ms');
  } finally {
    client.close();
    await server.close();
  }
});

test('a deadline passing while the answer arrives is a 504 too', async () => {
  const server = await serve((_req, _text, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[1,'); // and never the rest
  });
  const client = new HttpModuleClient({ name: 'slow', baseUrl: server.url, timeoutMs: 200 });
  try {
    assert.is((await rejection(client.call('half', []))).status, 504);
  } finally {
    client.close();
    await server.close();
  }
});

test('the circuit opens after consecutive failures (503 at once), and a probe closes it when the service is back', async () => {
  const gone = await serve(() => {});
  const port = gone.port;
  await gone.close(); // nothing listens there now: connections are refused
  const client = new HttpModuleClient({ name: 'ranker', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5_000, breakerFailures: 3, breakerResetMs: 300, connectRetries: 0 });
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      const e = await rejection(client.call('rank', []));
      assert.is(e.status, 503);
      assert.is(body(e).detail, 'module ranker unavailable (ECONNREFUSED)');
    }
    const open = await rejection(client.call('rank', []));
    assert.is(open.status, 503);
    assert.is(body(open).detail, 'module ranker unavailable', 'the open circuit answers without a connection');
    let calls = 0;
    server = await serve((_req, _text, res) => {
      calls++;
      json(res, 200, [1]);
    }, port);
    let result: unknown;
    for (let i = 0; i < 200 && result === undefined; i++) {
      try {
        result = await client.call('rank', []);
      } catch (error) {
        assert.is((error as HttpError).status, 503);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.equal(result, [1]);
    assert.is(calls, 1, 'the open circuit sent nothing until its probe');
    assert.equal(await client.call('rank', []), [1]);
  } finally {
    client.close();
    await server?.close();
  }
});

test('replacing the slot\'s client sends later calls to the new one; the old one finishes its calls', async () => {
  const a = await serve((_req, _text, res) => setTimeout(() => json(res, 200, 'a'), 200));
  const b = await serve((_req, _text, res) => json(res, 200, 'b'));
  const slot = new ModuleSlot(new HttpModuleClient({ name: 'm', baseUrl: a.url, timeoutMs: 5_000 }));
  const m = moduleFacade(slot, ['which']);
  try {
    assert.is(await m.which!(), 'a');
    const inFlight = m.which!();
    await new Promise((r) => setTimeout(r, 50)); // the call is sent
    slot.swap(new HttpModuleClient({ name: 'm', baseUrl: b.url, timeoutMs: 5_000 })).close();
    assert.is(await m.which!(), 'b');
    assert.is(await inFlight, 'a', 'a call in flight on the old client finishes after it is closed');
    assert.is((m as Record<string, unknown>).other, undefined, 'only the interface\'s functions');
  } finally {
    slot.client.close();
    await a.close();
    await b.close();
  }
});

test.run();
