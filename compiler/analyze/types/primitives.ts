// any/unknown, never, void/undefined, null, string, number, boolean, symbol, bigint and type parameters.
import ts from '../../typescript.cjs';
import type { TypeParser } from './context.js';
import { describe } from './context.js';

const has = (type: ts.Type, flags: ts.TypeFlags) => (type.flags & flags) !== 0;

export const anyParser: TypeParser = {
  name: 'any',
  supports: (t) => has(t, ts.TypeFlags.Any | ts.TypeFlags.Unknown),
  parse: () => ({ kind: 'unknown' }),
};

export const neverParser: TypeParser = {
  name: 'never',
  supports: (t) => has(t, ts.TypeFlags.Never),
  parse: (_t, site, ctx) => ctx.fail('GATI1011', `'${site.path}' has type never: no value can be sent`, site),
};

export const voidParser: TypeParser = {
  name: 'void',
  supports: (t) => has(t, ts.TypeFlags.Void | ts.TypeFlags.Undefined),
  parse: () => ({ kind: 'void' }),
};

export const nullParser: TypeParser = {
  name: 'null',
  supports: (t) => has(t, ts.TypeFlags.Null),
  parse: () => ({ kind: 'null' }),
};

export const stringParser: TypeParser = {
  name: 'string',
  supports: (t) => has(t, ts.TypeFlags.String | ts.TypeFlags.StringMapping),
  parse: () => ({ kind: 'string' }),
};

export const numberParser: TypeParser = {
  name: 'number',
  supports: (t) => has(t, ts.TypeFlags.Number),
  parse: () => ({ kind: 'number' }),
};

export const booleanParser: TypeParser = {
  name: 'boolean',
  supports: (t) => has(t, ts.TypeFlags.Boolean),
  parse: () => ({ kind: 'boolean' }),
};

/** `object` (the TypeScript keyword): any non-primitive, on the wire any JSON object. */
export const nonPrimitiveParser: TypeParser = {
  name: 'object keyword',
  supports: (t) => has(t, ts.TypeFlags.NonPrimitive),
  parse: () => ({ kind: 'record', key: { kind: 'string' }, value: { kind: 'unknown' } }),
};

export const symbolParser: TypeParser = {
  name: 'symbol',
  supports: (t) => has(t, ts.TypeFlags.ESSymbolLike),
  parse: (_t, site, ctx) => ctx.fail('GATI1002', `'${site.path}' is a symbol, which cannot cross the wire`, site),
};

export const bigintParser: TypeParser = {
  name: 'bigint',
  supports: (t) => has(t, ts.TypeFlags.BigIntLike),
  parse: (_t, site, ctx) => ctx.fail('GATI1004', `'${site.path}' is a bigint, which JSON cannot carry`, site),
};

export const typeParameterParser: TypeParser = {
  name: 'type parameter',
  supports: (t) => has(t, ts.TypeFlags.TypeParameter | ts.TypeFlags.Index | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution),
  parse: (t, site, ctx) =>
    ctx.fail('GATI1006', `'${site.path}' has the unresolved generic type '${describe(ctx, t)}'`, site),
};
