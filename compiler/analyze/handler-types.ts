// Finds a handler's input and output types, in either form the contract allows:
//   export const handler: Handler<I, O> = async (req, res, gctx, lctx) => …
//   export async function handler(req: Req<I>, res: Res<O>, gctx, lctx) { … }
// and a WebSocket route's `export const handler: WsHandler<I, { in; out }> = { open, message, close }`.
import ts from '../typescript.cjs';
import { GATI_TYPES_DIR } from './program.js';

export interface HandlerTypes {
  /** The declaration of the `handler` export (for spans). */
  decl: ts.Node;
  /** Type argument nodes: where diagnostics about the input/output as a whole point. */
  inputNode?: ts.TypeNode;
  outputNode?: ts.TypeNode;
  input?: ts.Type;
  output?: ts.Type;
  /** Set when the handler is declared `WsHandler<I, M>`: M and its node (output is then unset). */
  ws?: { messages?: ts.Type; messagesNode?: ts.TypeNode };
  /** The handler is written as an HTTP handler: a function, or typed `Handler`. */
  httpForm: boolean;
}

/** The `handler` export's declaration, following `export { handler }` aliases; undefined when absent. */
export function findHandlerDeclaration(sf: ts.SourceFile, checker: ts.TypeChecker): ts.Declaration | undefined {
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) return undefined;
  let symbol = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'handler');
  if (!symbol) return undefined;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol.valueDeclaration ?? symbol.declarations?.[0];
}

export function readHandlerTypes(decl: ts.Declaration, checker: ts.TypeChecker): HandlerTypes {
  const result: HandlerTypes = { decl: ts.getNameOfDeclaration(decl) ?? decl, httpForm: true };
  let fn: ts.SignatureDeclaration | undefined;
  if (ts.isVariableDeclaration(decl)) {
    // `= { … } satisfies WsHandler<I, M>` keeps the object's own type for the editor; it says the same.
    const declared = decl.type ?? (decl.initializer && ts.isSatisfiesExpression(decl.initializer) ? decl.initializer.type : undefined);
    if (decl.type) {
      const args = gatiTypeArguments(decl.type, 'Handler', checker);
      if (args) return withTypes(result, args[0], args[1], checker);
    }
    if (declared) {
      const wsArgs = gatiTypeArguments(declared, 'WsHandler', checker);
      if (wsArgs) {
        const messagesNode = wsArgs[1];
        const ws = messagesNode ? { messagesNode, messages: checker.getTypeFromTypeNode(messagesNode) } : {};
        return { ...withTypes(result, wsArgs[0], undefined, checker), ws, httpForm: false };
      }
    }
    const init = decl.initializer;
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) fn = init;
  } else if (ts.isFunctionDeclaration(decl)) {
    fn = decl;
  }
  if (!fn) return { ...result, httpForm: false };
  const [reqParam, resParam] = fn.parameters;
  const reqArgs = reqParam?.type && gatiTypeArguments(reqParam.type, 'Req', checker);
  const resArgs = resParam?.type && gatiTypeArguments(resParam.type, 'Res', checker);
  return withTypes(result, reqArgs ? reqArgs[0] : undefined, resArgs ? resArgs[0] : undefined, checker);
}

function withTypes(result: HandlerTypes, input: ts.TypeNode | undefined, output: ts.TypeNode | undefined, checker: ts.TypeChecker): HandlerTypes {
  if (input) {
    result.inputNode = input;
    result.input = checker.getTypeFromTypeNode(input);
  }
  if (output) {
    result.outputNode = output;
    result.output = checker.getTypeFromTypeNode(output);
  }
  return result;
}

/** Type argument nodes of a reference to gati's `name` (`Handler<I, O>`, `gati.Req<I>`), else undefined. */
function gatiTypeArguments(node: ts.TypeNode, name: string, checker: ts.TypeChecker): readonly ts.TypeNode[] | undefined {
  if (!ts.isTypeReferenceNode(node)) return undefined;
  let symbol = checker.getSymbolAtLocation(node.typeName);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  if (!symbol || symbol.name !== name) return undefined;
  const fromGati = symbol.declarations?.some((d) => d.getSourceFile().fileName.startsWith(GATI_TYPES_DIR));
  if (!fromGati) return undefined;
  return node.typeArguments ?? [];
}
