// `gati dev` starts each build's gati modules (src/modules/) afresh: their top-level state is new,
// and init and close pair up per build. Importing the module file again under a new URL did that,
// but Node never frees a module, so each reload kept 30 modules' code, source maps and records
// (~0.7 MB on the 500-handler bench app). Instead, the module's emitted code is rewritten once per
// version into a factory: its imports stay at the top level (imported once, shared), its body
// becomes a function that each build calls for a new instance. The code is loaded once; an
// instance is garbage once its build retires.
//
// The rewrite keeps the body's lines where they were (the inline source map stays true), and
// gives up (undefined: the caller imports the module afresh, as before) on a shape it does not
// know: anything at the top level that exports other than esbuild's closing `export { … }`.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// Required at the first rewrite, not with this file: a start whose factories are on disk does without it.
import { typescript } from '../compiler/typescript-lazy.js';

/** This rewrite's own code (its file's size and time): a factory on disk made by another Gati is not taken up (see DevModules.instance). */
export const FACTORY_STAMP = ((stat) => `${stat.size}:${stat.mtimeMs}`)(statSync(fileURLToPath(import.meta.url)));

/** The factory's name inside the module; the body cannot declare it (esbuild renames nothing to it). */
const CREATE = '__gatiCreateInstance';

/**
 * A module whose default export is `async () => namespace`: each call evaluates `code`'s body
 * again (its imports once, at the module's top level) and resolves to an object with its exports
 * (live, as getters). `code` is esbuild's ESM output of one module (its imports are external).
 */
export function moduleFactorySource(code: string): string | undefined {
  if (code.includes(CREATE)) return undefined;
  const ts = typescript();
  const source = ts.createSourceFile('module.mjs', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const imports: string[] = [];
  let body = code;
  const blank = (start: number, end: number) => {
    body = body.slice(0, start) + body.slice(start, end).replace(/[^\n]/g, ' ') + body.slice(end);
  };
  let exported: string[] | undefined;
  // The body ends where the closing `export { … }` starts (or after the last statement); what follows it (the source map's comment) stays last.
  let end = source.statements.at(-1)?.end ?? 0;
  let tail = end;
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      imports.push(code.slice(statement.getStart(source), statement.end));
      blank(statement.getStart(source), statement.end);
      continue;
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && !statement.isTypeOnly && statement.exportClause && ts.isNamedExports(statement.exportClause) && statement === source.statements.at(-1)) {
      exported = statement.exportClause.elements.map((e) => `get ${JSON.stringify(e.name.text)}() { return ${(e.propertyName ?? e.name).text}; }`);
      end = statement.getStart(source);
      tail = statement.end;
      continue;
    }
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) return undefined;
    if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return undefined;
  }
  const close = `return Object.freeze({ __proto__: null, ${(exported ?? []).join(', ')} });\n}\n${imports.join('\n')}\n`;
  return `export default async function ${CREATE}() {${body.slice(0, end)}${close}${body.slice(tail)}`;
}
