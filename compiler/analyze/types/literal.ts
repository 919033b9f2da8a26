// String, number and boolean literals, and a single enum member (`Color.Red`).
import ts from 'typescript';
import type { TypeParser } from './context.js';

export const literalParser: TypeParser = {
  name: 'literal',
  supports: (t) => (t.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral)) !== 0,
  parse: (t, _site, ctx) => {
    if (t.flags & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: ctx.checker.typeToString(t) === 'true' };
    return { kind: 'literal', value: (t as ts.LiteralType).value as string | number };
  },
};
