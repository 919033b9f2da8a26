// `tsc -p <project> --pretty false`, run by TypeScript's compiler API in this process: the same
// config parsing, program, diagnostics, emit and exit status, and the same plain output
// (`file(line,col): error TSxxxx: ...`, paths relative to `cwd`). In process because a spawned tsc
// loads the compiler and parses the standard library (lib.*.d.ts, @types) again each time; here
// those files, which never change, are parsed once per test process.
import ts from 'typescript';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { statSync } from 'node:fs';

export interface TscResult {
  /** tsc's exit status: 0 no diagnostics, 1 diagnostics and nothing emitted, 2 diagnostics and emitted. */
  status: number;
  stdout: string;
}

/** Folders whose .d.ts files are the same for every project of a test run. */
const SHARED = [resolve(ts.getDefaultLibFilePath({}), '..') + sep, `${sep}node_modules${sep}@types${sep}`];
const shared = new Map<string, ts.SourceFile | undefined>();

/** What a parsed source file depends on besides its text (TypeScript's own list where it exposes it). */
function parseKey(options: ts.CompilerOptions, version: ts.ScriptTarget | ts.CreateSourceFileOptions): string {
  const affecting = (ts as unknown as { sourceFileAffectingCompilerOptions?: { name: string }[] }).sourceFileAffectingCompilerOptions;
  const names = affecting ? [...affecting.map((o) => o.name), 'strict'] : Object.keys(options).sort();
  const v = typeof version === 'object' ? [version.languageVersion, version.impliedNodeFormat, version.jsDocParsingMode] : [version];
  return JSON.stringify([v, names.map((n) => options[n])]);
}

function hostFor(options: ts.CompilerOptions, cwd: string): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getCurrentDirectory = () => cwd;
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    if (!SHARED.some((dir) => fileName.includes(dir))) return getSourceFile(fileName, version, onError, shouldCreate);
    const key = `${fileName}\0${parseKey(options, version)}`;
    if (!shared.has(key)) shared.set(key, getSourceFile(fileName, version, onError, shouldCreate));
    return shared.get(key);
  };
  return host;
}

/** Runs `tsc -p <project> [--noEmit] --pretty false` from `cwd`; `project` is a folder with a tsconfig.json, or the file. */
export function tsc(project: string, options: { cwd?: string; noEmit?: boolean } = {}): TscResult {
  const cwd = options.cwd ?? process.cwd();
  const target = isAbsolute(project) ? project : resolve(cwd, project);
  const configFile = statSync(target).isDirectory() ? join(target, 'tsconfig.json') : target;
  const configErrors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, options.noEmit ? { noEmit: true } : {}, {
    ...ts.sys,
    getCurrentDirectory: () => cwd,
    onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d),
  });
  const formatHost: ts.FormatDiagnosticsHost = { getCurrentDirectory: () => cwd, getCanonicalFileName: (f) => f, getNewLine: () => ts.sys.newLine };
  if (!parsed) return { status: 1, stdout: ts.formatDiagnostics(configErrors, formatHost) };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, host: hostFor(parsed.options, cwd), configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed) });
  const emitted = program.emit();
  const diagnostics = ts.sortAndDeduplicateDiagnostics([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]);
  const stdout = ts.formatDiagnostics(diagnostics, formatHost);
  const status = diagnostics.length === 0 ? 0 : emitted.emitSkipped ? 1 : 2;
  return { status, stdout };
}
