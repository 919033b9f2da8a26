// `enum Color { Red = 'red' }` and numeric enums: the union of their member values.
import ts from '../../typescript.cjs';
import type { EnumMember } from '../../../model/gtype.js';
import type { TypeParser } from './context.js';

export const enumParser: TypeParser = {
  name: 'enum',
  supports: (t) => t.isUnion() && (t.flags & ts.TypeFlags.EnumLiteral) !== 0 && !!t.symbol && (t.symbol.flags & ts.SymbolFlags.Enum) !== 0,
  parse: (t) => {
    const members: EnumMember[] = (t as ts.UnionType).types.map((m) => ({
      name: m.symbol?.name ?? String((m as ts.LiteralType).value),
      value: (m as ts.LiteralType).value as string | number,
    }));
    return { kind: 'enum', members };
  },
};
