// Template literal types (`user_${string}`, `${number}px`) are strings with a pattern.
import ts from '../../typescript.cjs';
import type { TypeParser } from './context.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function patternOf(t: ts.Type): string {
  if (t.flags & ts.TypeFlags.String) return '.*';
  if (t.flags & ts.TypeFlags.Number) return '-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?';
  if (t.flags & ts.TypeFlags.BigInt) return '-?[0-9]+';
  if (t.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral)) return escape(String((t as ts.LiteralType).value));
  if (t.flags & ts.TypeFlags.Boolean) return '(?:true|false)';
  if (t.isUnion()) return `(?:${t.types.map(patternOf).join('|')})`;
  if (t.flags & ts.TypeFlags.TemplateLiteral) return templatePattern(t as ts.TemplateLiteralType);
  return '.*';
}

function templatePattern(t: ts.TemplateLiteralType): string {
  return t.texts.map((text, i) => escape(text) + (i < t.types.length ? patternOf(t.types[i]!) : '')).join('');
}

export const templateLiteralParser: TypeParser = {
  name: 'template literal',
  supports: (t) => (t.flags & ts.TypeFlags.TemplateLiteral) !== 0,
  parse: (t) => ({ kind: 'string', pattern: `^${templatePattern(t as ts.TemplateLiteralType)}$` }),
};
