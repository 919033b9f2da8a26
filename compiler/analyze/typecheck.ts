// TypeScript's own errors in the app's files, as Gati diagnostics that keep tsc's code and
// message (`src/x.ts:3:5 - error TS2339: …`). What the analysis cannot see (a call to a module
// that does not exist, a package that is not installed, a wrong argument) fails the build here
// instead of at `gati start` or at the first request.
import ts from '../typescript.cjs';
import { locationAt } from './span.js';
import type { Diagnostic, DiagnosticNote, Severity, TsCode } from '../diagnostics/diagnostic.js';

export interface TypeCheckScope {
  root: string;
  /** Files with syntax errors, already reported (GATI1010): their type errors would be noise. */
  broken: Set<string>;
  /** Positions of relative imports already reported as unresolved (GATI1012), by file. */
  unresolved: Map<string, { start: number }[]>;
  severity: Severity;
}

/** The app's own files: under the root, outside node_modules and the generated `.gati/` folder. */
export function isOwnSource(fileName: string, root: string): boolean {
  return fileName.startsWith(`${root}/`) && !fileName.includes('/node_modules/') && !fileName.startsWith(`${root}/.gati/`);
}

/**
 * Each app file's TypeScript diagnostics, kept across rebuilds. An edit re-checks the files whose
 * import closure holds an edited file (the analyzer's own rule for re-analysis); an edit that can
 * reach files without an import re-checks them all: the generated context types or anything they
 * import (a module's signature types every handler's `gctx.modules`), a global script, or a
 * `declare global`/`declare module` augmentation. Checking file by file on the analysis's program
 * costs only the files checked, where TypeScript's builder would recompute the references of every
 * file of the program on each rebuild.
 */
export class TypeCheckCache {
  private readonly byFile = new Map<string, readonly ts.Diagnostic[]>();
  private stale: Set<string> | 'all' = 'all';

  /** After an analysis run: `dependents` (the edited files and their importers), or 'all'. */
  invalidate(dependents: Set<string> | 'all', program: ts.Program, contextFile: string): void {
    if (dependents === 'all' || this.stale === 'all') {
      this.stale = 'all';
      return;
    }
    const affectsAll = dependents.has(contextFile) || [...dependents].some((f) => {
      const sf = program.getSourceFile(f);
      return !!sf && reachesWithoutImport(sf);
    });
    if (affectsAll) this.stale = 'all';
    else for (const f of dependents) this.stale.add(f);
  }

  /** The diagnostics of the app's own files in `program`, re-checking only the stale ones. */
  check(program: ts.Program, root: string): ts.Diagnostic[] {
    const files = this.files(program, root);
    let step = files.next();
    while (!step.done) step = files.next();
    return step.value;
  }

  /**
   * As check(), giving the event loop a turn every `sliceMs` of checking: the dev server, in the
   * same process, answers requests while a whole app is checked. The program must not change
   * until it resolves (the dev loop queues it like a rebuild).
   */
  async checkInSlices(program: ts.Program, root: string, sliceMs: number, stop?: () => boolean): Promise<ts.Diagnostic[] | undefined> {
    const files = this.files(program, root);
    let sliceStarted = performance.now();
    for (let step = files.next(); ; step = files.next()) {
      if (step.done) return step.value;
      // Stopped between two files (a save is waiting): what was checked stays checked.
      if (stop?.()) return void files.return([]);
      if (performance.now() - sliceStarted < sliceMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }

  /** Checks one file per step; returns every file's diagnostics. */
  private *files(program: ts.Program, root: string): Generator<void, ts.Diagnostic[]> {
    const out: ts.Diagnostic[] = [];
    const present = new Set<string>();
    const own = program.getSourceFiles().filter((sf) => isOwnSource(sf.fileName, root));
    const checked = new Set<string>();
    try {
      for (const sf of own) {
        present.add(sf.fileName);
        let diagnostics = this.stale === 'all' || this.stale.has(sf.fileName) ? undefined : this.byFile.get(sf.fileName);
        if (!diagnostics) {
          diagnostics = program.getSemanticDiagnostics(sf);
          this.byFile.set(sf.fileName, diagnostics);
          checked.add(sf.fileName);
          yield;
        }
        out.push(...diagnostics);
      }
    } finally {
      // Stopped early (checkInSlices): only the files left unchecked stay stale.
      this.stale = new Set(this.stale === 'all' ? own.map((sf) => sf.fileName).filter((f) => !checked.has(f)) : [...this.stale].filter((f) => !checked.has(f)));
    }
    for (const file of this.byFile.keys()) if (!present.has(file)) this.byFile.delete(file);
    return out;
  }
}

/** A script (no import or export) or a file that augments the global scope or another module. */
function reachesWithoutImport(sf: ts.SourceFile): boolean {
  if (!ts.isExternalModule(sf)) return true;
  return sf.statements.some((s) => ts.isModuleDeclaration(s) && (ts.isStringLiteral(s.name) || (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0));
}

export function typeScriptDiagnostics(diagnostics: readonly ts.Diagnostic[], scope: TypeCheckScope): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const file = d.file;
    if (!file || !isOwnSource(file.fileName, scope.root) || scope.broken.has(file.fileName)) continue;
    if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
    const start = d.start ?? 0;
    if (d.code === 2307 && scope.unresolved.get(file.fileName)?.some((u) => u.start === start)) continue;
    const notes: DiagnosticNote[] = (d.relatedInformation ?? []).map((r) => ({
      message: ts.flattenDiagnosticMessageText(r.messageText, '\n'),
      span: r.file ? locationAt(r.file, r.start ?? 0, r.length ?? 1, scope.root) : undefined,
    }));
    const diagnostic: Diagnostic = {
      code: `TS${d.code}` as TsCode,
      severity: d.category === ts.DiagnosticCategory.Warning ? 'warning' : scope.severity,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      span: locationAt(file, start, d.length ?? 1, scope.root),
      notes,
    };
    const hint = hintFor(d, file);
    if (hint) diagnostic.hint = hint;
    out.push(diagnostic);
  }
  return out;
}

/** A package import that resolves to nothing: the server bundle would fail to load it at start. */
function hintFor(d: ts.Diagnostic, file: ts.SourceFile): string | undefined {
  if (d.code !== 2307 || d.start === undefined || d.length === undefined) return undefined;
  const specifier = file.text.slice(d.start, d.start + d.length).replace(/^['"`]|['"`]$/g, '');
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return `Install the package (\`npm install ${name}\`) or fix the import: \`gati start\` could not load it either.`;
}
