#!/usr/bin/env node
// The node:http ceiling: raw node:http with the hand-written router of bench/http/raw-router.mjs.
// Answers are JSON.stringify'd. No logging.
//
// Usage: PORT=3200 HOST=127.0.0.1 node bench/http/raw-server.mjs
import { createServer } from 'node:http';
import { BAD_JSON, rawRoute } from './raw-router.mjs';

function send(res, [status, text]) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req, res) {
  const answer = rawRoute(req.method, req.url);
  if (typeof answer !== 'function') return send(res, answer);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()); } catch { return send(res, BAD_JSON); }
    send(res, answer(body));
  });
}

createServer(handle).listen(Number(process.env.PORT ?? 3200), process.env.HOST ?? '127.0.0.1');
