// The build's nesting depth of a body type: bounded types skip the request-time nesting scan.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GType, NamedType } from '../model/gtype.js';
import { nestingDepth } from '../model/nesting-depth.js';

const str: GType = { kind: 'string' };
const obj = (props: Record<string, GType>, additionalProperties?: GType): GType => ({
  kind: 'object', properties: Object.entries(props).map(([name, type]) => ({ name, type, optional: false, readonly: false })), ...(additionalProperties ? { additionalProperties } : {}),
});
const arr = (items: GType): GType => ({ kind: 'array', items });
const ref = (id: string): GType => ({ kind: 'ref', id });

test('objects, arrays, records and tuples open a level; unions take their deepest member', () => {
  assert.is(nestingDepth(str, {}), 0);
  assert.is(nestingDepth(obj({ a: str }), {}), 1);
  assert.is(nestingDepth(obj({ items: arr(obj({ sku: str })), ship: obj({ city: str }) }), {}), 3);
  assert.is(nestingDepth({ kind: 'record', key: { kind: 'string' }, value: arr(str) }, {}), 2);
  assert.is(nestingDepth({ kind: 'tuple', elements: [{ type: arr(str), optional: false, rest: false }] }, {}), 2);
  assert.is(nestingDepth({ kind: 'union', members: [str, obj({ a: obj({ b: str }) })] }, {}), 2);
  assert.is(nestingDepth(obj({}, arr(str)), {}), 2, 'an index signature counts');
});

test('named types are followed; recursion and unknown are unbounded', () => {
  const types: Record<string, NamedType> = {
    Item: { name: 'Item', type: obj({ sku: str }) },
    Tree: { name: 'Tree', type: obj({ children: arr(ref('Tree')) }) },
  };
  assert.is(nestingDepth(obj({ a: ref('Item'), b: ref('Item') }), types), 2, 'the same named type twice is not recursion');
  assert.is(nestingDepth(ref('Tree'), types), undefined);
  assert.is(nestingDepth(obj({ any: { kind: 'unknown' } }), {}), undefined);
  assert.is(nestingDepth(ref('Missing'), types), undefined);
});

test.run();
