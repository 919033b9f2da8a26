// A config module's interface file (`modules.<name>.interface`, a `.contract.ts` of
// `export declare function f(a: A): Promise<R>;`) → its functions with GTypes for each parameter
// and for the awaited result: the boundary validators of the calls are made from them. An npm
// module is read the same way, from its interface file or else from the package's own declarations
// (`npm`, the package: its calls are checked in-process, runtime-shim/modules/in-process-client.ts).
import ts from '../typescript.cjs';
import type { RemoteFunction, RemoteModuleModel, RemoteParam } from '../../model/app-model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { relPath } from '../discover/discover.js';
import type { TypeConverter } from './type-converter.js';
import { fileStart, locationOf, nodeLength, spanOf } from './span.js';

export function analyzeModuleInterface(sf: ts.SourceFile, name: string, root: string, checker: ts.TypeChecker, converter: TypeConverter, diagnostics: DiagnosticBag, npm?: string): RemoteModuleModel {
  const file = relPath(root, sf.fileName);
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  const functions: RemoteFunction[] = [];
  for (const exported of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!decl || !(symbol.flags & ts.SymbolFlags.Function)) continue; // types and interfaces the functions use
    const signature = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(symbol, decl), ts.SignatureKind.Call)[0];
    if (!signature) continue;
    const site = (node: ts.Node, path: string) => ({ node, path: `${name}.${exported.name}${path}` });
    const callback = signature.parameters.find((p) => takesFunction(checker, checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration ?? decl)));
    if (callback) {
      // Behaviour cannot be checked (nor sent to a service): said once per function, where it is declared.
      diagnostics.report('GATI1001', `'${name}.${exported.name}(${callback.name})' is a function, so module ${name}'s calls to ${exported.name} cannot be checked at the boundary`, {
        span: locationOf(callback.valueDeclaration ?? decl, root, nodeLength(callback.valueDeclaration ?? decl)),
        hint: npm && relPath(root, sf.fileName).includes('node_modules/')
          ? `Declare the functions of '${npm}' that the app calls, with data-only parameters, in an interface file (modules.${name}.interface: 'src/modules/${name}.contract.ts'), or call the package from a module of src/modules instead of the config.`
          : 'Give the parameter a data type (a module is called with values that cross the wire), or leave the function out of the interface.',
      });
      continue;
    }
    const params: RemoteParam[] = signature.parameters.map((p) => {
      const pDecl = p.valueDeclaration as ts.ParameterDeclaration | undefined;
      const node = pDecl ?? decl;
      const type = checker.getTypeOfSymbolAtLocation(p, node);
      return {
        name: p.name,
        // A rest parameter `...xs: T[]` is sent as its elements: its GType is the array's.
        type: converter.convert(type, site(node, `(${p.name})`)),
        optional: Boolean(pDecl && (pDecl.questionToken || pDecl.initializer)),
        rest: Boolean(pDecl?.dotDotDotToken),
      };
    });
    const returned = checker.getReturnTypeOfSignature(signature);
    const awaited = checker.getAwaitedType(returned) ?? returned;
    const returnNode = ts.isFunctionLike(decl) && decl.type ? decl.type : decl;
    functions.push({
      name: exported.name,
      params,
      result: converter.convert(awaited, site(returnNode, '()')),
      signature: `${exported.name}${checker.signatureToString(signature, decl, ts.TypeFormatFlags.NoTruncation)}`,
      span: spanOf(ts.getNameOfDeclaration(decl) ?? decl, root),
    });
  }
  if (functions.length === 0) {
    diagnostics.report('GATI4032', `the interface file ${file} of module '${name}' declares no functions`, { span: fileStart(sf, root) });
  }
  functions.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { name, interface: file, functions, ...(npm !== undefined ? { npm } : {}) };
}

/** Whether a parameter is (or may be) a function: a callback, which no boundary check can describe. */
function takesFunction(checker: ts.TypeChecker, type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.some((t) => checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0);
}
