// Types TypeScript treats as arrays without being written `T[]`: an interface that extends
// Array<T>, an intersection with an array type (`T[] & { 0: T }`), a homomorphic mapped type the
// checker did not turn back into an array. On the wire each is an array of its element type; the
// array's own methods are not data. Numeric keys a member adds (`{ 0: T }`) are elements the array
// must have (minItems); any other property of its own has no place in a JSON array and is reported.
import ts from '../../typescript.cjs';
import type { GType } from '../../../model/gtype.js';
import type { ConvertContext, Site, TypeParser } from './context.js';

export const arrayLikeParser: TypeParser = {
  name: 'array-like',
  supports: (t, ctx) => (t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0 && isArrayLike(t, ctx),
  parse: (t, site, ctx) => convertArrayLike(t, site, ctx),
};

/** An array or tuple type, or a type the checker finds assignable to `readonly unknown[]`. */
export function isArrayLike(t: ts.Type, ctx: ConvertContext): boolean {
  return ctx.checker.isArrayType(t) || ctx.checker.isTupleType(t) || ctx.checker.isArrayLikeType(t);
}

export function convertArrayLike(t: ts.Type, site: Site, ctx: ConvertContext): GType {
  const element = ctx.checker.getIndexInfoOfType(t, ts.IndexKind.Number)?.type;
  if (!element) return ctx.fail('GATI1007', `'${site.path}' is array-like without an element type`, site);
  let minItems = 0;
  for (const prop of ctx.checker.getPropertiesOfType(t)) {
    // `length` and the methods are the array's own; `gati:`/`typia.tag` keys are constraint tags.
    if (prop.name === 'length' || prop.name.startsWith('__@') || prop.name.startsWith('gati:') || prop.name === 'typia.tag' || ctx.isLibSymbol(prop)) continue;
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (/^(0|[1-9][0-9]*)$/.test(prop.name)) {
      if (!(prop.flags & ts.SymbolFlags.Optional)) minItems = Math.max(minItems, Number(prop.name) + 1);
      continue;
    }
    ctx.fail('GATI1007', `'${site.path}.${prop.name}' is a named property of an array, which a JSON array cannot carry`, { node: decl ?? site.node, path: `${site.path}.${prop.name}` });
  }
  const array: GType = { kind: 'array', items: ctx.convert(element, { node: site.node, path: `${site.path}[]` }) };
  return minItems ? { ...array, minItems } : array;
}
