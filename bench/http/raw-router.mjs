// The hand-written router the ceiling servers share (raw node:http, Bun.serve, Deno.serve): a switch on
// the path's segments for the same 100 routes as bench/http/gen-app.mjs (table in
// bench/http/routes.mjs). Bodies are JSON.parse'd by the caller with no validation.
import { PAIRS, RESOURCES, STATICS, orderAnswer } from './routes.mjs';

const ACTION = Object.fromEntries(RESOURCES);            // resource -> action
const PAIR = Object.fromEntries(PAIRS.map(([p, pp, c, cp]) => [p, [pp, c, cp]]));
const STATIC = Object.fromEntries(Object.entries(STATICS).map(([k, v]) => [k.slice(1), JSON.stringify(v)]));
export const NOT_FOUND = [404, '{"error":"not found"}'];
export const BAD_JSON = [400, '{"error":"bad json"}'];

/** `[status, text]`, or a function of the parsed JSON body that returns one. */
export function rawRoute(method, url) {
  const q = url.indexOf('?');
  const s = (q === -1 ? url : url.slice(0, q)).split('/');
  const m = method;
  switch (s.length) {
    case 2: { // /a
      const a = s[1];
      if (m === 'GET') {
        if (STATIC[a] !== undefined) return [200, STATIC[a]];
        if (ACTION[a]) return [200, '{"items":[],"total":0}'];
      } else if (m === 'POST' && ACTION[a]) {
        return (b) => [201, JSON.stringify({ id: `${a}_1`, name: b.name })];
      }
      break;
    }
    case 3: // /a/:id
      if (m === 'GET' && ACTION[s[1]]) return [200, JSON.stringify({ id: decodeURIComponent(s[2]), kind: s[1] })];
      break;
    case 4: // /a/:id/action, POST /users/:userId/orders
      if (m === 'POST') {
        if (s[1] === 'users' && s[3] === 'orders') {
          const userId = decodeURIComponent(s[2]);
          return (b) => [201, JSON.stringify(orderAnswer(userId, b))];
        }
        if (ACTION[s[1]] === s[3]) return [200, JSON.stringify({ id: decodeURIComponent(s[2]), action: s[3], ok: true })];
      }
      break;
    case 5: { // /p/:pp/c/:cp
      const pair = PAIR[s[1]];
      if (m === 'GET' && pair && pair[1] === s[3]) {
        return [200, JSON.stringify({ [pair[0]]: decodeURIComponent(s[2]), [pair[2]]: decodeURIComponent(s[4]) })];
      }
      break;
    }
  }
  return NOT_FOUND;
}

const reply = ([status, text]) => new Response(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** The fetch-style ceiling servers' handler (Bun.serve, Deno.serve): route, parse the body, answer. */
export async function rawFetch(request) {
  const url = request.url;
  const answer = rawRoute(request.method, url.slice(url.indexOf('/', url.indexOf('//') + 2)));
  if (typeof answer !== 'function') return reply(answer);
  let body;
  try { body = await request.json(); } catch { return reply(BAD_JSON); }
  return reply(answer(body));
}
