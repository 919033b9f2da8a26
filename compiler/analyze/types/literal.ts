// String, number and boolean literals, and a single enum member (`Color.Red`).
import ts from '../../typescript.cjs';
import type { TypeParser } from './context.js';
import { intrinsicName } from '../ts-private.js';

/** `true` or `false`: the checker's intrinsic name, printed only if that internal field is absent. */
export function isTrueType(t: ts.Type, checker: ts.TypeChecker): boolean {
  const intrinsic = intrinsicName(t);
  return intrinsic !== undefined ? intrinsic === 'true' : checker.typeToString(t) === 'true';
}

export const literalParser: TypeParser = {
  name: 'literal',
  supports: (t) => (t.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral)) !== 0,
  parse: (t, _site, ctx) => {
    if (t.flags & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: isTrueType(t, ctx.checker) };
    return { kind: 'literal', value: (t as ts.LiteralType).value as string | number };
  },
};
