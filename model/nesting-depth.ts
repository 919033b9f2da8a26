// How deep a value of a GType can nest arrays and objects, known at build time. A request body of a
// type with a bounded depth needs no nesting scan before it is parsed: a body nested deeper than its
// type allows fails validation at the first level the type does not have, and neither the
// validators, the revivers nor the serializers recurse past the type's own depth. Only a recursive
// type or an `unknown` (anything) inside can be arbitrarily deep.
import { childrenOf, resolveRef, type GType, type NamedTypes } from './gtype.js';

/** The deepest nesting of arrays and objects a value of `t` can have; undefined when unbounded. */
export function nestingDepth(t: GType, types: NamedTypes): number | undefined {
  return depthOf(t, types, new Set());
}

function depthOf(t: GType, types: NamedTypes, open: Set<string>): number | undefined {
  if (t.kind === 'ref') {
    // A named type reached again below itself: recursive, so unbounded.
    if (open.has(t.id)) return undefined;
    const resolved = resolveRef(t, types);
    if (resolved === undefined) return undefined;
    open.add(t.id);
    const depth = depthOf(resolved, types, open);
    open.delete(t.id);
    return depth;
  }
  if (t.kind === 'unknown') return undefined;
  let deepest = 0;
  for (const child of childrenOf(t)) {
    const depth = depthOf(child, types, open);
    if (depth === undefined) return undefined;
    if (depth > deepest) deepest = depth;
  }
  // Objects, records, arrays and tuples open one level; a union is as deep as its deepest member.
  return t.kind === 'object' || t.kind === 'record' || t.kind === 'array' || t.kind === 'tuple' ? deepest + 1 : deepest;
}
