#!/usr/bin/env -S deno run --allow-net --allow-env --allow-read
// The Deno ceiling (issue 8): Deno.serve with the hand-written router of bench/http/raw-router.mjs,
// the same routes and answers as raw-server.mjs. No logging.
//
// Usage: PORT=3200 HOST=127.0.0.1 node_modules/.bin/deno run --allow-net --allow-env --allow-read bench/http/raw-deno-server.mjs
import { BAD_JSON, rawRoute } from './raw-router.mjs';

const reply = ([status, text]) => new Response(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 3200), hostname: Deno.env.get('HOST') ?? '127.0.0.1', onListen() {} }, async (request) => {
  const url = request.url;
  const answer = rawRoute(request.method, url.slice(url.indexOf('/', url.indexOf('//') + 2)));
  if (typeof answer !== 'function') return reply(answer);
  let body;
  try { body = await request.json(); } catch { return reply(BAD_JSON); }
  return reply(answer(body));
});
