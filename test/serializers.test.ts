// The compiled response serializers (emitters/serializers) must answer exactly what the runtime
// sends today, JSON.stringify(body): for every type construct in fixtures/types and the payments
// app, the emitted serializer runs on the samples, on the invalid samples, and on hostile
// variations of them (strings with quotes, control characters, lone surrogates and emoji; Dates and
// objects with toJSON; NaN, Infinity, -0; undeclared and undefined properties; random strings from
// a seeded generator), and its text must be byte-identical to JSON.stringify's.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp, type BuildResult } from '../driver/build.js';
import { emit } from '../emitters/serializers/index.js';
import type { AppModel } from '../model/app-model.js';
import { fixture } from './helpers/paths.js';
import { seededRandom } from './helpers/random.js';

type Serializer = (body: unknown) => string | undefined;
type RouteSerializers = Record<string, Serializer>;
interface Samples { valid: unknown[]; invalid: { value: unknown }[] }

const TYPES = fixture('types');
const cases = readdirSync(join(TYPES, 'samples')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const dirs: string[] = [];
let types: { model: AppModel; routes: RouteSerializers[] };
let payments: { model: AppModel; routes: RouteSerializers[] };

/** Writes the emitter's files to a fresh directory and imports its index: the modules as the server would load them. */
async function load(built: BuildResult): Promise<{ model: AppModel; routes: RouteSerializers[] }> {
  assert.equal(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const dir = mkdtempSync(join(tmpdir(), 'gati-serializers-'));
  dirs.push(dir);
  for (const artifact of emit(built.model)) {
    const path = join(dir, artifact.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, artifact.contents);
  }
  const index = await import(pathToFileURL(join(dir, 'dist/serializers/index.mjs')).href) as { routes: RouteSerializers[] };
  return { model: built.model, routes: index.routes };
}

/** Code units chosen to hit every escaping rule: ASCII, controls, quote, backslash, surrogates (lone and paired), BMP, U+2028. */
const UNITS = [0x41, 0x7a, 0x20, 0x00, 0x08, 0x09, 0x0a, 0x1f, 0x22, 0x5c, 0x2f, 0x7f, 0xe9, 0x2028, 0x2029, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe];
function randomString(rand: () => number): string {
  // Both sides of the serializer's 42-unit threshold (hand scan below, regular expression above).
  const length = rand() < 0.5 ? Math.floor(rand() * 42) : 42 + Math.floor(rand() * 80);
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rand();
    s += r < 0.5 ? String.fromCharCode(97 + Math.floor(rand() * 26)) : r < 0.6 ? '😀' : String.fromCharCode(UNITS[Math.floor(rand() * UNITS.length)]!);
  }
  return s;
}

const HOSTILE_STRINGS = ['', 'plain', 'say "hi"', 'back\\slash', 'tab\tnew\nline\r\u0000\u001f', 'lone \ud800 high', 'lone \udc00 low', 'pair 😀 emoji', '\u2028\u2029', 'x'.repeat(41) + '"', 'y'.repeat(200) + '\ud83d', 'z'.repeat(5000)];

class Money { constructor(readonly cents: number) {} toJSON(key: string) { return { cents: this.cents, key }; } }

/** Variations of a value: every leaf replaced in turn by hostile values, plus undeclared and undefined properties. */
function variants(value: unknown, rand: () => number): unknown[] {
  const out: unknown[] = [value];
  const leafValues = (leaf: unknown): unknown[] => {
    if (typeof leaf === 'string') return [...HOSTILE_STRINGS, randomString(rand), randomString(rand), new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), new Date(NaN)];
    if (typeof leaf === 'number') return [NaN, Infinity, -Infinity, -0, 1e21, 1.5e-7, 2 ** 53 + 2];
    if (typeof leaf === 'boolean' || leaf === null) return [undefined, 'text', new Money(5), () => 1];
    return [];
  };
  const walk = (node: unknown, replace: (v: unknown) => unknown): void => {
    for (const leaf of leafValues(node)) out.push(replace(leaf));
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, (v) => replace(node.map((x, j) => (j === i ? v : x)))));
      out.push(replace([...node, undefined, 'extra "item"']));
    } else if (node && typeof node === 'object') {
      for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], (v) => replace({ ...node, [key]: v }));
      out.push(replace({ extra: 'undeclared "key"', ...node, 'k\u0001"': new Money(1), gone: undefined }));
      out.push(replace(Object.fromEntries(Object.entries(node).reverse())));
      // Declared keys in declared order (the serializer's fast path), each one in turn undefined or a function.
      for (const key of Object.keys(node)) out.push(replace({ ...node, [key]: undefined }), replace({ ...node, [key]: () => 1 }));
      out.push(replace(new Money(3)));
      out.push(replace(Object.assign(Object.create({ inherited: 1 }), node)));
    }
  };
  walk(value, (v) => v);
  return out;
}

function assertSame(serialize: Serializer, value: unknown, what: string): void {
  const expected = JSON.stringify(value);
  const actual = serialize(value);
  if (actual !== expected) assert.fixture(String(actual), String(expected), `${what}: ${JSON.stringify(value)?.slice(0, 300)}`);
  if (expected !== undefined) assert.equal(JSON.parse(actual!), JSON.parse(expected));
}

const test = suite('serializers');

test.before(async () => {
  types = await load(await buildApp(TYPES));
  payments = await load(await buildApp(fixture('payments')));
});

test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('one module per route with one serializer per declared status with a body', () => {
  for (const { model, routes } of [types, payments]) {
    model.routes.forEach((route, i) => {
      const declared = route.typed ? Object.entries(route.output).filter(([, t]) => t.kind !== 'void').map(([status]) => `s${status}`).sort() : [];
      assert.equal(Object.keys(routes[i]!).sort(), declared, route.key);
    });
  }
});

for (const name of cases) {
  test(`${name}: output identical to JSON.stringify on samples, invalid samples and hostile variations`, () => {
    const i = types.model.routes.findIndex((r) => r.path === `/${name}`);
    const serialize = types.routes[i]!.s200!;
    assert.type(serialize, 'function');
    const samples = JSON.parse(readFileSync(join(TYPES, 'samples', `${name}.json`), 'utf8')) as Samples;
    const rand = seededRandom(name.length * 7919);
    let n = 0;
    for (const value of [...samples.valid, ...samples.invalid.map((s) => s.value)]) {
      for (const variant of variants(value, rand)) {
        assertSame(serialize, variant, name);
        n++;
      }
    }
    assert.ok(n > samples.valid.length, 'variations were generated');
  });
}

test('random strings (seeded) in every string position of a declared object', () => {
  const i = types.model.routes.findIndex((r) => r.path === '/interface');
  const serialize = types.routes[i]!.s200!;
  const rand = seededRandom(42);
  for (let n = 0; n < 2000; n++) {
    const s = randomString(rand);
    assertSame(serialize, { [s]: s, name: s, id: s }, 'random string');
    assertSame((v) => serialize(v), s, 'random string at the root');
  }
});

test('values JSON.stringify leaves out or throws on: undefined root, functions, symbols, BigInt', () => {
  const serialize = types.routes[types.model.routes.findIndex((r) => r.path === '/interface')]!.s200!;
  assert.is(serialize(undefined), undefined);
  assert.is(serialize(() => 1), undefined);
  assert.is(serialize({ a: Symbol('x'), b: undefined }), '{}');
  assert.throws(() => serialize({ big: 1n }), (e: unknown) => e instanceof TypeError);
});

test('payments: every declared response, from samples shaped like the handlers answer', () => {
  const payment = { id: 'pay_1', amount: 1250, currency: 'EUR', status: 'captured', customer: { email: 'a"b@example.com' }, createdAt: new Date(Date.UTC(2026, 11, 6)), metadata: { note: 'tab\there \ud800' } };
  const rand = seededRandom(7);
  payments.model.routes.forEach((route, i) => {
    for (const [status, serialize] of Object.entries(payments.routes[i]!)) {
      for (const value of variants(payment, rand)) assertSame(serialize, value, `${route.key} ${status}`);
      for (const value of variants([payment, { ...payment, id: 'pay_2' }], rand)) assertSame(serialize, value, `${route.key} ${status}`);
    }
  });
});

test('a discriminated union picks the member by its tag, and an unknown tag still matches JSON.stringify', () => {
  const i = types.model.routes.findIndex((r) => r.path === '/discriminated-union');
  const source = emit(types.model).find((a) => /\/post\.discriminated-union\.[0-9a-f]{10}\.mjs$/.test(a.path))!.contents as string;
  assert.match(source, /switch \(v\["/);
  const serialize = types.routes[i]!.s200!;
  assertSame(serialize, { shape: { kind: 'nope', x: 1 }, more: [{ kind: 'circle', radius: 2 }, { radius: 1 }] }, 'unknown tag');
});

test('Dates with a replaced toISOString, valueOf or toJSON are written as JSON.stringify writes them', () => {
  const serialize = types.routes[types.model.routes.findIndex((r) => r.path === '/date')]!.s200!;
  // defineProperty: Date.prototype[Symbol.toPrimitive] is read-only, so assignment cannot shadow it.
  const odd = (patch: Record<PropertyKey, unknown>) => {
    const d = new Date(Date.UTC(2026, 1, 3));
    for (const key of Reflect.ownKeys(patch)) Object.defineProperty(d, key, { value: patch[key as string], enumerable: false });
    return d;
  };
  const dates = [
    odd({ toISOString: () => 'quote " and \ud800' }),
    odd({ valueOf: () => NaN }),
    odd({ toJSON: (key: string) => `at ${key}` }),
    odd({ [Symbol.toPrimitive]: () => Infinity }),
    new Date(8.64e15), new Date(-1), new Date(NaN),
  ];
  for (const d of dates) assertSame(serialize, { createdAt: d, deletedAt: d, history: [d, d], reminder: d }, 'odd date');
});

test('Dates across the whole range: the built-in ISO text (years 0-9999) matches toISOString, and beyond it', () => {
  const serialize = types.routes[types.model.routes.findIndex((r) => r.path === '/date')]!.s200!;
  const rand = seededRandom(2026);
  const edges = [-8.64e15, 8.64e15, -62167219200001, -62167219200000, 253402300799999, 253402300800000, 0, -1, 1, 951782400000, 951868800000, 946684799999, 4107542400000, -2208988800000];
  const times = [...edges, ...Array.from({ length: 20000 }, () => Math.floor((rand() - 0.5) * 2 * 253402300800000)), ...Array.from({ length: 20000 }, () => Math.floor((rand() - 0.5) * 4e12))];
  for (let i = 0; i < times.length; i += 4) {
    const d = (j: number) => new Date(times[Math.min(i + j, times.length - 1)]!);
    assertSame(serialize, { createdAt: d(0), deletedAt: d(1), history: [d(2), d(3)] }, 'date');
  }
});

test('the emitter is deterministic', () => {
  assert.equal(emit(types.model), emit(types.model));
});

test.run();
