// client.ts → index.js + index.d.ts, in process and without a program: the client is written so
// that each file can be compiled alone (transpileModule for the JS, transpileDeclaration, which
// follows the isolatedDeclarations rules, for the types). No file system, no type-check: the tests
// type-check the output with a real tsc.
import ts from 'typescript';

export interface CompiledClient { js: string; dts: string }

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  declaration: true,
  isolatedDeclarations: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

export function compileClient(source: string): CompiledClient {
  const js = ts.transpileModule(source, { compilerOptions: OPTIONS, fileName: 'index.ts', reportDiagnostics: false });
  const dts = ts.transpileDeclaration(source, { compilerOptions: OPTIONS, fileName: 'index.ts', reportDiagnostics: true });
  if (dts.diagnostics?.length) {
    // A bug in the emitter, not in the app: the client source broke an isolatedDeclarations rule.
    const messages = dts.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    throw new Error(`the generated client cannot be declared in isolation: ${messages.join('; ')}`);
  }
  return { js: js.outputText, dts: dts.outputText };
}
