#!/usr/bin/env node
// Response serializer benchmark (issue 24): Gati's compiled serializers (emitters/serializers) vs
// JSON.stringify (what the runtime calls today) vs fast-json-stringify (what Fastify uses, compiled
// from the same JSON Schemas the schema emitter writes), with mitata.
//
// Usage (from the repository root, after `node scripts/build.mjs`):
//   node bench/serializers.mjs [--min-cpu-ms N]   (CPU time per case, default 500)
//   node bench/serializers.mjs --rounds N         (instead of mitata: N interleaved rounds of process CPU time per
//                                                  call, the three serializers in turn; median and range: steadier
//                                                  than mitata on a machine other work is loading)
//
// Payloads, all from fixtures/payments' declared response types:
//   GET /payments/:id 200 (Payment: enums, nested union, records, Dates, nulls, refunds with notes),
//   GET /payments 200 (Page<PaymentSummary>, 20 items), and a large list (1000 summaries).
// Gati's serializer writes exactly what JSON.stringify writes (the test checks it byte for byte);
// fast-json-stringify drops undeclared properties and writes declared order, so it is not a
// drop-in replacement here: it is the reference for how fast a schema-compiled serializer can be.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg, cpus } from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { measure, do_not_optimize } = await import('mitata');
const fastJson = require('fast-json-stringify');
const { buildApp } = await import(pathToFileURL(join(ROOT, 'lib/driver/build.js')).href);
const { emit } = await import(pathToFileURL(join(ROOT, 'lib/emitters/serializers/index.js')).href);
const { routeSchemas } = await import(pathToFileURL(join(ROOT, 'lib/emitters/schema/index.js')).href);

const built = await buildApp(join(ROOT, 'fixtures/payments'));
const work = join(ROOT, 'bench/.work/serializers');
for (const artifact of emit(built.model)) {
  const path = join(work, artifact.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, artifact.contents);
}
const { routes } = await import(pathToFileURL(join(work, 'dist/serializers/index.mjs')).href);

function serializersOf(key, status) {
  const i = built.model.routes.findIndex((r) => r.key === key);
  if (i < 0) throw new Error(`no route ${key}`);
  const { $schema: _, ...schema } = routeSchemas(built.model.routes[i], built.model).responses[status];
  return { gati: routes[i][`s${status}`], fjs: fastJson(withoutNumericFormats(schema)) };
}

/** fast-json-stringify warns on the int32/int64/uint32 formats (it does not check them anyway): dropped. */
function withoutNumericFormats(node) {
  if (Array.isArray(node)) return node.map(withoutNumericFormats);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) if (!(key === 'format' && /^u?int|float|double/.test(value))) out[key] = withoutNumericFormats(value);
  return out;
}

const at = (ms) => new Date(Date.UTC(2026, 11, 6, 12, 0, 0) + ms);
const payment = {
  id: 'pay_7f3k2m9x', accountId: 'acc_merchant_42', amount: 12950, currency: 'EUR', customerEmail: 'asha@example.com',
  method: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2029 },
  items: [{ sku: 'SKU-1', quantity: 2, unitAmount: 4000 }, { sku: 'SKU-2', quantity: 1, unitAmount: 4950 }],
  description: 'Order "42" for Asha', returnUrl: 'https://shop.example.com/return?o=42',
  createdAt: at(0), updatedAt: at(5000), status: 'captured', risk: 0, labels: { channel: 'web', campaign: 'winter' },
  metadata: { cart: 'c_991', tags: ['gift'] }, capturedAt: at(3000), capturedAmount: 12950, failureReason: null,
  refunds: [{ id: 'ref_1', amount: 950, reason: 'requested_by_customer', createdAt: at(9000), notes: [{ author: 'ops@example.com', text: 'customer asked', at: at(9000) }] }],
};
const summary = (n) => ({ id: `pay_${n.toString(36)}`, accountId: 'acc_merchant_42', amount: 1000 + n, currency: 'EUR', status: n % 7 ? 'captured' : 'failed', createdAt: at(n * 1000) });
const page = { items: Array.from({ length: 20 }, (_, n) => summary(n)), total: 20, nextCursor: null };
const large = { items: Array.from({ length: 1000 }, (_, n) => summary(n)), total: 1000, nextCursor: 'c_1000' };

const cases = [
  ['GET /payments/:id 200 (Payment)', serializersOf('GET /payments/:id', '200'), payment],
  ['GET /payments 200 (page of 20)', serializersOf('GET /payments', '200'), page],
  ['GET /payments 200 (list of 1000)', serializersOf('GET /payments', '200'), large],
];

for (const [name, { gati }, value] of cases) {
  if (gati(value) !== JSON.stringify(value)) throw new Error(`${name}: Gati's serializer differs from JSON.stringify`);
  console.log(`${name}: ${Buffer.byteLength(JSON.stringify(value))} bytes`);
}

const argv = process.argv.slice(2);
const MIN_CPU_MS = Number(argv[argv.indexOf('--min-cpu-ms') + 1]) || 500;
console.log(`date ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, mitata measure() ${MIN_CPU_MS} ms CPU per case`);
const ROUNDS = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 0;
if (ROUNDS > 0) {
  /** CPU µs per call of `fn(value)` over ~MIN_CPU_MS / ROUNDS ms (calls per round fixed by a first estimate). */
  const cpuPerCall = (fn, value, calls) => {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) do_not_optimize(fn(value));
    const cpu = process.cpuUsage(start);
    return (cpu.user + cpu.system) / calls;
  };
  console.log(`\n| payload | JSON.stringify | gati compiled | fast-json-stringify | gati vs JSON.stringify | fjs vs JSON.stringify |`);
  console.log('|---|---|---|---|---|---|');
  for (const [name, { gati, fjs }, value] of cases) {
    const fns = { json: JSON.stringify, gati, fjs };
    const calls = Math.max(10, Math.round((MIN_CPU_MS * 1000) / ROUNDS / cpuPerCall(JSON.stringify, value, 200)));
    const xs = { json: [], gati: [], fjs: [] };
    for (const key in fns) cpuPerCall(fns[key], value, calls);
    for (let r = 0; r < ROUNDS; r++) for (const key of r % 2 ? ['fjs', 'gati', 'json'] : ['json', 'gati', 'fjs']) xs[key].push(cpuPerCall(fns[key], value, calls));
    const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
    const f = (a) => `${med(a).toFixed(2)} µs (${Math.min(...a).toFixed(2)}–${Math.max(...a).toFixed(2)})`;
    console.log(`| ${name} | ${f(xs.json)} | ${f(xs.gati)} | ${f(xs.fjs)} | ${(med(xs.json) / med(xs.gati)).toFixed(2)}× | ${(med(xs.json) / med(xs.fjs)).toFixed(2)}× |`);
  }
  console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  process.exit(0);
}
const rows = [];
for (const [name, { gati, fjs }, value] of cases) {
  const avg = async (fn) => (await measure(() => do_not_optimize(fn(value)), { min_cpu_time: MIN_CPU_MS * 1e6 })).avg;
  rows.push({ name, json: await avg(JSON.stringify), gati: await avg(gati), fjs: await avg(fjs) });
}
console.log('\n| payload | JSON.stringify | gati compiled | fast-json-stringify | gati vs JSON.stringify | fjs vs JSON.stringify |');
console.log('|---|---|---|---|---|---|');
for (const { name, json, gati, fjs } of rows) {
  const f = (ns) => (ns === undefined ? '?' : ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(1)} µs`);
  const ratio = (ns) => (ns === undefined || json === undefined ? '?' : `${(json / ns).toFixed(2)}×`);
  console.log(`| ${name} | ${f(json)} | ${f(gati)} | ${f(fjs)} | ${ratio(gati)} | ${ratio(fjs)} |`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
