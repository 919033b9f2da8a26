// One case per diff rule: an old and a new type (GTypes built by hand), and the level the rule
// must give in input position (request body) and in output position (response body).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GType, ObjectProperty } from '../model/gtype.js';
import type { ApiSurface, SurfaceRoute } from '../compiler/versions/surface.js';
import { bumpOf, diffSurfaces, type ApiChange } from '../compiler/versions/diff.js';
import { RULES, type BumpLevel, type RuleId } from '../compiler/versions/rules.js';
import type { Snapshot } from '../compiler/versions/snapshot.js';
import { versionsManifest } from '../emitters/versions/index.js';

const str: GType = { kind: 'string' };
const num: GType = { kind: 'number' };
const int: GType = { kind: 'integer' };
const nul: GType = { kind: 'null' };
const lit = (value: string | number | boolean): GType => ({ kind: 'literal', value });
const union = (...members: GType[]): GType => ({ kind: 'union', members });
const prop = (name: string, type: GType, optional = false): ObjectProperty => ({ name, type, optional, readonly: false });
const obj = (...properties: ObjectProperty[]): GType => ({ kind: 'object', properties });
const arr = (items: GType, extra: Partial<Extract<GType, { kind: 'array' }>> = {}): GType => ({ kind: 'array', items, ...extra });
const ref = (id: string): GType => ({ kind: 'ref', id });

const route = (r: Partial<SurfaceRoute>): SurfaceRoute => ({ method: 'POST', path: '/x', input: {}, output: { 200: { kind: 'void' } }, ...r });
const surface = (routes: Record<string, SurfaceRoute>, types: ApiSurface['types'] = {}): ApiSurface => ({ routes, types });
/** The type as the request body of POST /x, and as its 200 response body. */
const asInput = (t: GType, types: ApiSurface['types'] = {}) => surface({ 'POST /x': route({ input: { body: t } }) }, types);
const asOutput = (t: GType, types: ApiSurface['types'] = {}) => surface({ 'POST /x': route({ output: { 200: t } }) }, types);

interface Case { rule: RuleId; old: GType; new: GType; input: BumpLevel | null; output: BumpLevel | null; path?: string }

// Types are wrapped in an object (`{ v: T }`) so that each case also checks the path of the change.
const wrap = (t: GType): GType => obj(prop('v', t));
const TYPE_CASES: Case[] = [
  { rule: 'field-added-required', old: obj(prop('a', str)), new: obj(prop('a', str), prop('b', num)), input: 'major', output: 'minor', path: '.b' },
  { rule: 'field-added-optional', old: obj(prop('a', str)), new: obj(prop('a', str), prop('b', num, true)), input: 'minor', output: 'minor', path: '.b' },
  { rule: 'field-removed', old: obj(prop('a', str), prop('b', num)), new: obj(prop('a', str)), input: 'major', output: 'major', path: '.b' },
  { rule: 'optional-to-required', old: obj(prop('a', str, true)), new: obj(prop('a', str)), input: 'major', output: 'minor', path: '.a' },
  { rule: 'required-to-optional', old: obj(prop('a', str)), new: obj(prop('a', str, true)), input: 'minor', output: 'major', path: '.a' },
  { rule: 'nullable-added', old: wrap(str), new: wrap(union(str, nul)), input: 'minor', output: 'major', path: '.v' },
  { rule: 'nullable-removed', old: wrap(union(str, nul)), new: wrap(str), input: 'major', output: 'patch', path: '.v' },
  { rule: 'type-widened', old: wrap(int), new: wrap(num), input: 'minor', output: 'major', path: '.v' },
  { rule: 'type-narrowed', old: wrap(str), new: wrap(union(lit('a'), lit('b'))), input: 'major', output: 'patch', path: '.v' },
  { rule: 'type-changed', old: wrap(str), new: wrap(obj(prop('s', str))), input: 'major', output: 'major', path: '.v' },
  { rule: 'enum-member-added', old: wrap(union(lit('a'), lit('b'))), new: wrap({ kind: 'enum', members: [{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }, { name: 'C', value: 'c' }] }), input: 'minor', output: 'major', path: '.v' },
  { rule: 'enum-member-removed', old: wrap(union(lit(1), lit(2), lit(3))), new: wrap(union(lit(1), lit(2))), input: 'major', output: 'patch', path: '.v' },
  { rule: 'union-member-added', old: wrap(str), new: wrap(union(str, num)), input: 'minor', output: 'major', path: '.v' },
  { rule: 'union-member-removed', old: wrap(union(str, arr(str))), new: wrap(str), input: 'major', output: 'patch', path: '.v' },
  {
    rule: 'discriminator-changed',
    old: wrap({ kind: 'union', discriminator: 'type', members: [obj(prop('type', lit('a')), prop('kind', lit('x'))), obj(prop('type', lit('b')), prop('kind', lit('y')))] }),
    new: wrap({ kind: 'union', discriminator: 'kind', members: [obj(prop('type', lit('a')), prop('kind', lit('x'))), obj(prop('type', lit('b')), prop('kind', lit('y')))] }),
    input: 'major', output: 'major', path: '.v',
  },
  { rule: 'constraint-tightened', old: wrap({ kind: 'string', maxLength: 140 }), new: wrap({ kind: 'string', maxLength: 100 }), input: 'major', output: 'patch', path: '.v' },
  { rule: 'constraint-loosened', old: wrap({ kind: 'number', minimum: 1 }), new: wrap({ kind: 'number', minimum: 0 }), input: 'minor', output: 'major', path: '.v' },
  { rule: 'constraint-changed', old: wrap({ kind: 'string', format: 'email' }), new: wrap({ kind: 'string', format: 'uuid' }), input: 'major', output: 'major', path: '.v' },
  { rule: 'annotation-changed', old: wrap({ kind: 'string', description: 'a name' }), new: wrap({ kind: 'string', description: 'the full name' }), input: 'patch', output: 'patch', path: '.v' },
  { rule: 'optional-field-removed', old: obj(prop('a', str), prop('b', num, true)), new: obj(prop('a', str)), input: 'major', output: 'minor', path: '.b' },
  { rule: 'deprecated-added', old: obj(prop('q', str, true)), new: obj(prop('q', { kind: 'string', deprecated: true }, true)), input: 'minor', output: 'minor', path: '.q' },
];

const find = (changes: ApiChange[], rule: RuleId) => changes.find((c) => c.rule === rule);

/** The type as the `in` (or `out`) message of WS /x, the other side a string. */
const wsRoute = (messages: { in: GType; out: GType }) => surface({ 'WS /x': { method: 'WS', path: '/x', input: {}, output: {}, ws: messages } });
const asWsIn = (t: GType) => wsRoute({ in: t, out: str });
const asWsOut = (t: GType) => wsRoute({ in: str, out: t });

for (const c of TYPE_CASES) {
  test(`${c.rule}: ${c.input} in input, ${c.output} in output`, () => {
    const inChanges = diffSurfaces(asInput(c.old), asInput(c.new));
    const outChanges = diffSurfaces(asOutput(c.old), asOutput(c.new));
    const i = find(inChanges, c.rule), o = find(outChanges, c.rule);
    assert.ok(i, `input: ${c.rule} expected, got ${JSON.stringify(inChanges)}`);
    assert.ok(o, `output: ${c.rule} expected, got ${JSON.stringify(outChanges)}`);
    assert.is(i!.level, c.input, 'input level');
    assert.is(o!.level, c.output, 'output level');
    assert.is(i!.position, 'input');
    assert.is(o!.position, 'output');
    if (c.path) {
      assert.is(i!.path, `body${c.path}`);
      assert.is(o!.path, `response[200]${c.path}`);
    }
    if (c.rule !== 'annotation-changed' && c.rule !== 'deprecated-added') assert.ok(i!.old !== undefined || i!.new !== undefined, 'old or new type printed');
  });
}

// Rules that exist in one position only, or on the route itself.
test('route-added and route-removed: minor and major', () => {
  const a = surface({ 'GET /a': route({ method: 'GET', path: '/a' }) });
  const ab = surface({ 'GET /a': route({ method: 'GET', path: '/a' }), 'GET /b': route({ method: 'GET', path: '/b' }) });
  assert.equal(diffSurfaces(a, ab).map((c) => [c.rule, c.level, c.position, c.route]), [['route-added', 'minor', 'route', 'GET /b']]);
  assert.equal(diffSurfaces(ab, a).map((c) => [c.rule, c.level, c.route]), [['route-removed', 'major', 'GET /b']]);
});

test('request-body-added and request-body-removed: major (input only)', () => {
  const none = surface({ 'POST /x': route({}) });
  const body = asInput(obj(prop('a', str)));
  assert.equal(diffSurfaces(none, body).map((c) => [c.rule, c.level, c.path]), [['request-body-added', 'major', 'body']]);
  assert.equal(diffSurfaces(body, none).map((c) => [c.rule, c.level, c.path]), [['request-body-removed', 'major', 'body']]);
});

test('success-status-added (minor), success-status-removed / changed 200 → 201 (major)', () => {
  const s200 = surface({ 'POST /x': route({ output: { 200: str } }) });
  const s201 = surface({ 'POST /x': route({ output: { 201: str } }) });
  const both = surface({ 'POST /x': route({ output: { 200: str, 202: str } }) });
  const changed = diffSurfaces(s200, s201);
  assert.equal(changed.map((c) => [c.rule, c.level]), [['success-status-removed', 'major'], ['success-status-added', 'minor']]);
  assert.is(changed[0]!.detail, '200 → 201');
  assert.equal(diffSurfaces(s200, both).map((c) => [c.rule, c.level, c.path]), [['success-status-added', 'minor', 'response[202]']]);
});

test('error-status-added (minor) and error-status-removed (patch)', () => {
  const ok = surface({ 'POST /x': route({ output: { 200: str } }) });
  const withError = surface({ 'POST /x': route({ output: { 200: str, 404: obj(prop('error', lit('NotFound'))) } }) });
  assert.equal(diffSurfaces(ok, withError).map((c) => [c.rule, c.level, c.position]), [['error-status-added', 'minor', 'output']]);
  assert.equal(diffSurfaces(withError, ok).map((c) => [c.rule, c.level]), [['error-status-removed', 'patch']]);
});

test('path-param-renamed: a path parameter renamed in place is a patch (same wire request), not a route removed', () => {
  const things = (param: string, type: GType = str) => surface({ [`GET /things/:${param}`]: route({ method: 'GET', path: `/things/:${param}`, input: { params: obj(prop(param, type)) }, output: { 200: obj(prop('id', str)) } }) });
  const renamed = diffSurfaces(things('id'), things('thingId'));
  assert.equal(renamed.map((c) => [c.rule, c.level, c.position, c.route]), [['path-param-renamed', 'patch', 'route', 'GET /things/:thingId']]);
  assert.match(renamed[0]!.detail!, "GET /things/:id → GET /things/:thingId: the same request on the wire; SDK calls change to api.request('GET /things/:thingId', { params: { thingId } })");
  assert.is(bumpOf(renamed), 'patch');
  // A change to the renamed param itself is still seen, under its new name.
  const retyped = diffSurfaces(things('id'), things('thingId', int));
  assert.equal(retyped.map((c) => [c.rule, c.level, c.path]), [['path-param-renamed', 'patch', ''], ['type-changed', 'major', 'params.thingId']]);
  // Another method, or an ambiguous pairing, stays a route removed and a route added.
  const post = surface({ 'POST /things/:thingId': route({ path: '/things/:thingId', input: { params: obj(prop('thingId', str)) } }) });
  assert.equal(diffSurfaces(things('id'), post).map((c) => c.rule), ['route-removed', 'route-added']);
  const two = surface({ 'GET /a/:x': route({ method: 'GET', path: '/a/:x' }), 'GET /a/:x/b': route({ method: 'GET', path: '/a/:x/b' }) });
  const twoRenamed = surface({ 'GET /a/:y': route({ method: 'GET', path: '/a/:y' }), 'GET /a/:x/b': route({ method: 'GET', path: '/a/:x/b' }) });
  assert.equal(diffSurfaces(two, twoRenamed).map((c) => c.rule), ['path-param-renamed']);
});

test('a renamed route is not a removed one in dist/versions.json (no 410 for pinned clients)', () => {
  const snapshot = (semver: string, key: string): Snapshot => ({
    format: 1, semver, timestamp: `2026-11-2${semver[2]}T00:00:00Z`, hash: semver, bump: 'patch', previous: null, versionChanges: [], changes: [],
    surface: surface({ [key]: route({ method: 'GET', path: key.slice(4) }), 'GET /gone': route({ method: 'GET', path: '/gone' }) }),
  });
  const newest = { ...snapshot('1.0.2', 'GET /things/:thingId'), surface: surface({ 'GET /things/:thingId': route({ method: 'GET', path: '/things/:thingId' }) }) };
  const manifest = versionsManifest([snapshot('1.0.0', 'GET /things/:id'), newest]);
  assert.equal(manifest.versions[0]!.removed, ['GET /gone']);
});

test('request-body-added-optional: an optional body added is minor; optional → required is major', () => {
  const none = surface({ 'POST /x': route({}) });
  const optional = surface({ 'POST /x': route({ input: { body: obj(prop('a', str)) }, bodyOptional: true }) });
  const required = asInput(obj(prop('a', str)));
  assert.equal(diffSurfaces(none, optional).map((c) => [c.rule, c.level, c.path]), [['request-body-added-optional', 'minor', 'body']]);
  assert.equal(diffSurfaces(none, required).map((c) => [c.rule, c.level]), [['request-body-added', 'major']]);
  assert.equal(diffSurfaces(optional, required).map((c) => [c.rule, c.level, c.path]), [['optional-to-required', 'major', 'body']]);
  assert.equal(diffSurfaces(required, optional).map((c) => [c.rule, c.level, c.path]), [['required-to-optional', 'minor', 'body']]);
});

test('error-status-changed: the same error body moved to another status is major; different bodies are a removal and an addition', () => {
  const notFound = obj(prop('error', lit('NotFound')));
  const at = (status: number, body: GType) => surface({ 'GET /x': route({ method: 'GET', output: { 200: str, [status]: body } }) });
  const moved = diffSurfaces(at(404, notFound), at(410, notFound));
  assert.equal(moved.map((c) => [c.rule, c.level, c.path, c.detail]), [['error-status-changed', 'major', 'response[404]', '404 → 410']]);
  const unrelated = diffSurfaces(at(404, notFound), at(422, obj(prop('error', lit('Invalid')))));
  assert.equal(unrelated.map((c) => [c.rule, c.level]), [['error-status-removed', 'patch'], ['error-status-added', 'minor']]);
});

test('deprecation: added on a ref-typed field is minor, removed is a patch', () => {
  const types = { Money: { name: 'Money', type: obj(prop('amount', num)) } };
  const before = asOutput(obj(prop('price', ref('Money'), true)), types);
  const after = asOutput(obj(prop('price', { kind: 'ref', id: 'Money', deprecated: true }, true)), types);
  assert.equal(diffSurfaces(before, after).map((c) => [c.rule, c.level, c.path, c.detail]), [['deprecated-added', 'minor', 'response[200].price', 'deprecated']]);
  assert.equal(diffSurfaces(after, before).map((c) => [c.rule, c.level, c.detail]), [['annotation-changed', 'patch', 'no longer deprecated']]);
});

test('properties reordered: no change', () => {
  const ab = asInput(obj(prop('a', str), prop('b', num, true)));
  const ba = asInput(obj(prop('b', num, true), prop('a', str)));
  assert.equal(diffSurfaces(ab, ba), []);
  assert.equal(diffSurfaces(asOutput(obj(prop('a', str), prop('b', num))), asOutput(obj(prop('b', num), prop('a', str)))), []);
});

test('every rule of the catalogue has a case here', () => {
  const covered = new Set<string>([...TYPE_CASES.map((c) => c.rule), 'route-added', 'route-removed', 'request-body-added', 'request-body-removed', 'success-status-added', 'success-status-removed', 'error-status-added', 'error-status-removed', 'path-param-renamed', 'request-body-added-optional', 'error-status-changed']);
  for (const r of RULES) assert.ok(covered.has(r.id), `a case for ${r.id}`);
});

// Recursion into element types, named types, positions and overrides.
test('array, tuple and record elements are compared recursively', () => {
  const a = diffSurfaces(asOutput(arr(obj(prop('p', int)))), asOutput(arr(obj(prop('p', num)))));
  assert.equal(a.map((c) => [c.rule, c.path]), [['type-widened', 'response[200][].p']]);
  const tuple = (second: GType, optional = false): GType => ({ kind: 'tuple', elements: [{ type: num, optional: false, rest: false }, { type: second, optional, rest: false }] });
  const t = diffSurfaces(asInput(tuple(num)), asInput(tuple(union(num, nul))));
  assert.equal(t.map((c) => [c.rule, c.level, c.path]), [['nullable-added', 'minor', 'body[1]']]);
  const t2 = diffSurfaces(asInput(tuple(num, true)), asInput(tuple(num)));
  assert.equal(t2.map((c) => [c.rule, c.level, c.path]), [['optional-to-required', 'major', 'body[1]']]);
  const rec = (v: GType): GType => ({ kind: 'record', key: { kind: 'string' }, value: v });
  const r = diffSurfaces(asOutput(rec(arr(str))), asOutput(rec(arr(str, { maxItems: 5 }))));
  assert.equal(r.map((c) => [c.rule, c.level, c.path]), [['constraint-tightened', 'patch', 'response[200][string]']]);
});

test('a named type used in a request and a response is judged at each use', () => {
  const user = (extra: ObjectProperty[]) => ({ User: { name: 'User', type: obj(prop('id', str), ...extra) } });
  const both = (types: ApiSurface['types']) => surface({ 'PUT /users': route({ method: 'PUT', path: '/users', input: { body: ref('User') }, output: { 200: ref('User') } }) }, types);
  const changes = diffSurfaces(both(user([])), both(user([prop('email', str)])));
  assert.equal(changes.map((c) => [c.rule, c.position, c.level, c.path]), [
    ['field-added-required', 'input', 'major', 'body.email'],
    ['field-added-required', 'output', 'minor', 'response[200].email'],
  ]);
  assert.is(bumpOf(changes), 'major');
});

test('recursive named types terminate and report the change once per position', () => {
  const tree = (valueType: GType) => ({ Node: { name: 'Node', type: obj(prop('value', valueType), prop('children', arr(ref('Node')))) } });
  const changes = diffSurfaces(asOutput(ref('Node'), tree(int)), asOutput(ref('Node'), tree(num)));
  assert.equal(changes.map((c) => [c.rule, c.path]), [['type-widened', 'response[200].value']]);
});

test('an inline type replaced by a named one (and back) is compared by shape, at every path', () => {
  const types = { Money: { name: 'Money', type: obj(prop('amount', num)) } };
  const before = obj(prop('price', obj(prop('amount', num))), prop('cost', obj(prop('amount', num))));
  const after = obj(prop('price', ref('Money')), prop('cost', obj(prop('amount', int))));
  assert.equal(diffSurfaces(asOutput(before, types), asOutput(after, types)).map((c) => [c.rule, c.path]), [['type-narrowed', 'response[200].cost.amount']]);
  const afterBoth = obj(prop('price', ref('Money')), prop('cost', ref('Money')));
  const newTypes = { Money: { name: 'Money', type: obj(prop('amount', int)) } };
  assert.equal(diffSurfaces(asOutput(before, types), asOutput(afterBoth, newTypes)).map((c) => [c.rule, c.path]), [['type-narrowed', 'response[200].price.amount'], ['type-narrowed', 'response[200].cost.amount']]);
});

test('Date is an ISO string on the wire; a renamed named type with the same shape is no change', () => {
  assert.equal(diffSurfaces(asOutput({ kind: 'date' }), asOutput({ kind: 'string', format: 'date-time' })), []);
  const a = asOutput(ref('A'), { A: { name: 'A', type: obj(prop('x', str)) } });
  const b = asOutput(ref('B'), { B: { name: 'B', type: obj(prop('x', str)) } });
  assert.equal(diffSurfaces(a, b), []);
});

test('params, query and headers: a part that appears is compared with an empty object', () => {
  const none = surface({ 'GET /x': route({ method: 'GET' }) });
  const q = surface({ 'GET /x': route({ method: 'GET', input: { query: obj(prop('limit', int, true)), headers: obj(prop('x-tenant', str)) } }) });
  assert.equal(diffSurfaces(none, q).map((c) => [c.rule, c.level, c.path]), [['field-added-optional', 'minor', 'query.limit'], ['field-added-required', 'major', 'headers.x-tenant']]);
});

test('versioning.rules overrides a rule level', () => {
  const changes = diffSurfaces(asInput(obj(prop('a', str), prop('b', str))), asInput(obj(prop('a', str))), { rules: { 'field-removed': 'minor' } });
  assert.equal(changes.map((c) => [c.rule, c.level]), [['field-removed', 'minor']]);
});

test('discriminated unions: members paired by tag, added and removed by tag', () => {
  const member = (tag: string, extra: ObjectProperty[] = []) => obj(prop('type', lit(tag)), ...extra);
  const du = (...members: GType[]): GType => ({ kind: 'union', discriminator: 'type', members });
  const old = du(member('card', [prop('last4', str)]), member('bank'));
  const changes = diffSurfaces(asOutput(old), asOutput(du(member('bank'), member('card', [prop('last4', str), prop('brand', str)]), member('wallet'))));
  assert.equal(changes.map((c) => [c.rule, c.level, c.path, c.detail]), [
    ['field-added-required', 'minor', 'response[200].brand', undefined],
    ['union-member-added', 'major', 'response[200]', 'added { type: "wallet" }'],
  ]);
  const removed = diffSurfaces(asInput(old), asInput(du(member('card', [prop('last4', str)]))));
  assert.equal(removed.map((c) => [c.rule, c.level]), [['union-member-removed', 'major']]);
});

test('nullable named types, enums behind refs, literal unions widened to their base', () => {
  const types = { User: { name: 'User', type: obj(prop('id', str)) }, Role: { name: 'Role', type: { kind: 'enum' as const, members: [{ name: 'A', value: 'admin' }] } } };
  const newTypes = { ...types, Role: { name: 'Role', type: { kind: 'enum' as const, members: [{ name: 'A', value: 'admin' }, { name: 'M', value: 'member' }] } } };
  assert.equal(diffSurfaces(asOutput(ref('User'), types), asOutput(union(ref('User'), nul), types)).map((c) => [c.rule, c.level]), [['nullable-added', 'major']]);
  assert.equal(diffSurfaces(asOutput(obj(prop('role', ref('Role'))), types), asOutput(obj(prop('role', ref('Role'))), newTypes)).map((c) => [c.rule, c.level, c.detail]), [['enum-member-added', 'major', 'added "member"']]);
  assert.equal(diffSurfaces(asInput(union(lit('a'), lit('b'))), asInput(str)).map((c) => [c.rule, c.level]), [['type-widened', 'minor']]);
  assert.equal(diffSurfaces(asInput(str), asInput(union(str, nul))).map((c) => [c.rule, c.level]), [['nullable-added', 'minor']]);
});

test('constraints: integer formats, bounds both ways, uniqueItems, pattern added', () => {
  const levels = (o: GType, n: GType) => diffSurfaces(asInput(o), asInput(n)).map((c) => [c.rule, c.detail ?? '']);
  assert.equal(levels({ kind: 'integer', format: 'int64' }, { kind: 'integer', format: 'int32' }), [['constraint-changed', 'format']]);
  assert.equal(levels({ kind: 'number', maximum: 10 }, { kind: 'number', maximum: 20 }), [['constraint-loosened', '']]);
  assert.equal(levels({ kind: 'number', maximum: 10 }, { kind: 'number' }), [['constraint-loosened', '']]);
  assert.equal(levels({ kind: 'number' }, { kind: 'number', exclusiveMinimum: 0 }), [['constraint-tightened', '']]);
  assert.equal(levels(arr(str), arr(str, { uniqueItems: true })), [['constraint-tightened', 'uniqueItems']]);
  assert.equal(levels(str, { kind: 'string', pattern: '^a' }), [['constraint-tightened', 'pattern']]);
  assert.equal(levels({ kind: 'unknown' }, str), [['type-narrowed', '']]);
  assert.equal(levels(str, { kind: 'unknown' }), [['type-widened', '']]);
});

// A WebSocket route's `in` messages are judged as a request body, its `out` messages as a response body.
for (const c of TYPE_CASES) {
  test(`${c.rule} in WebSocket messages: ${c.input} in \`in\`, ${c.output} in \`out\``, () => {
    const inChanges = diffSurfaces(asWsIn(c.old), asWsIn(c.new));
    const outChanges = diffSurfaces(asWsOut(c.old), asWsOut(c.new));
    const i = find(inChanges, c.rule), o = find(outChanges, c.rule);
    assert.ok(i, `in: ${c.rule} expected, got ${JSON.stringify(inChanges)}`);
    assert.ok(o, `out: ${c.rule} expected, got ${JSON.stringify(outChanges)}`);
    assert.equal([i!.level, i!.position, o!.level, o!.position], [c.input, 'input', c.output, 'output']);
    if (c.path) assert.equal([i!.path, o!.path], [`in${c.path}`, `out${c.path}`]);
  });
}

test('WebSocket routes: added and removed like any route; typing an untyped side narrows `in` (major) and is a patch in `out`', () => {
  const unknown: GType = { kind: 'unknown' };
  assert.equal(diffSurfaces(surface({}), asWsIn(str)).map((c) => [c.rule, c.level, c.route]), [['route-added', 'minor', 'WS /x']]);
  assert.equal(diffSurfaces(asWsIn(str), surface({})).map((c) => [c.rule, c.level]), [['route-removed', 'major']]);
  assert.equal(diffSurfaces(wsRoute({ in: unknown, out: unknown }), wsRoute({ in: str, out: str })).map((c) => [c.rule, c.level, c.path]), [['type-narrowed', 'major', 'in'], ['type-narrowed', 'patch', 'out']]);
  // The contract's chat: a new kind of incoming message is minor, an outgoing kind removed is a patch, added is major.
  const say = obj(prop('type', lit('say')), prop('text', str));
  const typing = obj(prop('type', lit('typing')));
  const du = (...members: GType[]): GType => ({ kind: 'union', discriminator: 'type', members });
  assert.equal(diffSurfaces(wsRoute({ in: say, out: say }), wsRoute({ in: du(say, typing), out: say })).map((c) => [c.rule, c.level, c.position]), [['union-member-added', 'minor', 'input']]);
  assert.equal(diffSurfaces(wsRoute({ in: say, out: say }), wsRoute({ in: say, out: du(say, typing) })).map((c) => [c.rule, c.level, c.position]), [['union-member-added', 'major', 'output']]);
  assert.equal(diffSurfaces(wsRoute({ in: say, out: obj(prop('type', lit('say'))) }), wsRoute({ in: say, out: say })).map((c) => [c.rule, c.level, c.path]), [['field-added-required', 'minor', 'out.text']]);
  assert.equal(diffSurfaces(wsRoute({ in: say, out: say }), wsRoute({ in: say, out: obj(prop('type', lit('say'))) })).map((c) => [c.rule, c.level, c.path]), [['field-removed', 'major', 'out.text']]);
});

test('no change, no entries', () => {
  const s = asInput(obj(prop('a', arr(union(str, nul)))));
  assert.equal(diffSurfaces(s, JSON.parse(JSON.stringify(s)) as ApiSurface), []);
  assert.is(bumpOf([]), undefined);
});

test.run();
