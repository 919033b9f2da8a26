// What a type parser gets: the checker, a way to convert nested types, and a place to report.
import type ts from 'typescript';
import type { GType } from '../../../model/gtype.js';
import type { Code } from '../../diagnostics/codes.js';

/** Where a type is used: the node to blame in diagnostics and a readable path (`body.items[]`). */
export interface Site {
  node: ts.Node;
  path: string;
}

export interface ConvertContext {
  checker: ts.TypeChecker;
  /** Converts a nested type (named types become refs). */
  convert(type: ts.Type, site: Site): GType;
  /** Reports a problem at `site` and returns `unknown` so the analysis can go on collecting problems. */
  fail(code: Code, message: string, site: Site): GType;
  /** True when the declaration comes from TypeScript's default lib (Date, Map, Partial, …). */
  isLibSymbol(symbol: ts.Symbol | undefined): boolean;
}

/** One parser per TypeScript construct (ts-json-schema-generator's NodeParser, type-driven). */
export interface TypeParser {
  name: string;
  supports(type: ts.Type, ctx: ConvertContext): boolean;
  parse(type: ts.Type, site: Site, ctx: ConvertContext): GType;
}

export function describe(ctx: ConvertContext, type: ts.Type): string {
  return ctx.checker.typeToString(type, undefined, 1 /* NoTruncation */);
}
