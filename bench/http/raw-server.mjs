#!/usr/bin/env node
// The ceiling: node:http with a hand-written router (a switch on the path's segments) for the same
// 100 routes as bench/http/gen-app.mjs (table in bench/http/routes.mjs). Bodies are JSON.parse'd with
// no validation; answers are JSON.stringify'd. No logging. RAW_ASYNC=1: answered one promise
// reaction later (see handleAsync).
//
// Usage: PORT=3200 HOST=127.0.0.1 node bench/http/raw-server.mjs
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAIRS, RESOURCES, STATICS, orderAnswer } from './routes.mjs';

const ACTION = Object.fromEntries(RESOURCES);            // resource -> action
const PAIR = Object.fromEntries(PAIRS.map(([p, pp, c, cp]) => [p, [pp, c, cp]]));
const STATIC = Object.fromEntries(Object.entries(STATICS).map(([k, v]) => [k.slice(1), JSON.stringify(v)]));

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req, res, then) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()); } catch { return send(res, 400, '{"error":"bad json"}'); }
    then(body);
  });
}

export function handle(req, res) {
  const url = req.url;
  const q = url.indexOf('?');
  const s = (q === -1 ? url : url.slice(0, q)).split('/');
  const m = req.method;
  switch (s.length) {
    case 2: { // /a
      const a = s[1];
      if (m === 'GET') {
        if (STATIC[a] !== undefined) return send(res, 200, STATIC[a]);
        if (ACTION[a]) return send(res, 200, '{"items":[],"total":0}');
      } else if (m === 'POST' && ACTION[a]) {
        return readJson(req, res, (b) => send(res, 201, JSON.stringify({ id: `${a}_1`, name: b.name })));
      }
      break;
    }
    case 3: // /a/:id
      if (m === 'GET' && ACTION[s[1]]) return send(res, 200, JSON.stringify({ id: decodeURIComponent(s[2]), kind: s[1] }));
      break;
    case 4: // /a/:id/action, POST /users/:userId/orders
      if (m === 'POST') {
        if (s[1] === 'users' && s[3] === 'orders') {
          const userId = decodeURIComponent(s[2]);
          return readJson(req, res, (b) => send(res, 201, JSON.stringify(orderAnswer(userId, b))));
        }
        if (ACTION[s[1]] === s[3]) return send(res, 200, JSON.stringify({ id: decodeURIComponent(s[2]), action: s[3], ok: true }));
      }
      break;
    case 5: { // /p/:pp/c/:cp
      const pair = PAIR[s[1]];
      if (m === 'GET' && pair && pair[1] === s[3]) {
        return send(res, 200, JSON.stringify({ [pair[0]]: decodeURIComponent(s[2]), [pair[2]]: decodeURIComponent(s[4]) }));
      }
      break;
    }
  }
  send(res, 404, '{"error":"not found"}');
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
