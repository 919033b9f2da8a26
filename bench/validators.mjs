#!/usr/bin/env node
// Validator benchmark (issue 3): Gati's emitted body validator for POST /payments (fixtures/payments,
// type NewPayment) vs Zod 4 safeParse of an equivalent schema vs a hand-written validator, with mitata.
//
// Usage (from the repository root, after `npm run build`):
//   node bench/validators.mjs                 builds fixtures/payments, then all cases in this process
//   node bench/validators.mjs --isolate       each case in a fresh node process (less JIT/GC interference)
//   node bench/validators.mjs --skip-build    reuse fixtures/payments/dist
//   --min-cpu-ms N   CPU time per case for mitata's measure() (default 1000; use 200 for a smoke run)
//   --out FILE       JSON results (default bench/.work/validators-results.json)
//   --baseline FILE  also measure another emitted post.payments.<hash>.mjs (case `before`: e.g. one
//                    built by an earlier commit, copied aside) in the same run, with the ratio to it
//
// Payloads: a valid NewPayment (469 bytes of JSON, printed at start: card method, 5 line items,
// returnUrl, labels) and a mutation with one invalid deep field: items[4].quantity = 0 (minimum 1), so
// the error is found near the end. Targets: Gati ≥ 8× Zod (valid), ≥ 10× Zod (invalid), ≤ 1.2× hand-written.
//
// The hand-written validator checks the same constraints as the schema and reports the same first
// failing JSON pointer: unknown keys with a `switch` over the declared names (as its nested objects
// do), maxLength/minLength in code points as JSON Schema counts them (`.length` first, so ASCII
// strings are never counted), label keys escaped in the pointer (`~0`, `~1`). Until 2026-11-26 it
// used a Set for the top-level keys (~40 ns slower here) and `.length` alone (UTF-16 units).
//
// Mutation: fixtures/payments sets validation.unknownKeys 'reject', so its body validator rejects
// unknown keys rather than deleting them; the only in-place write it can do is a default
// (items[].quantity = 1 when missing). Every item of the payload carries quantity and there are no
// unknown keys, so the payload is not changed: nothing is cloned per iteration, and the script checks
// that the payload's JSON is identical after the runs. Zod returns a new object (part of its cost).
//
// The emitted dist/validators/*.mjs files call `require(...)` (AJV runtime helpers and ajv-formats) but
// are ES modules, so importing one standalone fails with "require is not defined in ES module scope".
// This script defines globalThis.require (createRequire) before importing it; the server bundle
// (dist/app.mjs) is not affected.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(SELF), '..');
const APP = join(REPO_ROOT, 'fixtures', 'payments');
// Validator modules are named by a hash of their schemas (post.payments.<hash>.mjs): look for the
// newest one after the build, not when this script loads.
const VALIDATOR = () => {
  const dir = join(APP, 'dist', 'validators');
  const names = readdirSync(dir).filter((f) => /^post\.payments\.[0-9a-f]{10}\.mjs$/.test(f));
  const name = names.sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs)[0];
  if (!name) throw new Error(`no post.payments.<hash>.mjs in ${dir}: run without --skip-build`);
  return join(dir, name);
};
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const MIN_CPU_MS = Number(opt('min-cpu-ms', 1000));
const OUT = opt('out', join(REPO_ROOT, 'bench', '.work', 'validators-results.json'));
const CHILD_CASE = opt('case', null);
const BASELINE = opt('baseline', null);

export const VALID = {
  amount: 9500,
  currency: 'INR',
  accountId: 'acc_42',
  customerEmail: 'ann@shop.in',
  method: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
  items: [
    { sku: 'TEE-M', quantity: 2, unitAmount: 2500 },
    { sku: 'MUG-1', quantity: 1, unitAmount: 2000 },
    { sku: 'STK-3', quantity: 3, unitAmount: 500 },
    { sku: 'BAG-9', quantity: 1, unitAmount: 1000 },
    { sku: 'CAP-R', quantity: 1, unitAmount: 500 },
  ],
  returnUrl: 'https://shop.in/r/1042',
  labels: { ch: 'web' },
};
const makeInvalid = () => {
  const p = structuredClone(VALID);
  p.items[4].quantity = 0;
  return p;
};
export const INVALID = makeInvalid();
const INVALID_PATH = '/items/4/quantity';

// ---------------------------------------------------------------------------------------------
// The three validators

async function loadGati(file = VALIDATOR()) {
  globalThis.require ??= createRequire(file);
  const mod = await import(pathToFileURL(file).href);
  const body = mod.body;
  return { fn: body, errorPath: (x) => (body(x) ? null : body.errors?.[0]?.instancePath) };
}

async function loadZod() {
  const { z } = await import('zod');
  const int32 = z.int().min(-2147483648).max(2147483647);
  const card = z.strictObject({ type: z.literal('card'), brand: z.enum(['visa', 'mastercard', 'amex', 'rupay']), last4: z.string().regex(/^[0-9]{4}$/), expMonth: int32.min(1).max(12), expYear: int32.min(2024) });
  const upi = z.strictObject({ type: z.literal('upi'), vpa: z.string().max(100).regex(/^[a-zA-Z0-9._-]+@[a-zA-Z]+$/) });
  const bank = z.strictObject({ type: z.literal('bank'), accountHolder: z.string().min(1).max(70), iban: z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/) });
  const item = z.strictObject({ sku: z.string().max(32), quantity: int32.min(1).default(1), unitAmount: z.int().min(0) });
  const schema = z.strictObject({
    amount: z.int().min(1),
    currency: z.enum(['USD', 'EUR', 'INR']),
    accountId: z.string().regex(/^acc_[0-9a-z_]+$/),
    customerEmail: z.email(),
    method: z.discriminatedUnion('type', [card, upi, bank]),
    items: z.array(item).min(1).max(100),
    description: z.string().max(140).optional(),
    returnUrl: z.url().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    metadata: z.unknown().optional(),
    captureBefore: z.iso.datetime({ offset: true }).optional(),
  });
  return {
    fn: (x) => schema.safeParse(x).success,
    errorPath: (x) => {
      const r = schema.safeParse(x);
      return r.success ? null : '/' + r.error.issues[0].path.join('/');
    },
  };
}

async function loadHand() {
  const req = createRequire(VALIDATOR());
  const { fullFormats } = req('ajv-formats/dist/formats');
  const uri = fullFormats.uri;
  const dateTime = fullFormats['date-time'].validate;
  // Same regexes as the emitted code (ajv-formats "full" email, the schema's patterns).
  const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
  const ACC = /^acc_[0-9a-z_]+$/u;
  const LAST4 = /^[0-9]{4}$/u;
  const VPA = /^[a-zA-Z0-9._-]+@[a-zA-Z]+$/u;
  const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/u;
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
  const isInt32 = (v) => isInt(v) && v >= -2147483648 && v <= 2147483647;
  const isInt64 = (v) => isInt(v) && Number.isSafeInteger(v);
  // maxLength/minLength count code points (JSON Schema), not UTF-16 units: .length first, as one would.
  const codePoints = (s) => {
    let n = 0;
    for (const _ of s) n++;
    return n;
  };
  const longer = (s, max) => s.length > max && codePoints(s) > max;
  const shorter = (s, min) => s.length < 2 * min && codePoints(s) < min;
  const escape = (k) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  let error = null;
  const fail = (path) => ((error = path), false);
  function method(m) {
    if (!isObj(m)) return fail('/method');
    switch (m.type) {
      case 'card':
        for (const k in m) if (k !== 'type' && k !== 'brand' && k !== 'last4' && k !== 'expMonth' && k !== 'expYear') return fail('/method');
        if (m.brand !== 'visa' && m.brand !== 'mastercard' && m.brand !== 'amex' && m.brand !== 'rupay') return fail('/method/brand');
        if (typeof m.last4 !== 'string' || !LAST4.test(m.last4)) return fail('/method/last4');
        if (!isInt32(m.expMonth) || m.expMonth < 1 || m.expMonth > 12) return fail('/method/expMonth');
        if (!isInt32(m.expYear) || m.expYear < 2024) return fail('/method/expYear');
        return true;
      case 'upi':
        for (const k in m) if (k !== 'type' && k !== 'vpa') return fail('/method');
        if (typeof m.vpa !== 'string' || longer(m.vpa, 100) || !VPA.test(m.vpa)) return fail('/method/vpa');
        return true;
      case 'bank':
        for (const k in m) if (k !== 'type' && k !== 'accountHolder' && k !== 'iban') return fail('/method');
        if (typeof m.accountHolder !== 'string' || shorter(m.accountHolder, 1) || longer(m.accountHolder, 70)) return fail('/method/accountHolder');
        if (typeof m.iban !== 'string' || !IBAN.test(m.iban)) return fail('/method/iban');
        return true;
      default:
        return fail('/method/type');
    }
  }
  function validate(d) {
    error = null;
    if (!isObj(d)) return fail('');
    for (const k in d) {
      switch (k) {
        case 'amount': case 'currency': case 'accountId': case 'customerEmail': case 'method': case 'items':
        case 'description': case 'returnUrl': case 'labels': case 'metadata': case 'captureBefore':
          continue;
        default:
          return fail('');
      }
    }
    if (!isInt64(d.amount) || d.amount < 1) return fail('/amount');
    if (d.currency !== 'USD' && d.currency !== 'EUR' && d.currency !== 'INR') return fail('/currency');
    if (typeof d.accountId !== 'string' || !ACC.test(d.accountId)) return fail('/accountId');
    if (typeof d.customerEmail !== 'string' || !EMAIL.test(d.customerEmail)) return fail('/customerEmail');
    if (!method(d.method)) return false;
    const items = d.items;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) return fail('/items');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (!isObj(it)) return fail(`/items/${i}`);
      for (const k in it) if (k !== 'sku' && k !== 'quantity' && k !== 'unitAmount') return fail(`/items/${i}`);
      if (typeof it.sku !== 'string' || longer(it.sku, 32)) return fail(`/items/${i}/sku`);
      if (it.quantity === undefined) it.quantity = 1;
      else if (!isInt32(it.quantity) || it.quantity < 1) return fail(`/items/${i}/quantity`);
      if (!isInt64(it.unitAmount) || it.unitAmount < 0) return fail(`/items/${i}/unitAmount`);
    }
    if (d.description !== undefined && (typeof d.description !== 'string' || longer(d.description, 140))) return fail('/description');
    if (d.returnUrl !== undefined && (typeof d.returnUrl !== 'string' || !uri(d.returnUrl))) return fail('/returnUrl');
    if (d.labels !== undefined) {
      if (!isObj(d.labels)) return fail('/labels');
      for (const k in d.labels) if (typeof d.labels[k] !== 'string') return fail(`/labels/${escape(k)}`);
    }
    if (d.captureBefore !== undefined && (typeof d.captureBefore !== 'string' || !dateTime(d.captureBefore))) return fail('/captureBefore');
    return true;
  }
  return { fn: validate, errorPath: (x) => (validate(x) ? null : error) };
}

const LOADERS = { gati: () => loadGati(), zod: loadZod, hand: loadHand, ...(BASELINE ? { before: () => loadGati(resolve(BASELINE)) } : {}) };
const CASES = Object.keys(LOADERS).flatMap((v) => [`${v}:valid`, `${v}:invalid`]);

async function measureCase(name) {
  const { measure, do_not_optimize } = await import('mitata');
  const [variant, which] = name.split(':');
  const v = await LOADERS[variant]();
  const payload = which === 'valid' ? VALID : INVALID;
  const before = JSON.stringify(payload);
  const stats = await measure(() => do_not_optimize(v.fn(payload)), { min_cpu_time: MIN_CPU_MS * 1e6 });
  if (JSON.stringify(payload) !== before) throw new Error(`${name}: the payload was changed by the validator`);
  return { case: name, avg: stats.avg, p50: stats.p50, p99: stats.p99, min: stats.min, samples: stats.samples?.length };
}

async function sanity() {
  for (const [name, load] of Object.entries(LOADERS)) {
    const v = await load();
    const ok = v.errorPath(structuredClone(VALID));
    const bad = v.errorPath(structuredClone(INVALID));
    if (ok !== null || bad !== INVALID_PATH) throw new Error(`${name}: valid -> ${ok}, invalid -> ${bad} (expected null and ${INVALID_PATH})`);
  }
}

function build() {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'gati.mjs'), 'build', APP], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gati build failed:\n${r.stdout}\n${r.stderr}`);
  console.log(r.stdout.trim().split('\n')[0]);
}

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const pf = (ok) => (ok ? 'PASS' : 'FAIL');

async function main() {
  if (CHILD_CASE) {
    process.stdout.write(JSON.stringify(await measureCase(CHILD_CASE)) + '\n');
    return;
  }
  if (!argv.includes('--skip-build')) build();
  await sanity();
  console.log(`# validators  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus (${cpus()[0]?.model})  mitata measure(), min CPU ${MIN_CPU_MS} ms per case, ${argv.includes('--isolate') ? 'each case in a fresh process' : 'all cases in one process'}`);
  console.log(`# payload ${JSON.stringify(VALID).length} bytes of JSON; invalid: ${INVALID_PATH} = 0; sanity: every validator accepts the valid payload and reports ${INVALID_PATH}`);
  const res = {};
  for (const c of CASES) {
    if (argv.includes('--isolate')) {
      const r = spawnSync(process.execPath, [SELF, '--case', c, '--min-cpu-ms', String(MIN_CPU_MS), ...(BASELINE ? ['--baseline', BASELINE] : [])], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${c} failed:\n${r.stderr}`);
      res[c] = JSON.parse(r.stdout.trim().split('\n').pop());
    } else res[c] = await measureCase(c);
  }
  console.log('\n| case | p50 | avg | p99 | ops/s (p50) | × vs zod (p50) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const c of CASES) {
    const r = res[c];
    const z = res[`zod:${c.split(':')[1]}`];
    console.log(`| ${c} | ${fmt(r.p50)} | ${fmt(r.avg)} | ${fmt(r.p99)} | ${(1e9 / r.p50 / 1e6).toFixed(2)} M | ${(z.p50 / r.p50).toFixed(1)}× |`);
  }
  const x = (a, b) => res[b].p50 / res[a].p50;
  const summary = [
    `valid: gati ${x('gati:valid', 'zod:valid').toFixed(1)}× faster than zod (target ≥ 8×) ${pf(x('gati:valid', 'zod:valid') >= 8)}`,
    `invalid: gati ${x('gati:invalid', 'zod:invalid').toFixed(1)}× faster than zod (target ≥ 10×) ${pf(x('gati:invalid', 'zod:invalid') >= 10)}`,
    `valid: gati/hand-written time ${(res['gati:valid'].p50 / res['hand:valid'].p50).toFixed(2)}× (target ≤ 1.2×) ${pf(res['gati:valid'].p50 / res['hand:valid'].p50 <= 1.2)}`,
    `invalid: gati/hand-written time ${(res['gati:invalid'].p50 / res['hand:invalid'].p50).toFixed(2)}× (target ≤ 1.2×) ${pf(res['gati:invalid'].p50 / res['hand:invalid'].p50 <= 1.2)}`,
  ];
  if (BASELINE) {
    for (const which of ['valid', 'invalid']) summary.push(`${which}: gati/before time ${(res[`gati:${which}`].p50 / res[`before:${which}`].p50).toFixed(2)}× (before: ${BASELINE})`);
  }
  console.log('\n## Targets (p50)\n');
  for (const s of summary) console.log(`- ${s}`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), node: process.version, minCpuMs: MIN_CPU_MS, isolate: argv.includes('--isolate'), results: res, summary }, null, 2) + '\n');
  console.log('BENCH_VALIDATORS_JSON ' + JSON.stringify({ summary, p50: Object.fromEntries(CASES.map((c) => [c, Math.round(res[c].p50)])) }));
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
