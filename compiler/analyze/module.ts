// A module file → its exported functions (gctx.modules.<name>.<fn>), init and close.
import ts from '../typescript.cjs';
import type { ModuleFunction, ModuleModel } from '../../model/app-model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { relPath } from '../discover/discover.js';
import { baseName, checkName } from './names.js';
import { fileStart, spanOf } from './span.js';

const LIFECYCLE = new Set(['init', 'close']);

export function analyzeModule(sf: ts.SourceFile, root: string, checker: ts.TypeChecker, diagnostics: DiagnosticBag): ModuleModel | undefined {
  const file = relPath(root, sf.fileName);
  const name = baseName(file);
  const problem = checkName(name);
  if (problem) {
    const why = problem === 'reserved' ? 'is a reserved word' : 'is not a JavaScript identifier';
    diagnostics.report('GATI2010', `the module name '${name}' ${why}, so \`gctx.modules.${name}\` cannot be written`, { span: fileStart(sf, root) });
    return undefined;
  }
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  const functions: ModuleFunction[] = [];
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!decl || LIFECYCLE.has(exported.name)) continue;
    const signatures = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(symbol, decl), ts.SignatureKind.Call);
    if (signatures.length === 0) continue;
    functions.push({
      name: exported.name,
      signature: `${exported.name}${signatureText(decl, signatures[0]!, checker)}`,
      span: spanOf(ts.getNameOfDeclaration(decl) ?? decl, root),
    });
  }
  functions.sort((a, b) => (a.name < b.name ? -1 : 1));
  const names = new Set(exports.map((e) => e.name));
  return { name, file, functions, hasInit: names.has('init'), hasClose: names.has('close') };
}

/**
 * The signature as written in the source when its parameters and return type are annotated
 * (cheaper than printing checker types, and what the author wrote); printed by the checker when not.
 */
function signatureText(decl: ts.Declaration, signature: ts.Signature, checker: ts.TypeChecker): string {
  const fn = ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer)) ? decl.initializer : decl;
  if (ts.isFunctionLike(fn) && fn.type && fn.parameters.every((p) => p.type)) {
    const params = fn.parameters.map((p) => `${p.dotDotDotToken ? '...' : ''}${p.name.getText()}${p.questionToken || p.initializer ? '?' : ''}: ${p.type!.getText()}`);
    return `(${params.join(', ')}): ${fn.type.getText()}`;
  }
  return checker.signatureToString(signature, decl, ts.TypeFormatFlags.NoTruncation);
}
