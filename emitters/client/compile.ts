// The client → index.js + index.d.ts, in process and without a program or a type-check (the tests
// type-check the output with a real tsc). Only the fixed runtime is compiled, once per process
// (transpileModule for the JS, transpileDeclaration, which follows the isolatedDeclarations rules,
// for its types); the generated parts are written in a form that is already valid JS (the route
// table) or already valid declarations (the types). Compiling the whole 370 KB client of a
// 500-route app took ~0.5-1 s per build; this takes milliseconds.
import { createRequire } from 'node:module';
import type TS from './typescript.cjs';
import { runtimeSource } from './runtime-source.js';
import { API_VERSION_DOC, type ClientParts } from './client-source.js';

export interface CompiledClient { js: string; dts: string }

/** TypeScript, required at the first compile rather than with this file (~0.3 s): `gati dev` emits the client after its first answer. */
let typescript: typeof TS | undefined;

function options(ts: typeof TS): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    declaration: true,
    isolatedDeclarations: true,
    removeComments: false,
    newLine: ts.NewLineKind.LineFeed,
  };
}

const runtimes = new Map<boolean, CompiledClient>();

/**
 * The runtime compiled alone (with or without sockets): it refers to API_VERSION, ROUTE_TABLE and
 * Client, defined beside it.
 */
function compiledRuntime(sockets: boolean): CompiledClient {
  const cached = runtimes.get(sockets);
  if (cached) return cached;
  const source = runtimeSource(sockets);
  const ts = (typescript ??= createRequire(import.meta.url)('./typescript.cjs') as typeof TS);
  const compilerOptions = options(ts);
  const js = ts.transpileModule(source, { compilerOptions, fileName: 'runtime.ts', reportDiagnostics: false });
  const dts = ts.transpileDeclaration(source, { compilerOptions, fileName: 'runtime.ts', reportDiagnostics: true });
  if (dts.diagnostics?.length) {
    // A bug in Gati, not in the app: the runtime broke an isolatedDeclarations rule.
    const messages = dts.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    throw new Error(`the client runtime cannot be declared in isolation: ${messages.join('; ')}`);
  }
  const runtime = { js: js.outputText, dts: dts.outputText };
  runtimes.set(sockets, runtime);
  return runtime;
}

export function compileClient(parts: ClientParts): CompiledClient {
  const { js, dts } = compiledRuntime(parts.sockets);
  return {
    js: `${parts.header}${API_VERSION_DOC}export const API_VERSION = ${parts.apiVersion};\nconst ROUTE_TABLE = ${parts.table};\n${js}`,
    dts: `${parts.header}${API_VERSION_DOC}export declare const API_VERSION: string | undefined;\n\n${parts.types}${dts}`,
  };
}
