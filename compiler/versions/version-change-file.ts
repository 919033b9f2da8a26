// Reads a version change file (src/versions/*.ts) without running it, the way static-exports.ts
// reads `route` strings: the description and, per route key, whether it migrates requests and/or
// responses. That is all the compiler needs to check that every breaking change is covered.
import type TS from '../typescript.cjs';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { typescript } from '../typescript-lazy.js';
import { locateOffset, type SourceLocation } from '../diagnostics/location.js';

export interface StaticVersionChange {
  /** Relative to the app root. */
  file: string;
  description: string;
  routes: Record<string, { request: boolean; response: boolean }>;
  /** Where each route key is written (the quoted key underlined), for diagnostics. */
  spans: Record<string, SourceLocation>;
}

/**
 * TypeScript, loaded by the first readVersionChange() (an app without version changes, and a `gati dev`
 * start whose analysis is cached, do without it); the helpers below run inside that call.
 */
let ts: typeof TS;

export function readVersionChange(file: string, text: string): { change?: StaticVersionChange; diagnostics: Diagnostic[] } {
  ts = typescript();
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const locationOf = (node: TS.Node): SourceLocation => locateOffset(file, text, node.getStart(sf), node.getEnd() - node.getStart(sf), sf.getLineStarts());
  const problem = (node: TS.Node, message: string) => ({ diagnostics: [diagnostic('GATI5002', message, { span: locationOf(node) })] });
  const call = findDefineCall(sf);
  if (!call) return problem(sf.statements[0] ?? sf, `${file} does not export a defineVersionChange({ … }) call`);
  const arg = call.arguments[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) return problem(call, 'defineVersionChange takes an object literal: { description, routes }');
  let description: string | undefined;
  let routesNode: TS.ObjectLiteralExpression | undefined;
  for (const p of arg.properties) {
    const name = p.name && propertyName(p.name);
    if (name === 'description' && ts.isPropertyAssignment(p)) description = literalText(p.initializer);
    if (name === 'routes') {
      if (!ts.isPropertyAssignment(p) || !ts.isObjectLiteralExpression(p.initializer)) return problem(p, "'routes' must be an object literal whose keys are route keys ('POST /payments/:id')");
      routesNode = p.initializer;
    }
  }
  if (description === undefined) return problem(arg, "the version change needs a string literal 'description' (it becomes the changelog entry)");
  if (!routesNode) return problem(arg, "the version change needs a 'routes' object literal");
  const routes: StaticVersionChange['routes'] = {};
  const spans: StaticVersionChange['spans'] = {};
  for (const p of routesNode.properties) {
    const key = p.name && propertyName(p.name);
    if (key === undefined || ts.isSpreadAssignment(p) || ts.isShorthandPropertyAssignment(p)) return problem(p, "each key of 'routes' must be a route key written as a string literal");
    const value = ts.isPropertyAssignment(p) ? p.initializer : undefined;
    if (!value || !ts.isObjectLiteralExpression(value)) return problem(p, `the migration of '${key}' must be an object literal { request?, response? }`);
    const members = new Set(value.properties.map((m) => (m.name ? propertyName(m.name) : undefined)));
    routes[key] = { request: members.has('request'), response: members.has('response') };
    spans[key] = locationOf(p.name!);
  }
  return { change: { file, description, routes, spans }, diagnostics: [] };
}

function findDefineCall(sf: TS.SourceFile): TS.CallExpression | undefined {
  for (const s of sf.statements) {
    let e: TS.Expression | undefined;
    if (ts.isExportAssignment(s)) e = s.expression;
    else if (ts.isVariableStatement(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) e = s.declarationList.declarations[0]?.initializer;
    while (e && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
    if (e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'defineVersionChange') return e;
  }
  return undefined;
}

function propertyName(name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** A string literal's text (as static-exports.ts's stringLiteralValue, which would load TypeScript with this file). */
function literalText(e: TS.Expression | undefined): string | undefined {
  return e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;
}
