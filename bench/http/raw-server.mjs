#!/usr/bin/env node
// The node:http ceiling: raw node:http with the hand-written router of bench/http/raw-router.mjs.
// Bodies are JSON.parse'd with no validation; answers are JSON.stringify'd. No logging.
// RAW_ASYNC=1: answered one promise reaction later (see handleAsync). RAW_VALIDATE=1: the POST body is
// checked by the hand-written validator of raw-validate.mjs first (400 when invalid): the ceiling of a
// validated POST. BENCH_MIDDLEWARE=1: the middleware variant's twin, inline (reads x-tenant, keeps it on
// the request, sets x-served-by). RAW_FLOOR=1: the validated ceiling plus what Gati's contract puts on every
// answer (the client's X-Request-Id when sane, else a made one; X-API-Version): the floor under `gati` (quiet
// logging) for a server that keeps the same contract, with no framework of its own.
//
// Usage: PORT=3200 HOST=127.0.0.1 node bench/http/raw-server.mjs
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BAD_JSON, rawRoute } from './raw-router.mjs';
import { validOrder } from './raw-validate.mjs';

const FLOOR = process.env.RAW_FLOOR === '1';
const VALIDATE = FLOOR || process.env.RAW_VALIDATE === '1';
const MIDDLEWARE = process.env.BENCH_MIDDLEWARE === '1';
const INVALID = [400, '{"error":"invalid body"}'];

// As Gati's request ids (runtime-shim/server/request-context.ts): a sane given one, else a prefix and a counter.
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
let ids = 0;

function send(res, [status, text]) {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (FLOOR) {
    const given = res.req.headers['x-request-id'];
    headers['x-request-id'] = typeof given === 'string' && REQUEST_ID.test(given) ? given : `abcdef01-${(++ids).toString(36)}`;
    // A pin is read as Gati reads it; this app has one version to answer with.
    void res.req.headers['x-api-version'];
    headers['x-api-version'] = '1.0.0';
  }
  res.writeHead(status, headers);
  res.end(text);
}

export function handle(req, res) {
  if (MIDDLEWARE) {
    const given = req.headers['x-tenant'];
    req.tenant = typeof given === 'string' ? given : 'public';
    res.setHeader('x-served-by', 'bench');
  }
  const answer = rawRoute(req.method, req.url);
  if (typeof answer !== 'function') return send(res, answer);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()); } catch { return send(res, BAD_JSON); }
    // Only the orders route has a typed body worth a hand-written check; the others take any JSON.
    if (VALIDATE && req.url.startsWith('/users/') && !validOrder(body)) return send(res, INVALID);
    send(res, answer(body));
  });
}

/**
 * The same, answered one promise reaction later, as a server must answer an `async` handler (it
 * cannot see that the promise has already settled): the floor for a framework whose handlers are
 * async functions. `RAW_ASYNC=1` serves it (bench/http/run.mjs `--servers raw-async`).
 */
export function handleAsync(req, res) {
  Promise.resolve().then(() => handle(req, res));
}

// Imported by bench/http/inproc.mjs for its handlers only.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  createServer(process.env.RAW_ASYNC ? handleAsync : handle).listen(Number(process.env.PORT ?? 3200), process.env.HOST ?? '127.0.0.1');
}
