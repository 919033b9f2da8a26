// The emitted validators (emitters/validators) against AJV as it compiles the same schemas without
// Gati's changes to the generated code (ajv-instance.ts: no unevaluated bookkeeping, `.length`
// before counting code points, name comparisons for unknown keys; index.ts: named types copied
// in, a root that names a type exporting that type's function). Same verdicts, same errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { buildApp, type BuildResult } from '../driver/build.js';
import type { AppModel } from '../model/app-model.js';
import type { GType } from '../model/gtype.js';
import { createValidatorAjv, standaloneCode } from '../emitters/validators/ajv-instance.js';
import { emit } from '../emitters/validators/index.js';
import { INLINE_MAX_KEYS } from '../emitters/validators/ajv-instance.js';
import type { ValidateFn } from '../runtime-shim/server/app.js';
import { toValidationErrors } from '../runtime-shim/server/validation-errors.js';
import { fixture } from './helpers/paths.js';
import { createAjv } from './helpers/ajv.js';

type Module = Record<string, ValidateFn>;
interface Samples { valid: unknown[]; invalid: { value: unknown; path: string; why?: string }[] }

const require = createRequire(import.meta.url);

/** Runs emitted module text (ESM that calls require() for AJV's helpers) without touching globals. */
function load(text: string): Module {
  const { code } = transformSync(text, { format: 'cjs', loader: 'js' });
  const module = { exports: {} as Module };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports;
}

/** What the runtime and the tests look at: everything but schemaPath. */
const errorsOf = (v: ValidateFn) => (v.errors ?? []).map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, message }));

function standalone(schema: Record<string, unknown>, strip = false): ValidateFn {
  const ajv = createValidatorAjv({ strip });
  ajv.addSchema(schema, 'root');
  return load(standaloneCode(ajv, { v: 'root' })).v!;
}

function reference(schema: Record<string, unknown>, strip = false): ValidateFn {
  return createAjv({ allErrors: true, useDefaults: true, removeAdditional: strip }).compile(schema) as unknown as ValidateFn;
}

/** Both validators on their own copy of each value: same verdict, same errors, same value afterwards. */
function same(schema: Record<string, unknown>, values: unknown[], strip = false): void {
  const fast = standalone(schema, strip);
  const slow = reference(schema, strip);
  for (const value of values) {
    const a = structuredClone(value);
    const b = structuredClone(value);
    assert.is(fast(a), slow(b), `verdict on ${JSON.stringify(value)}`);
    assert.equal(errorsOf(fast), errorsOf(slow), `errors on ${JSON.stringify(value)}`);
    assert.equal(a, b, `value after validating ${JSON.stringify(value)}`);
  }
}

const generated = suite('validators: generated code');

generated('maxLength/minLength count code points, as AJV does, with the same errors', () => {
  const strings = ['', 'a', 'ab', 'abc', 'abcd', 'abcdefg', '😀', '😀😀', '😀😀😀', '😀😀😀😀', 'a😀', '\ud800', '\ud800\ud800\ud800', '\udc00ab', 'é́é́'];
  same({ type: 'string', maxLength: 3 }, strings);
  same({ type: 'string', minLength: 2 }, strings);
  same({ type: 'string', minLength: 1 }, strings);
  same({ type: 'string', minLength: 3, maxLength: 3 }, strings);
  same({ type: 'string', maxLength: 0 }, strings);
  const text = standaloneCode(((ajv) => (ajv.addSchema({ type: 'string', maxLength: 3 }, 'root'), ajv))(createValidatorAjv({ strip: false })), { v: 'root' });
  assert.match(text, /data\.length > 3 && func\d+\(data\) > 3/);
});

const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'integer' }]));
const objects = (n: number) => [
  {},
  { p0: 1 },
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i])),
  { p0: 1, extra: 2 },
  { extra: 2, p1: 'x' },
  { p0: 'x', extra: 2 },
  { ['a/b~c']: 1 },
  { __proto__: 1, p0: 1 },
  { constructor: 1 },
  { hasOwnProperty: 1 },
];

generated('additionalProperties: false refuses and strips the same keys, with 3, 9, 32 and 33 properties', () => {
  for (const n of [3, 9, 32, 33]) {
    const schema = { type: 'object', properties: wide(n), required: ['p0'], additionalProperties: false };
    same(schema, objects(n));
    same(schema, objects(n), true);
  }
  const ajv = createValidatorAjv({ strip: false });
  ajv.addSchema({ type: 'object', properties: wide(9), additionalProperties: false }, 'nine');
  ajv.addSchema({ type: 'object', properties: wide(33), additionalProperties: false }, 'many');
  const text = standaloneCode(ajv, { nine: 'nine', many: 'many' });
  assert.match(text, /key0 === "p8"/, 'names compared up to 32 properties');
  assert.is(text.match(/hasOwnProperty/g)?.length, 1, 'AJV\'s own check beyond 32');
});

generated('additionalProperties with a schema, patternProperties and nested objects are AJV\'s own', () => {
  same({ type: 'object', properties: wide(10), additionalProperties: { type: 'string' } }, [{ p0: 1, x: 'y' }, { p0: 1, x: 2 }]);
  same({ type: 'object', properties: wide(10), patternProperties: { '^x': { type: 'string' } }, additionalProperties: false }, [{ p0: 1, xa: 'y' }, { p0: 1, ya: 2 }, { xa: 1 }]);
  same({ type: 'object', properties: { a: { type: 'object', properties: wide(12), additionalProperties: false } } }, [{ a: { p11: 1 } }, { a: { p12: 1 } }]);
});

generated('no unevaluated/dynamic bookkeeping; keywords that would need it fail the build', () => {
  const ajv = createValidatorAjv({ strip: false });
  ajv.addSchema({ type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'object', properties: { a: { $ref: '#/$defs/A' } } } } }, 'root');
  const text = standaloneCode(ajv, { v: 'root' });
  assert.not.match(text, /dynamicAnchors|evaluated/);
  const v = load(text).v!;
  assert.ok(v({ a: { a: {} } }));
  assert.not.ok(v({ a: { a: 1 } }));
  assert.equal(errorsOf(v), [{ instancePath: '/a/a', keyword: 'type', params: { type: 'object' }, message: 'must be object' }]);
  for (const schema of [{ type: 'object', unevaluatedProperties: false }, { type: 'array', unevaluatedItems: false }, { $dynamicRef: '#x' }]) {
    assert.throws(() => createValidatorAjv({ strip: false }).compile(schema), /unknown keyword/, JSON.stringify(schema));
  }
});

// fixtures/types: one route per type construct, its samples; the emitted body validators, in reject
// mode (a sample with an unknown key must fail), must agree with the schema compiled by AJV.
const types = suite('validators: fixtures/types through the emitted modules');
const TYPES = fixture('types');
let built: BuildResult;
let modules: Map<string, Module>;

types.before(async () => {
  built = await buildApp(TYPES);
  const artifacts = emit(built.model, { unknownKeys: 'reject' });
  modules = new Map(artifacts.filter((a) => !a.path.endsWith('/index.mjs')).map((a) => [a.path, load(String(a.contents))]));
});

types('every route: valid samples pass, mutations fail first at their path', () => {
  let checked = 0;
  for (const route of built.model.routes) {
    const name = route.path.slice(1);
    const mod = [...modules].find(([path]) => path.startsWith(`dist/validators/post.${name}.`))?.[1];
    assert.ok(mod?.body, `validators of ${route.key}`);
    const samples = JSON.parse(readFileSync(join(TYPES, 'samples', `${name}.json`), 'utf8')) as Samples;
    for (const value of samples.valid) assert.ok(mod!.body!(structuredClone(value)), `${name}: valid sample ${JSON.stringify(value)} rejected: ${JSON.stringify(mod!.body!.errors)}`);
    for (const { value, path, why } of samples.invalid) {
      assert.not.ok(mod!.body!(structuredClone(value)), `${name}: mutation (${why}) accepted`);
      const paths = errorsOf(mod!.body!).map((e) => e.instancePath);
      assert.ok(paths.includes(path), `${name}: mutation (${why}) should fail at '${path}', failed at ${JSON.stringify(paths)}`);
    }
    // The echo handler answers its input type: a root that names a type shares one function.
    if (route.input.body?.kind === 'ref') assert.is(mod!.s200, mod!.body, `${name}: s200 is body's function`);
    checked++;
  }
  assert.ok(checked >= 40);
});

// A model by hand: one named type used twice and nested, a recursive one, a large one.
const obj = (properties: [string, GType, boolean?][]): GType => ({
  kind: 'object',
  properties: properties.map(([name, type, optional]) => ({ name, type, optional: !!optional, readonly: false })),
} as GType);
const str: GType = { kind: 'string', maxLength: 5 } as GType;
const refTo = (id: string): GType => ({ kind: 'ref', id } as GType);
// AJV copies in a type without `$ref`s whatever its size; Big has some, and is over the limit.
const bigProps = Array.from({ length: 60 }, (_, i): [string, GType] => [`f${i}`, refTo('Money')]);
const model = {
  app: {}, middleware: [], modules: [], versionChanges: [], effects: [],
  types: {
    Money: { name: 'Money', type: obj([['amount', { kind: 'integer', minimum: 0 } as GType], ['currency', str]]) },
    Line: { name: 'Line', type: obj([['price', refTo('Money')], ['note', str, true]]) },
    Order: { name: 'Order', type: obj([['total', refTo('Money')], ['lines', { kind: 'array', items: refTo('Line') } as GType], ['tree', refTo('Tree'), true], ['big', refTo('Big'), true]]) },
    Tree: { name: 'Tree', type: obj([['name', str], ['kids', { kind: 'array', items: refTo('Tree') } as GType, true]]) },
    Big: { name: 'Big', type: obj(bigProps.map(([n, t]) => [n, t, true])) },
  },
  routes: [{
    key: 'POST /orders', method: 'POST', path: '/orders', pathParams: [], file: 'x.ts', span: {}, routeSource: 'export', name: ['orders'], typed: true,
    input: { body: refTo('Order') }, output: { '200': refTo('Order'), '201': refTo('Order'), '202': obj([['order', refTo('Order')]]) }, middleware: [], modules: [], effects: [],
  }],
} as unknown as AppModel;

const inlined = suite('validators: named types copied in');

inlined('one function per body; recursive and large types stay functions; errors point into the copy', () => {
  const [artifact] = emit(model, { unknownKeys: 'reject' });
  const text = String(artifact!.contents);
  const mod = load(text);
  assert.is(mod.s200, mod.body);
  assert.is(mod.s201, mod.body);
  assert.is.not(mod.s202, mod.body);
  // Order's function calls Tree's (recursive) and Big's (over INLINE_MAX_KEYS), nothing else.
  const calls = [...text.matchAll(/(validate\d+)\(data\.(\w+)/g)].map((m) => m[2]).sort();
  assert.equal([...new Set(calls)], ['big', 'order', 'tree']);
  const order = { total: { amount: 5, currency: 'EUR' }, lines: [{ price: { amount: 1, currency: 'EUR' } }, { price: { amount: 2, currency: 'EURO!!' }, note: 'n' }], tree: { name: 'a', kids: [{ name: 'b', kids: [{ name: 'cccccc' }] }] } };
  assert.not.ok(mod.body!(order));
  // Every error, from the copied-in types and from the recursive type's own function alike.
  assert.equal(toValidationErrors('body', mod.body!.errors), [
    { path: '/body/lines/1/price/currency', message: 'must have at most 5 characters' },
    { path: '/body/tree/kids/0/kids/0/name', message: 'must have at most 5 characters' },
  ]);
  order.lines[1]!.price.currency = 'INR';
  assert.not.ok(mod.body!(order));
  assert.equal(toValidationErrors('body', mod.body!.errors), [{ path: '/body/tree/kids/0/kids/0/name', message: 'must have at most 5 characters' }]);
  order.tree.kids[0]!.kids[0]!.name = 'c';
  assert.ok(mod.body!(order));
  assert.not.ok(mod.s202!({ order: { ...order, total: { amount: -1, currency: 'EUR' } } }));
  assert.equal(toValidationErrors('response', mod.s202!.errors), [{ path: '/response/order/total/amount', message: 'must be >= 0' }]);
  assert.not.ok(mod.body!({ ...order, big: { f59: { amount: 1, currency: 'EUR', z: 1 } } }));
  assert.equal(toValidationErrors('body', mod.body!.errors), [{ path: '/body/big/f59/z', message: 'is not allowed' }]);
  assert.ok(INLINE_MAX_KEYS < 60 * 5, 'Big is over the limit');
});

generated.run();
types.run();
inlined.run();
