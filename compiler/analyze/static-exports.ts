// Exports the compiler reads without running the user's code: `route` strings, `retry` objects,
// and which modules and effects a file refers to.
import ts from '../typescript.cjs';

/** The initializer of `export const <name> = …`, with `as const`/`satisfies` unwrapped. */
export function exportedConstInitializer(sf: ts.SourceFile, name: string): { decl: ts.VariableDeclaration; init: ts.Expression | undefined } | undefined {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.name.text === name) return { decl, init: decl.initializer && unwrap(decl.initializer) };
    }
  }
  return undefined;
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

export function stringLiteralValue(e: ts.Expression | undefined): string | undefined {
  return e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;
}

/** A JSON-like object literal of literals, or undefined when anything in it needs running code. */
export function literalObject(e: ts.Expression | undefined): Record<string, string | number | boolean> | undefined {
  if (!e || !ts.isObjectLiteralExpression(e)) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const p of e.properties) {
    if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
    const v = unwrap(p.initializer);
    if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) out[p.name.text] = v.text;
    else if (ts.isNumericLiteral(v)) out[p.name.text] = Number(v.text);
    else if (v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword) out[p.name.text] = v.kind === ts.SyntaxKind.TrueKeyword;
    else return undefined;
  }
  return out;
}

/** Module names used as `<…>.modules.<name>` and effect names enqueued as `<…>.enqueue('<name>', …)`. */
export function usedModulesAndEffects(sf: ts.SourceFile): { modules: string[]; effects: string[] } {
  // Most files mention neither: skip the syntax walk for them.
  if (!/\bmodules\s*\.|\benqueue\s*\(/.test(sf.text)) return { modules: [], effects: [] };
  const modules = new Set<string>();
  const effects = new Set<string>();
  const visit = (node: ts.Node): void => {
    // Types and imports cannot hold a call or a property access: skip their subtrees.
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isImportDeclaration(node)) return;
    if (ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'modules') {
      modules.add(node.name.text);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'enqueue') {
      const name = stringLiteralValue(node.arguments[0]);
      if (name) effects.add(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { modules: [...modules].sort(), effects: [...effects].sort() };
}

/**
 * The names the user wrote for a `_middleware` file's middleware, in the order it exports them
 * (`export const middleware = [audit, cors({…})]` → ['audit', null]; `export function middleware`
 * → ['middleware']); null where the source gives none (a call's result keeps its own name). The
 * bundle may rename an identifier that clashes (`audit` → `audit2`), and a middleware's span is
 * named after it: the server entry gives each function these names back once, at start (esbuild's
 * keepNames would do it on every function the bundle creates, per request too). Undefined when the
 * export is not written in one of these forms.
 */
export function middlewareNames(sf: ts.SourceFile): (string | null)[] | undefined {
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'middleware' && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return ['middleware'];
  }
  const exported = exportedConstInitializer(sf, 'middleware');
  if (!exported?.init) return undefined;
  const nameOf = (e: ts.Expression): string | null => {
    e = unwrap(e);
    if (ts.isIdentifier(e)) return e.text;
    if ((ts.isFunctionExpression(e) || ts.isClassExpression(e)) && e.name) return e.name.text;
    return null;
  };
  const init = exported.init;
  if (ts.isArrayLiteralExpression(init)) return init.elements.map((e) => (ts.isSpreadElement(e) ? null : nameOf(e)));
  // `export const middleware = async (…) => …`: the function is named after the binding.
  if (ts.isArrowFunction(init) || (ts.isFunctionExpression(init) && !init.name)) return ['middleware'];
  return [nameOf(init)];
}
