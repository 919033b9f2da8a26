// The route table emitter (issue 3): the contract of the generated `match(method, path)`, rule by
// rule, and a property test against a small reference matcher written here from the rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitRouter, type RouterRoute } from '../emitters/router/index.js';

type MatchResult = { route: number; params: Record<string, string> } | { allow: string[] } | { badEncoding: true } | null;
type Match = (method: string, path: string) => MatchResult;

const dir = mkdtempSync(join(tmpdir(), 'gati-router-'));
let loaded = 0;

/** Emits the router for `routes`, writes it to a temp .mjs file and imports it. */
async function load(routes: RouterRoute[]): Promise<Match> {
  const file = join(dir, `router${loaded++}.mjs`);
  writeFileSync(file, emitRouter(routes));
  const mod = (await import(pathToFileURL(file).href)) as { match: Match };
  return mod.match;
}

const r = (key: string): RouterRoute => {
  const [method, path] = key.split(' ');
  return { method: method!, path: path! };
};
const hit = (route: number, params: Record<string, string> = {}) => ({ route, params });
/** Plain copy, so the shapes compare structurally. */
const plain = (v: MatchResult) => (v === null ? null : JSON.parse(JSON.stringify(v)));

test('literal segments and the root', async () => {
  const match = await load(['GET /', 'GET /health', 'GET /api/v1/status', 'GET /openapi.json'].map(r));
  assert.equal(plain(match('GET', '/')), hit(0));
  assert.equal(plain(match('GET', '/health')), hit(1));
  assert.equal(plain(match('GET', '/api/v1/status')), hit(2));
  assert.equal(plain(match('GET', '/openapi.json')), hit(3));
  assert.is(match('GET', '/api'), null);
  assert.is(match('GET', '/api/v1'), null);
  assert.is(match('GET', '/api/v1/status/x'), null);
  assert.is(match('GET', '/healthz'), null);
  assert.is(match('GET', '/healt'), null);
  assert.is(match('GET', '/openapi-json'), null);
  assert.is(match('GET', ''), null, 'an empty path');
  assert.is(match('GET', 'health'), null, 'a path without a leading slash');
  assert.is(match('GET', '*'), null);
});

test('params: one non-empty segment, URL-decoded', async () => {
  const match = await load(['GET /users/:id', 'GET /users/:userId/orders/:orderId', 'GET /tags/:tag/x'].map(r));
  assert.equal(plain(match('GET', '/users/42')), hit(0, { id: '42' }));
  assert.equal(plain(match('GET', '/users/42/orders/1337')), hit(1, { userId: '42', orderId: '1337' }));
  assert.equal(plain(match('GET', '/users/a%20b')), hit(0, { id: 'a b' }));
  assert.equal(plain(match('GET', '/users/caf%C3%A9')), hit(0, { id: 'café' }));
  assert.equal(plain(match('GET', '/users/a%2Fb')), hit(0, { id: 'a/b' }), 'an encoded slash stays in the param');
  assert.equal(plain(match('GET', '/users/a+b')), hit(0, { id: 'a+b' }), "'+' is not a space in a path");
  assert.equal(plain(match('GET', '/users/42/orders/a%3Fb')), hit(1, { userId: '42', orderId: 'a?b' }));
  assert.equal(plain(match('GET', '/tags/%E2%9C%93/x')), hit(2, { tag: '✓' }));
  assert.is(match('GET', '/users'), null, 'a param needs a segment');
  assert.is(match('GET', '/users/42/orders'), null);
});

test('params: a segment that is not valid percent-encoding is badEncoding (400)', async () => {
  const match = await load(['GET /users/:id', 'GET /files/*', 'GET /static/a%20b'].map(r));
  assert.equal(plain(match('GET', '/users/%ZZ')), { badEncoding: true });
  assert.equal(plain(match('GET', '/users/%E2%82')), { badEncoding: true }, 'a truncated UTF-8 sequence');
  assert.equal(plain(match('GET', '/users/100%')), { badEncoding: true });
  assert.equal(plain(match('GET', '/files/ok/%C0')), { badEncoding: true });
  assert.equal(plain(match('GET', '/static/a%20b')), hit(2), 'a literal is compared as written (encoded)');
  assert.is(match('GET', '/static/a b'), null);
  assert.equal(plain(match('POST', '/users/%ZZ')), { allow: ['GET', 'HEAD'] }, 'the wrong method is a 405, not a 400');
});

test('a trailing * matches the rest: empty, one or several segments, decoded per segment', async () => {
  const match = await load(['GET /files/*', 'GET /*', 'POST /a/:x/*'].map(r));
  assert.equal(plain(match('GET', '/files')), hit(0, { '*': '' }));
  assert.equal(plain(match('GET', '/files/')), hit(0, { '*': '' }));
  assert.equal(plain(match('GET', '/files/a')), hit(0, { '*': 'a' }));
  assert.equal(plain(match('GET', '/files/a/b/c.txt')), hit(0, { '*': 'a/b/c.txt' }));
  assert.equal(plain(match('GET', '/files/a/b/')), hit(0, { '*': 'a/b' }), 'the trailing slash is ignored');
  assert.equal(plain(match('GET', '/files/a%20b/c%2Fd')), hit(0, { '*': 'a b/c/d' }));
  assert.equal(plain(match('GET', '/')), hit(1, { '*': '' }));
  assert.equal(plain(match('GET', '/other/x')), hit(1, { '*': 'other/x' }));
  assert.equal(plain(match('GET', '/filesx/y')), hit(1, { '*': 'filesx/y' }), 'a literal matches whole segments only');
  assert.equal(plain(match('POST', '/a/1')), hit(2, { x: '1', '*': '' }));
  assert.equal(plain(match('POST', '/a/1/2/3')), hit(2, { x: '1', '*': '2/3' }));
  assert.equal(plain(match('POST', '/a')), { allow: ['GET', 'HEAD'] }, 'GET /* has every path');
});

test('static beats param beats wildcard at each position, with backtracking', async () => {
  const match = await load(['GET /users/me', 'GET /users/:id', 'GET /users/:id/posts', 'GET /users/me/settings', 'GET /files/*', 'GET /files/:name', 'GET /files/readme', 'GET /a/b/c', 'GET /a/:x/d', 'GET /a/*'].map(r));
  assert.equal(plain(match('GET', '/users/me')), hit(0));
  assert.equal(plain(match('GET', '/users/you')), hit(1, { id: 'you' }));
  assert.equal(plain(match('GET', '/users/me/posts')), hit(2, { id: 'me' }), 'backtracks from the static `me` to :id');
  assert.equal(plain(match('GET', '/users/me/settings')), hit(3));
  assert.is(match('GET', '/users/you/settings'), null);
  assert.equal(plain(match('GET', '/files/readme')), hit(6));
  assert.equal(plain(match('GET', '/files/notes')), hit(5, { name: 'notes' }));
  assert.equal(plain(match('GET', '/files/notes/2025')), hit(4, { '*': 'notes/2025' }));
  assert.equal(plain(match('GET', '/files/readme/x')), hit(4, { '*': 'readme/x' }), 'static and param fail deeper, the wildcard takes it');
  assert.equal(plain(match('GET', '/files')), hit(4, { '*': '' }));
  assert.equal(plain(match('GET', '/a/b/c')), hit(7));
  assert.equal(plain(match('GET', '/a/b/d')), hit(8, { x: 'b' }), 'backtracks from /a/b to /a/:x');
  assert.equal(plain(match('GET', '/a/b/e')), hit(9, { '*': 'b/e' }), 'then to /a/*');
});

test('one tree per method: DELETE /users/:id matches /users/me although GET /users/me is static', async () => {
  const match = await load(['GET /users/me', 'DELETE /users/:id', 'PUT /users/:id/avatar', 'GET /users/:id/avatar', 'PATCH /users/me'].map(r));
  assert.equal(plain(match('DELETE', '/users/me')), hit(1, { id: 'me' }));
  assert.equal(plain(match('GET', '/users/me')), hit(0));
  assert.equal(plain(match('PUT', '/users/me/avatar')), hit(2, { id: 'me' }));
  assert.equal(plain(match('GET', '/users/me/avatar')), hit(3, { id: 'me' }));
  assert.equal(plain(match('PATCH', '/users/me')), hit(4));
  assert.equal(plain(match('PATCH', '/users/you')), { allow: ['DELETE'] });
});

test('HEAD is served by GET routes when no HEAD route matches', async () => {
  const match = await load(['GET /users/:id', 'HEAD /users/me', 'GET /health'].map(r));
  assert.equal(plain(match('HEAD', '/users/42')), hit(0, { id: '42' }));
  assert.equal(plain(match('HEAD', '/users/me')), hit(1));
  assert.equal(plain(match('HEAD', '/health')), hit(2));
  const onlyGet = await load(['GET /x'].map(r));
  assert.equal(plain(onlyGet('HEAD', '/x')), hit(0));
  assert.equal(plain(onlyGet('HEAD', '/x/')), hit(0));
  assert.is(onlyGet('HEAD', '/y'), null);
});

test('405: allow lists every method whose tree has the path, in a fixed order, HEAD with GET', async () => {
  const match = await load(['OPTIONS /users', 'DELETE /users/:id', 'POST /users', 'GET /users', 'PATCH /users/:id', 'GET /users/me', 'PUT /users/:id', 'HEAD /only-head', 'WS /chat', 'GET /ws-too', 'WS /ws-too'].map(r));
  assert.equal(plain(match('PUT', '/users')), { allow: ['GET', 'HEAD', 'POST', 'OPTIONS'] });
  assert.equal(plain(match('GET', '/users/42')), { allow: ['PUT', 'PATCH', 'DELETE'] });
  assert.equal(plain(match('POST', '/users/me')), { allow: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'] });
  assert.equal(plain(match('GET', '/only-head')), { allow: ['HEAD'] });
  assert.equal(plain(match('PROPFIND', '/users')), { allow: ['GET', 'HEAD', 'POST', 'OPTIONS'] }, 'an unknown method');
  assert.equal(plain(match('get', '/users')), { allow: ['GET', 'HEAD', 'POST', 'OPTIONS'] }, 'methods are case-sensitive');
  assert.is(match('GET', '/chat'), null, 'WS is never in allow: a WS-only path is unknown to plain HTTP');
  assert.equal(plain(match('POST', '/ws-too')), { allow: ['GET', 'HEAD'] });
  assert.is(match('GET', '/nope'), null);
  const res = match('PUT', '/users') as { allow: string[] };
  assert.ok(Object.isFrozen(res) && Object.isFrozen(res.allow), 'shared allow results are frozen');
});

test('WS routes are their own tree', async () => {
  const match = await load(['GET /chat', 'WS /chat', 'WS /rooms/:room', 'GET /rooms/lobby'].map(r));
  assert.equal(plain(match('WS', '/chat')), hit(1));
  assert.equal(plain(match('GET', '/chat')), hit(0));
  assert.equal(plain(match('WS', '/rooms/lobby')), hit(2, { room: 'lobby' }), "GET's static /rooms/lobby does not shadow it");
  assert.equal(plain(match('GET', '/rooms/blue')), null);
  assert.equal(plain(match('WS', '/rooms')), null);
  const noWs = await load(['GET /chat'].map(r));
  assert.equal(plain(noWs('WS', '/chat')), { allow: ['GET', 'HEAD'] });
});

test('a trailing slash is ignored; empty segments never match a param', async () => {
  const match = await load(['GET /users', 'GET /users/:id', 'GET /users/:id/posts', 'GET /'].map(r));
  assert.equal(plain(match('GET', '/users/')), hit(0));
  assert.equal(plain(match('GET', '/users/42/')), hit(1, { id: '42' }));
  assert.equal(plain(match('GET', '/users/42/posts/')), hit(2, { id: '42' }));
  assert.equal(plain(match('GET', '/')), hit(3));
  assert.is(match('GET', '/users//'), null, 'only one trailing slash is ignored');
  assert.is(match('GET', '/users//posts'), null);
  assert.is(match('GET', '//users'), null);
  assert.is(match('GET', '//'), null);
  assert.is(match('GET', '/users/42//'), null);
});

test('matching is case-sensitive', async () => {
  const match = await load(['GET /Users', 'GET /users/:id'].map(r));
  assert.equal(plain(match('GET', '/Users')), hit(0));
  assert.is(match('GET', '/users'), null);
  assert.is(match('GET', '/USERS'), null);
  assert.equal(plain(match('GET', '/users/ME')), hit(1, { id: 'ME' }));
});

test('params objects: fresh per match, own properties, even for __proto__ and constructor', async () => {
  const match = await load(['GET /a/:__proto__', 'GET /b/:constructor/:x', 'GET /c'].map(r));
  const a = match('GET', '/a/evil') as { params: Record<string, string> };
  assert.is(Object.getPrototypeOf(a.params), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(a.params, '__proto__'));
  assert.is(Object.getOwnPropertyDescriptor(a.params, '__proto__')!.value, 'evil');
  const aDecoded = match('GET', '/a/%65vil') as { params: Record<string, string> };
  assert.is(Object.getOwnPropertyDescriptor(aDecoded.params, '__proto__')!.value, 'evil', 'the decoding path too');
  assert.is(Object.getPrototypeOf(aDecoded.params), Object.prototype);
  assert.equal(plain(match('GET', '/b/1/2')), hit(1, { constructor: '1', x: '2' }));
  const c1 = match('GET', '/c') as { params: object };
  const c2 = match('GET', '/c') as { params: object };
  assert.is.not(c1, c2);
  assert.is.not(c1.params, c2.params);
});

test('emitRouter refuses what the compiler would refuse, and is deterministic', () => {
  assert.throws(() => emitRouter([r('GET /users/:id'), r('GET /users/:name')]), /match the same paths/);
  assert.throws(() => emitRouter([r('GET /users'), r('GET /users/')]), /match the same paths/);
  assert.throws(() => emitRouter([r('FETCH /users')]), /unknown method/);
  assert.throws(() => emitRouter([r('GET users')]), /does not start with/);
  assert.throws(() => emitRouter([r('GET /a/*/b')]), /last segment/);
  assert.throws(() => emitRouter([r('GET /a//b')]), /empty segment/);
  const routes = ['GET /b', 'GET /a/:id', 'POST /a', 'WS /c'].map(r);
  assert.is(emitRouter(routes), emitRouter(routes));
  const src = emitRouter(routes);
  assert.ok(src.startsWith('// generated by gati, do not edit'));
  assert.not.match(src, /\.split\(|new RegExp|=>/, 'no split, no RegExp, no closures in the generated code');
});

test('an empty route table answers null', async () => {
  const match = await load([]);
  assert.is(match('GET', '/'), null);
  assert.is(match('GET', '/x'), null);
});

// ---------------------------------------------------------------------------------------------
// Property test: the emitted router against a reference matcher written from the rules.

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

type RefSeg = { kind: 0; lit: string } | { kind: 1; name: string } | { kind: 2 };

function refRouter(routes: RouterRoute[]): Match {
  const parsed = routes.map((route, index) => {
    const p = route.path.length > 1 && route.path.endsWith('/') ? route.path.slice(0, -1) : route.path;
    const segs: RefSeg[] = (p === '/' ? [] : p.slice(1).split('/')).map((s) => (s === '*' ? { kind: 2 } : s.startsWith(':') ? { kind: 1, name: s.slice(1) } : { kind: 0, lit: s }));
    return { method: route.method, index, segs };
  });
  const find = (method: string, segs: string[]): MatchResult => {
    let best: { index: number; kinds: number[]; names: string[]; values: string[] } | null = null;
    for (const route of parsed) {
      if (route.method !== method) continue;
      const names: string[] = [];
      const values: string[] = [];
      let ok = true;
      let wild = false;
      for (let k = 0; k < route.segs.length && ok; k++) {
        const s = route.segs[k]!;
        if (s.kind === 2) {
          names.push('*');
          values.push(segs.slice(k).join('/'));
          wild = true;
          break;
        }
        if (k >= segs.length) ok = false;
        else if (s.kind === 0) ok = segs[k] === s.lit;
        else if (segs[k] === '') ok = false;
        else {
          names.push(s.name);
          values.push(segs[k]!);
        }
      }
      if (!ok || (!wild && segs.length !== route.segs.length)) continue;
      const kinds = route.segs.map((s) => s.kind);
      if (best === null || before(kinds, best.kinds)) best = { index: route.index, kinds, names, values };
    }
    if (best === null) return null;
    const params: Record<string, string> = {};
    for (let k = 0; k < best.names.length; k++) {
      let value: string;
      try {
        value = decodeURIComponent(best.values[k]!);
      } catch {
        return { badEncoding: true };
      }
      Object.defineProperty(params, best.names[k]!, { value, enumerable: true, writable: true, configurable: true });
    }
    return { route: best.index, params };
  };
  /** Static (0) before param (1) before wildcard (2) at the first differing position; a prefix first. */
  const before = (a: number[], b: number[]) => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! < b[k]!;
    return a.length < b.length;
  };
  return (method, path) => {
    if (!path.startsWith('/')) return null;
    const p = path.endsWith('/') ? path.slice(0, -1) : path;
    const segs = p === '' ? [] : p.slice(1).split('/');
    let found = find(method, segs);
    if (found === null && method === 'HEAD') found = find('GET', segs);
    if (found !== null) return found;
    const allow = ORDER.filter((m) => find(m, segs) !== null || (m === 'HEAD' && find('GET', segs) !== null));
    return allow.length ? { allow } : null;
  };
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'WS'];

function randomRoutes(seed: number, count: number, literals: string[], maxDepth: number): RouterRoute[] {
  const g = rng(seed);
  const routes: RouterRoute[] = [];
  const shapes = new Set<string>();
  for (let tries = 0; routes.length < count && tries < count * 20; tries++) {
    const depth = g.int(maxDepth + 1);
    const segs: string[] = [];
    for (let d = 0; d < depth; d++) {
      const x = g.next();
      if (x < 0.12 && d === depth - 1) segs.push('*');
      else if (x < 0.4) segs.push(`:${g.pick(['p', 'q', 'id'])}${d}`);
      else segs.push(g.pick(literals));
    }
    const method = g.pick(METHODS);
    const path = `/${segs.join('/')}`;
    const shape = `${method} ${segs.map((s) => (s.startsWith(':') ? ':' : s)).join('/')}`;
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    routes.push({ method, path });
  }
  return routes;
}

const VALUES = ['42', 'me', 'x', 'a%20b', '%ZZ', '%E2%82', 'caf%C3%A9', 'x%2Fy', '', 'A', '%', 'a+b'];

function randomPaths(seed: number, routes: RouterRoute[], literals: string[], count: number): [string, string][] {
  const g = rng(seed);
  const out: [string, string][] = [];
  const value = () => (g.next() < 0.5 ? g.pick(literals) : g.pick(VALUES));
  for (let k = 0; k < count; k++) {
    let segs: string[];
    if (routes.length && g.next() < 0.8) {
      // A path derived from a route: its literals, param values, a wildcard's rest, sometimes altered.
      const route = g.pick(routes);
      segs = [];
      for (const s of route.path === '/' ? [] : route.path.slice(1).split('/')) {
        if (s === '*') for (let w = g.int(4); w > 0; w--) segs.push(value());
        else if (s.startsWith(':')) segs.push(value());
        else segs.push(g.next() < 0.9 ? s : g.pick([s.toUpperCase(), `${s}x`, s.slice(1), value()]));
      }
      const y = g.next();
      if (y < 0.1) segs.pop();
      else if (y < 0.2) segs.push(value());
    } else {
      segs = [];
      for (let d = g.int(5); d > 0; d--) segs.push(value());
    }
    let path = `/${segs.join('/')}`;
    const z = g.next();
    if (z < 0.15) path += '/';
    else if (z < 0.2) path += '//';
    else if (z < 0.25) path = path.replace('/', '//');
    out.push([g.pick([...METHODS, 'PROPFIND']), path]);
  }
  return out;
}

const SETS = [
  { seed: 1, count: 12, literals: ['a', 'b', 'me'], depth: 3 },
  { seed: 2, count: 40, literals: ['users', 'user', 'me', 'files', 'f', 'posts', 'u'], depth: 4 },
  { seed: 3, count: 80, literals: ['a', 'ab', 'abc', 'b', 'ba', 'x.json', 'a%20b'], depth: 5 },
  { seed: 4, count: 25, literals: ['v1', 'v2', 'items'], depth: 2 },
];

for (const set of SETS) {
  test(`property: the emitted router agrees with the reference (seed ${set.seed}, ${set.count} routes)`, async () => {
    const routes = randomRoutes(set.seed, set.count, set.literals, set.depth);
    const match = await load(routes);
    const ref = refRouter(routes);
    const paths = randomPaths(set.seed * 7919, routes, set.literals, 3000);
    let hits = 0;
    for (const [method, path] of paths) {
      const expected = ref(method, path);
      if (expected && 'route' in expected) hits++;
      assert.equal(plain(match(method, path)), plain(expected), `${method} ${path} with routes ${JSON.stringify(routes)}`);
    }
    assert.ok(hits > 300, `enough paths hit a route (${hits})`);
  });
}

test('property: a large table (split into helper functions) agrees with the reference', async () => {
  const literals = Array.from({ length: 30 }, (_, k) => `res${k}`);
  const routes = randomRoutes(99, 600, literals, 5);
  const src = emitRouter(routes);
  assert.match(src, /function h0\(/, 'large subtrees are hoisted into helpers');
  const match = await load(routes);
  const ref = refRouter(routes);
  for (const [method, path] of randomPaths(12345, routes, literals, 4000)) {
    assert.equal(plain(match(method, path)), plain(ref(method, path)), `${method} ${path}`);
  }
});

test('property: every subtree hoisted into a helper (splitChars: 1) agrees with the reference', async () => {
  for (const set of SETS) {
    const routes = randomRoutes(set.seed, set.count, set.literals, set.depth);
    const src = emitRouter(routes, { splitChars: 1 });
    assert.match(src, /function h\d+\(path, n, \w+, a\d, j\d/, 'helpers receive the captures so far');
    const file = join(dir, `split${set.seed}.mjs`);
    writeFileSync(file, src);
    const { match } = (await import(pathToFileURL(file).href)) as { match: Match };
    const ref = refRouter(routes);
    for (const [method, path] of randomPaths(set.seed * 31, routes, set.literals, 2000)) {
      assert.equal(plain(match(method, path)), plain(ref(method, path)), `${method} ${path}`);
    }
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
