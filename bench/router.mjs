#!/usr/bin/env node
// Route lookup micro-benchmark (issue 3): the router emitted by emitters/router against
// find-my-way's find() and a naive RegExp loop, on the same 100-route table as the HTTP benchmarks
// (bench/http/routes.mjs): 20 resources × {GET /r, GET /r/:id, POST /r, POST /r/:id/<action>},
// 10 two-param routes, POST /users/:userId/orders, 9 static routes.
//
//   npm run build && node bench/router.mjs [--rounds N] [--json]
//   (pin it for steadier figures: taskset -c 0 node bench/router.mjs)
//
// Each round measures every (router, lookup) pair once with mitata's measure(); the table shows the
// median over rounds of mitata's average ns/op, and the ratio find-my-way / gati (> 1: gati faster).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, do_not_optimize } from 'mitata';
import FindMyWay from 'find-my-way';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EMITTER = join(ROOT, 'lib', 'emitters', 'router', 'index.js');
if (!existsSync(EMITTER)) {
  console.error('lib/emitters/router/index.js is missing: run `npm run build` first');
  process.exit(1);
}
const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1]) || 3;

// --- the route table (100 routes; order as in bench/http/routes.mjs: #1 GET /users, #12 POST /payments/:id/capture,
// #81 GET /users/:userId/orders/:orderId, #92 GET /health, 1-based) ---
const RESOURCES = [
  ['users', 'activate'], ['orders', 'cancel'], ['payments', 'capture'], ['products', 'publish'], ['customers', 'verify'],
  ['invoices', 'send'], ['carts', 'checkout'], ['shipments', 'dispatch'], ['reviews', 'approve'], ['categories', 'archive'],
  ['coupons', 'redeem'], ['refunds', 'approve'], ['subscriptions', 'renew'], ['accounts', 'close'], ['sessions', 'revoke'],
  ['notifications', 'resend'], ['webhooks', 'test'], ['reports', 'generate'], ['inventory', 'restock'], ['suppliers', 'suspend'],
];
const routes = [];
for (const [r, action] of RESOURCES) {
  routes.push({ method: 'GET', path: `/${r}` }, { method: 'GET', path: `/${r}/:id` }, { method: 'POST', path: `/${r}` }, { method: 'POST', path: `/${r}/:id/${action}` });
}
for (const p of [
  '/users/:userId/orders/:orderId', '/users/:userId/payments/:paymentId', '/orders/:orderId/items/:itemId',
  '/products/:productId/reviews/:reviewId', '/customers/:customerId/invoices/:invoiceId', '/carts/:cartId/items/:itemId',
  '/shipments/:shipmentId/events/:eventId', '/accounts/:accountId/sessions/:sessionId',
  '/subscriptions/:subscriptionId/invoices/:invoiceId', '/suppliers/:supplierId/products/:productId',
]) routes.push({ method: 'GET', path: p });
routes.push({ method: 'POST', path: '/users/:userId/orders' });
for (const p of ['/health', '/ready', '/metrics', '/version', '/status', '/docs', '/openapi.json', '/login', '/logout']) routes.push({ method: 'GET', path: p });
if (routes.length !== 100) throw new Error(`expected 100 routes, got ${routes.length}`);

// --- the three routers ---
const { emitRouter } = await import(pathToFileURL(EMITTER).href);
const work = join(ROOT, 'bench', '.work');
mkdirSync(work, { recursive: true });
const genFile = join(work, 'router.gen.mjs');
const source = emitRouter(routes);
writeFileSync(genFile, source);
const gati = await import(`${pathToFileURL(genFile).href}?t=${Date.now()}`);

const fmw = FindMyWay();
routes.forEach((r, i) => fmw.on(r.method, r.path, () => i, { index: i }));

const regexRoutes = routes.map((r, i) => {
  const src = r.path.split('/').map((s) => (s.startsWith(':') ? '([^/]+)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return { method: r.method, re: new RegExp(`^${src}/?$`), names: r.path.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1)), index: i };
});
function regexFind(method, path) {
  for (let k = 0; k < regexRoutes.length; k++) {
    const r = regexRoutes[k];
    if (r.method !== method) continue;
    const m = r.re.exec(path);
    if (m !== null) {
      const params = {};
      for (let p = 0; p < r.names.length; p++) params[r.names[p]] = decodeURIComponent(m[p + 1]);
      return { route: r.index, params };
    }
  }
  return null;
}

const LOOKUPS = [
  { name: 'GET /users/42/orders/1337', method: 'GET', path: '/users/42/orders/1337', route: 80, params: { userId: '42', orderId: '1337' } },
  { name: 'POST /payments/7/capture', method: 'POST', path: '/payments/7/capture', route: 11, params: { id: '7' } },
  { name: 'GET /health', method: 'GET', path: '/health', route: 91, params: {} },
  { name: 'GET /users', method: 'GET', path: '/users', route: 0, params: {} },
  { name: 'miss GET /nope/1/2', method: 'GET', path: '/nope/1/2', route: null, params: null },
];

const ROUTERS = {
  gati: (m, p) => gati.match(m, p),
  'find-my-way': (m, p) => fmw.find(m, p),
  'RegExp loop': (m, p) => regexFind(m, p),
};

// Sanity: every router answers every lookup correctly before it is timed.
for (const l of LOOKUPS) {
  const g = gati.match(l.method, l.path);
  const f = fmw.find(l.method, l.path);
  const x = regexFind(l.method, l.path);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (l.route === null) {
    if (g !== null || f !== null || x !== null) throw new Error(`${l.name}: expected a miss`);
  } else {
    if (!g || g.route !== l.route || !same({ ...g.params }, l.params)) throw new Error(`gati ${l.name}: ${JSON.stringify(g)}`);
    if (!f || f.store.index !== l.route || !same({ ...f.params }, l.params)) throw new Error(`find-my-way ${l.name}: ${JSON.stringify(f && f.params)}`);
    if (!x || x.route !== l.route || !same(x.params, l.params)) throw new Error(`RegExp ${l.name}: ${JSON.stringify(x)}`);
  }
}

const results = {}; // router → lookup → [avg ns per round]
const p50s = {}; // router → lookup → [p50 ns per round]
for (let round = 0; round < ROUNDS; round++) {
  for (const l of LOOKUPS) {
    for (const [name, find] of Object.entries(ROUTERS)) {
      const { method, path } = l;
      const stats = await measure(() => do_not_optimize(find(method, path)));
      ((results[name] ??= {})[l.name] ??= []).push(stats.avg);
      ((p50s[name] ??= {})[l.name] ??= []).push(stats.p50);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ns) => (ns >= 100 ? ns.toFixed(0) : ns.toFixed(1));
const rows = LOOKUPS.map((l) => {
  const g = median(results.gati[l.name]);
  const f = median(results['find-my-way'][l.name]);
  const x = median(results['RegExp loop'][l.name]);
  const gp = median(p50s.gati[l.name]);
  const fp = median(p50s['find-my-way'][l.name]);
  return { lookup: l.name, gati: g, fmw: f, regexp: x, ratio: f / g, gatiP50: gp, fmwP50: fp, ok: g <= f };
});

console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${ROUNDS} rounds, median of mitata avg ns/op`);
console.log(`generated router: ${source.length} bytes (${genFile})\n`);
console.log('| lookup | gati `match()` ns/op | find-my-way `find()` ns/op | RegExp loop ns/op | find-my-way / gati | p50 gati / find-my-way | gati ≤ find-my-way |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.lookup} | ${fmt(r.gati)} | ${fmt(r.fmw)} | ${fmt(r.regexp)} | ${r.ratio.toFixed(2)}× | ${fmt(r.gatiP50)} / ${fmt(r.fmwP50)} | ${r.ok ? 'PASS' : 'FAIL'} |`);
if (argv.includes('--json')) console.log(`BENCH_ROUTER_JSON ${JSON.stringify({ node: process.version, rounds: ROUNDS, results, rows })}`);
process.exitCode = rows.every((r) => r.ok) ? 0 : 2;
