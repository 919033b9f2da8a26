#!/usr/bin/env bun
// The Bun ceiling (issue 8): Bun.serve with the hand-written router of bench/http/raw-router.mjs,
// the same routes and answers as raw-server.mjs. No logging.
//
// Usage: PORT=3200 HOST=127.0.0.1 node_modules/.bin/bun bench/http/raw-bun-server.mjs
import { BAD_JSON, rawRoute } from './raw-router.mjs';

const reply = ([status, text]) => new Response(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

Bun.serve({
  port: Number(process.env.PORT ?? 3200),
  hostname: process.env.HOST ?? '127.0.0.1',
  async fetch(request) {
    const url = request.url;
    const answer = rawRoute(request.method, url.slice(url.indexOf('/', url.indexOf('//') + 2)));
    if (typeof answer !== 'function') return reply(answer);
    let body;
    try { body = await request.json(); } catch { return reply(BAD_JSON); }
    return reply(answer(body));
  },
});
