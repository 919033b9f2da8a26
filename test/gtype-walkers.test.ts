// The three GType walkers every walk is built on (childrenOf, mapGType, resolveRef), checked
// against an independent reading of the tree: the GTypes found by scanning a node's fields. One
// sample per kind, typed by kind, so a kind added to the union without a sample here does not
// compile, and a kind whose children childrenOf forgets fails the first test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GTYPE_KINDS, childrenOf, mapGType, reachableTypeIds, resolveRef, walkGType,
  type GType, type GTypeKind, type NamedType, type StringType,
} from '../model/gtype.js';

/** A leaf that marks a child's place: its value says where it sits. */
const child = (at: string): GType => ({ kind: 'literal', value: `m:${at}` });
const ref = (id: string): GType => ({ kind: 'ref', id });
const span = { file: 'src/types.ts', line: 3, column: 5 };

/** One node of each kind, with marked children in every place a kind keeps them. */
const SAMPLES: Record<GTypeKind, GType> = {
  string: { kind: 'string', format: 'email', minLength: 1, description: 'an address' },
  number: { kind: 'number', minimum: 0, multipleOf: 0.5 },
  integer: { kind: 'integer', format: 'int32', maximum: 10 },
  boolean: { kind: 'boolean', default: true },
  null: { kind: 'null' },
  literal: { kind: 'literal', value: 'USD' },
  enum: { kind: 'enum', members: [{ name: 'A', value: 'a' }, { name: 'B', value: 2 }] },
  object: {
    kind: 'object',
    description: 'an object',
    properties: [
      { name: 'a', type: child('object.a'), optional: false, readonly: false, span },
      { name: 'b', type: child('object.b'), optional: true, readonly: true, description: 'b' },
    ],
    additionalProperties: child('object.additionalProperties'),
  },
  array: { kind: 'array', items: child('array.items'), minItems: 1, uniqueItems: true },
  tuple: {
    kind: 'tuple',
    elements: [
      { type: child('tuple.0'), optional: false, rest: false, name: 'first' },
      { type: child('tuple.1'), optional: true, rest: false },
      { type: child('tuple.rest'), optional: false, rest: true },
    ],
  },
  union: { kind: 'union', members: [child('union.0'), child('union.1'), child('union.2')], discriminator: 'type' },
  record: { kind: 'record', key: { kind: 'string', pattern: 'm:record.key' }, value: child('record.value'), deprecated: true },
  date: { kind: 'date', description: 'when' },
  ref: { kind: 'ref', id: 'User', deprecated: true },
  unknown: { kind: 'unknown' },
  void: { kind: 'void' },
};

const KIND_NAMES = new Set<string>(GTYPE_KINDS);

/** The GTypes directly inside `node`, found by scanning its fields (JSON order), not by its kind. */
function gtypesInside(node: GType): GType[] {
  const found: GType[] = [];
  const scan = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(scan);
    else if (value && typeof value === 'object') {
      if (KIND_NAMES.has((value as { kind?: string }).kind as string)) found.push(value as GType);
      else Object.values(value).forEach(scan);
    }
  };
  Object.values(node).forEach(scan);
  return found;
}

test('GTYPE_KINDS names every kind once, and each has a sample of that kind', () => {
  assert.equal(new Set(GTYPE_KINDS).size, GTYPE_KINDS.length);
  assert.equal([...GTYPE_KINDS].sort(), Object.keys(SAMPLES).sort());
  for (const kind of GTYPE_KINDS) assert.is(SAMPLES[kind].kind, kind);
});

test('childrenOf: every kind lists each GType inside it, the same objects, in declaration order', () => {
  for (const kind of GTYPE_KINDS) {
    const sample = SAMPLES[kind];
    const children = childrenOf(sample);
    const inside = gtypesInside(sample);
    assert.equal(children.length, inside.length, `${kind}: ${children.length} children listed, ${inside.length} inside`);
    inside.forEach((t, i) => assert.ok(children[i] === t, `${kind}: child ${i} is ${JSON.stringify(children[i])}, expected ${JSON.stringify(t)}`));
  }
  // The samples do exercise children: every container kind has some.
  assert.equal(GTYPE_KINDS.filter((kind) => childrenOf(SAMPLES[kind]).length > 0), ['object', 'array', 'tuple', 'union', 'record']);
});

test('childrenOf: an object without additionalProperties lists only its properties; an empty tuple none', () => {
  assert.equal(childrenOf({ kind: 'object', properties: [{ name: 'x', type: { kind: 'null' }, optional: false, readonly: false }] }), [{ kind: 'null' }]);
  assert.equal(childrenOf({ kind: 'tuple', elements: [] }), []);
  assert.equal(childrenOf({ kind: 'ref', id: 'User' }), [], 'a ref is a leaf: resolveRef follows it');
});

/** Appends `!` to every marker: the mapping the mapGType tests apply. */
function mark(node: GType): GType {
  if (node.kind === 'literal' && typeof node.value === 'string' && node.value.startsWith('m:')) return { ...node, value: `${node.value}!` };
  if (node.kind === 'string' && node.pattern?.startsWith('m:')) return { ...node, pattern: `${node.pattern}!` };
  return node;
}

test('mapGType: every child of every kind is mapped, everything else (key order included) kept, the input untouched', () => {
  for (const kind of GTYPE_KINDS) {
    const sample = SAMPLES[kind];
    const before = JSON.stringify(sample);
    const mapped = mapGType(sample, mark);
    assert.is(JSON.stringify(mapped), before.replace(/"(m:[^"]*)"/g, '"$1!"'), kind);
    assert.is(JSON.stringify(sample), before, `${kind}: the input is not changed`);
    if (childrenOf(sample).length) assert.ok(mapped !== sample, `${kind}: a node with children is a fresh copy`);
    else assert.ok(mapped === sample, `${kind}: a leaf f leaves alone is passed through`);
  }
});

test('mapGType: bottom-up, f sees each node after its children, already holding the mapped ones', () => {
  const tree: GType = { kind: 'array', items: { kind: 'union', members: [ref('A'), { kind: 'object', properties: [{ name: 'b', type: ref('B'), optional: false, readonly: false }] }] } };
  const seen: string[] = [];
  const out = mapGType(tree, (node) => {
    seen.push(node.kind === 'ref' ? `ref ${node.id}` : node.kind);
    if (node.kind === 'ref') return { ...node, id: `${node.id}2` };
    if (node.kind === 'union') assert.equal(reachableTypeIds([node], {}), ['A2', 'B2'], 'the union already holds the mapped refs');
    return node;
  });
  assert.equal(seen, ['ref A', 'ref B', 'object', 'union', 'array']);
  assert.equal(reachableTypeIds([out], {}), ['A2', 'B2']);
  assert.equal(reachableTypeIds([tree], {}), ['A', 'B']);
});

test('mapGType: a record key turned into something other than a string type is refused', () => {
  const record = SAMPLES.record;
  assert.throws(() => mapGType(record, (node) => (node.kind === 'string' ? { kind: 'number' } : node)), /record key must stay a string type, not 'number'/);
  const key = (mapGType(record, mark) as { key: StringType }).key;
  assert.is(key.pattern, 'm:record.key!');
});

test('walkGType: parents first, children in childrenOf order, refs not followed', () => {
  const order: string[] = [];
  walkGType(SAMPLES.object, (node) => order.push(node.kind === 'literal' ? String(node.value) : node.kind));
  assert.equal(order, ['object', 'm:object.a', 'm:object.b', 'm:object.additionalProperties']);
  const nested: GType = { kind: 'record', key: { kind: 'string' }, value: { kind: 'tuple', elements: [{ type: ref('X'), optional: false, rest: false }] } };
  const kinds: string[] = [];
  walkGType(nested, (node) => kinds.push(node.kind));
  assert.equal(kinds, ['record', 'string', 'tuple', 'ref']);
});

const named = (type: GType): NamedType => ({ name: 'T', type });

test('resolveRef: a non-ref is itself; a ref its definition, through refs to refs', () => {
  const user: GType = { kind: 'object', properties: [] };
  const types = { User: named(user), Alias: named(ref('User')), Alias2: named(ref('Alias')) };
  const str: GType = { kind: 'string' };
  assert.ok(resolveRef(str, types) === str);
  assert.ok(resolveRef(ref('User'), types) === user);
  assert.ok(resolveRef(ref('Alias2'), types) === user);
});

test('resolveRef: a missing id, a ref cycle and prototype names give undefined', () => {
  const types = { A: named(ref('B')), B: named(ref('A')), Self: named(ref('Self')), Broken: named(ref('Nowhere')) };
  assert.is(resolveRef(ref('Nowhere'), types), undefined);
  assert.is(resolveRef(ref('A'), types), undefined);
  assert.is(resolveRef(ref('Self'), types), undefined);
  assert.is(resolveRef(ref('Broken'), types), undefined);
  assert.is(resolveRef(ref('constructor'), {}), undefined, 'an id is looked up as an own key only');
  assert.is(resolveRef(ref('toString'), {}), undefined);
});

test('resolveRef: named types can come from a lookup function (the analyzer keeps its own map)', () => {
  const map = new Map<string, NamedType>([['src/a.ts#User', named({ kind: 'boolean' })]]);
  const calls: string[] = [];
  const lookup = (id: string) => (calls.push(id), map.get(id));
  assert.equal(resolveRef(ref('src/a.ts#User'), lookup), { kind: 'boolean' });
  assert.is(resolveRef(ref('src/a.ts#Other'), lookup), undefined);
  assert.equal(calls, ['src/a.ts#User', 'src/a.ts#Other']);
});

test('reachableTypeIds: follows refs through definitions, recursion included, sorted', () => {
  const types = {
    Tree: named({ kind: 'object', properties: [{ name: 'children', type: { kind: 'array', items: ref('Tree') }, optional: false, readonly: false }, { name: 'tag', type: ref('Tag'), optional: true, readonly: false }] }),
    Tag: named({ kind: 'record', key: { kind: 'string' }, value: ref('Label') }),
    Label: named({ kind: 'string' }),
    Unused: named({ kind: 'null' }),
  };
  assert.equal(reachableTypeIds([{ kind: 'union', members: [ref('Tree'), { kind: 'null' }] }], types), ['Label', 'Tag', 'Tree']);
  assert.equal(reachableTypeIds([ref('Missing')], types), ['Missing'], 'a missing id is still reached (its users report it)');
});

test.run();
