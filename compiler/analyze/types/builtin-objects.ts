// Built-in object types: Date (an ISO string on the wire), arrays, tuples, and the library classes
// that have no JSON form (Map, Set, Promise, binary buffers), which are reported, never emptied.
import ts from '../../typescript.cjs';
import type { TupleElement } from '../../../model/gtype.js';
import type { ConvertContext, TypeParser } from './context.js';
import { describe } from './context.js';

function libName(t: ts.Type, ctx: ConvertContext): string | undefined {
  const symbol = t.symbol ?? t.aliasSymbol;
  return symbol && ctx.isLibSymbol(symbol) ? symbol.name : undefined;
}

export const dateParser: TypeParser = {
  name: 'Date',
  supports: (t, ctx) => libName(t, ctx) === 'Date',
  parse: () => ({ kind: 'date' }),
};

const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'ReadonlyMap', 'ReadonlySet', 'WeakRef']);
const UNSUPPORTED = new Set([
  'Promise', 'PromiseLike', 'RegExp', 'Error', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
  'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
  'BigInt64Array', 'BigUint64Array', 'Iterator', 'Generator', 'AsyncGenerator', 'Iterable', 'AsyncIterable',
]);

export const collectionParser: TypeParser = {
  name: 'Map/Set',
  supports: (t, ctx) => COLLECTIONS.has(libName(t, ctx) ?? ''),
  parse: (t, site, ctx) => ctx.fail('GATI1005', `'${site.path}' is a ${describe(ctx, t)}, which JSON cannot carry`, site),
};

export const unsupportedLibParser: TypeParser = {
  name: 'unsupported built-in',
  supports: (t, ctx) => UNSUPPORTED.has(libName(t, ctx) ?? ''),
  parse: (t, site, ctx) => ctx.fail('GATI1007', `'${site.path}' has the type '${describe(ctx, t)}', which has no JSON form`, site),
};

/** A class instance whose class declares methods: the methods would be lost on the wire. */
export const classInstanceParser: TypeParser = {
  name: 'class instance',
  supports: (t) => {
    const symbol = t.symbol;
    if (!symbol || !(symbol.flags & ts.SymbolFlags.Class)) return false;
    return (symbol.declarations ?? []).some((d) => ts.isClassLike(d) && d.members.some((m) => ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)));
  },
  parse: (t, site, ctx) => ctx.fail('GATI1003', `'${site.path}' is an instance of the class '${describe(ctx, t)}', whose methods cannot cross the wire`, site),
};

export const arrayParser: TypeParser = {
  name: 'array',
  supports: (t, ctx) => ctx.checker.isArrayType(t),
  parse: (t, site, ctx) => {
    const [element] = ctx.checker.getTypeArguments(t as ts.TypeReference);
    return { kind: 'array', items: ctx.convert(element!, { node: site.node, path: `${site.path}[]` }) };
  },
};

export const tupleParser: TypeParser = {
  name: 'tuple',
  supports: (t, ctx) => ctx.checker.isTupleType(t),
  parse: (t, site, ctx) => {
    const target = (t as ts.TypeReference).target as ts.TupleType;
    const args = ctx.checker.getTypeArguments(t as ts.TypeReference);
    const elements: TupleElement[] = args.map((arg, i) => {
      const flags = target.elementFlags[i] ?? ts.ElementFlags.Required;
      const label = target.labeledElementDeclarations?.[i];
      const element: TupleElement = {
        type: ctx.convert(arg, { node: label ?? site.node, path: `${site.path}[${i}]` }),
        optional: (flags & ts.ElementFlags.Optional) !== 0,
        rest: (flags & (ts.ElementFlags.Rest | ts.ElementFlags.Variadic)) !== 0,
      };
      if (label && ts.isNamedTupleMember(label)) element.name = label.name.text;
      return element;
    });
    const rest = elements.findIndex((e) => e.rest);
    if (rest !== -1 && rest !== elements.length - 1) {
      return ctx.fail('GATI1007', `'${site.path}' is a tuple with a rest element before its end ('${describe(ctx, t)}'); only a trailing rest element has a JSON Schema form`, site);
    }
    return { kind: 'tuple', elements };
  },
};
