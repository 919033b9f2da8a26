#!/usr/bin/env bun
// The floor under Gati on Bun.serve / Deno.serve (issue 24): the raw router of raw-router.mjs plus only
// what Gati's answer cannot do without, chosen by FLAGS, to tell the engine's own cost of that work from
// the pipeline's: h = read the two request headers Gati always reads (x-request-id, x-api-version),
// r = answer with Gati's three response headers, built as fetch-engine.ts builds them (none in the init,
// each `set`), s = return the Response itself (not a promise) when there is no body to read,
// t = read the body as text() and JSON.parse it (Gati's read) instead of json(),
// o = Bun.serve with the options Gati's Bun adapter passes (idleTimeout, maxRequestBodySize, error).
// IMPORT=FILE in the environment: import that module at startup and keep it, unused (what loading an
// app's code and data costs the engine, e.g. each garbage collection: bench/http/gc-cost.mjs).
//
// Usage: PORT=3200 FLAGS=hrst node_modules/.bin/bun bench/http/fetch-floor-server.mjs
//        PORT=3200 FLAGS=hrst node_modules/.bin/deno run -A bench/http/fetch-floor-server.mjs
// (bench/http/floor.mjs runs these against the raw servers and Gati.)
import { rawRoute, BAD_JSON } from './raw-router.mjs';

const env = (k) => (globalThis.Deno ? Deno.env.get(k) : process.env[k]);
const FLAGS = env('FLAGS') ?? '';
const READ_HEADERS = FLAGS.includes('h'), GATI_HEADERS = FLAGS.includes('r'), SYNC = FLAGS.includes('s'), TEXT = FLAGS.includes('t');
const JSON_TYPE = 'application/json; charset=utf-8';
let counter = 0;
if (env('IMPORT')) globalThis.importedUnused = await import(env('IMPORT'));

function reply([status, text], requestId) {
  if (!GATI_HEADERS) return new Response(text, { status, headers: { 'content-type': JSON_TYPE } });
  const response = new Response(text, { status });
  response.headers.set('content-type', JSON_TYPE);
  response.headers.set('x-api-version', '1.0.0');
  response.headers.set('x-request-id', requestId);
  return response;
}

function handle(request) {
  const url = request.url;
  let requestId = '';
  if (READ_HEADERS) {
    requestId = request.headers.get('x-request-id') ?? `abcdef01-${(++counter).toString(36)}`;
    request.headers.get('x-api-version');
  } else if (GATI_HEADERS) requestId = `abcdef01-${(++counter).toString(36)}`;
  const answer = rawRoute(request.method, url.slice(url.indexOf('/', url.indexOf('//') + 2)));
  if (typeof answer !== 'function') return SYNC ? reply(answer, requestId) : Promise.resolve(reply(answer, requestId));
  return (TEXT ? request.text().then(JSON.parse) : request.json()).then((body) => reply(answer(body), requestId), () => reply(BAD_JSON, requestId));
}

const port = Number(env('PORT') ?? 3200), hostname = env('HOST') ?? '127.0.0.1';
if (globalThis.Deno) Deno.serve({ port, hostname, onListen() {} }, handle);
else if (FLAGS.includes('o')) Bun.serve({ port, hostname, fetch: handle, maxRequestBodySize: Number.MAX_SAFE_INTEGER, idleTimeout: 30, error: () => new Response('bad', { status: 400 }) });
else Bun.serve({ port, hostname, fetch: handle });
