// One long-lived TypeScript program per app. Rebuilds reuse the old program and cached source
// files, so an edit re-parses only the edited files; module resolutions are recorded to know
// which files depend on which (the import closure used for incremental re-analysis).
import ts from '../typescript.cjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setSourceFileVersion } from './ts-private.js';

/** The `gati` types every app is analysed against: the ones shipped beside this compiler. */
export const GATI_TYPES_FILE = fileURLToPath(new URL('../../runtime-shim/index.d.ts', import.meta.url));
export const GATI_TYPES_DIR = dirname(GATI_TYPES_FILE);
const GATI_SUBPATHS: Record<string, string> = {
  gati: GATI_TYPES_FILE,
  'gati/middleware': fileURLToPath(new URL('../../runtime-shim/middleware/index.d.ts', import.meta.url)),
  'gati/runtime': fileURLToPath(new URL('../../runtime-shim/server/index.d.ts', import.meta.url)),
};

/** Default-lib and package .d.ts files never change during a process: parse them once for all programs. */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

interface CachedFile { version: string; sourceFile: ts.SourceFile }

export class AppProgram {
  private program: ts.Program | undefined;
  private readonly files = new Map<string, CachedFile>();
  private trustCache = false;
  /** containing file → files its imports resolve to (project files and packages). */
  readonly imports = new Map<string, string[]>();
  /** containing file → its relative imports that resolve to nothing (text and position). */
  readonly unresolved = new Map<string, { text: string; start: number; length: number }[]>();
  private readonly options: ts.CompilerOptions;
  private readonly resolutionCache: ts.ModuleResolutionCache;
  private readonly host: ts.CompilerHost;
  /** Files whose text comes from memory rather than the disk (the generated context types, before they are written). */
  private readonly virtual = new Map<string, string>();
  private memoryVersions = 0;

  constructor(readonly root: string) {
    this.options = readCompilerOptions(root);
    this.host = ts.createCompilerHost(this.options, true);
    this.resolutionCache = ts.createModuleResolutionCache(root, (f) => f, this.options);
    // Shared with createProgram, so that it finds each file's package.json scope (module format)
    // in the same cache instead of walking the folders above all files again on every rebuild.
    this.host.getModuleResolutionCache = () => this.resolutionCache;
    this.host.getSourceFile = (fileName, languageVersion, onError) => this.getSourceFile(fileName, languageVersion, onError);
    // A file served from memory exists even before it is written (createProgram asks before reusing the old program).
    const { fileExists, readFile } = this.host;
    this.host.fileExists = (fileName) => this.virtual.has(fileName) || fileExists.call(this.host, fileName);
    this.host.readFile = (fileName) => this.virtual.get(fileName) ?? readFile.call(this.host, fileName);
    this.host.resolveModuleNameLiterals = (literals, containingFile, _redirected, options) => {
      const resolved = literals.map((literal) => this.resolve(literal.text, containingFile, options));
      this.imports.set(containingFile, resolved.flatMap((r) => (r.resolvedModule ? [r.resolvedModule.resolvedFileName] : [])));
      const missing = literals.flatMap((l, i) => (!resolved[i]!.resolvedModule && l.text.startsWith('.') ? [{ text: l.text, start: l.getStart(), length: l.getWidth() }] : []));
      if (missing.length) this.unresolved.set(containingFile, missing);
      else this.unresolved.delete(containingFile);
      return resolved;
    };
  }

  /**
   * Builds (or rebuilds from the previous program) over `rootFiles`; `changed` files are re-read.
   * `exhaustive` means the caller knows every file that changed (a watcher), so cached files are
   * reused without a stat; otherwise every file's mtime and size are checked. `filesAddedOrRemoved`
   * clears module resolutions, which may have looked for a file that now exists (or the reverse).
   */
  update(rootFiles: string[], changed: Iterable<string> = [], options: { exhaustive?: boolean; filesAddedOrRemoved?: boolean } = {}): ts.Program {
    for (const file of changed) this.files.delete(file);
    if (options.filesAddedOrRemoved) this.resolutionCache.clear();
    this.trustCache = options.exhaustive === true;
    this.program = ts.createProgram({ rootNames: rootFiles, options: this.options, host: this.host, oldProgram: this.program });
    return this.program;
  }

  /**
   * Serves `fileName` from `text` instead of the disk; true when that changes the file (the
   * caller then updates the program with it as a changed file).
   */
  setVirtualFile(fileName: string, text: string): boolean {
    if (this.virtual.get(fileName) === text) return false;
    this.virtual.set(fileName, text);
    return true;
  }

  get current(): ts.Program {
    if (!this.program) throw new Error('AppProgram.update() has not run');
    return this.program;
  }

  /**
   * The type declarations of the package `name` as an ES import from the app root resolves them
   * (the server entry imports an npm module that way), or undefined when it has none.
   */
  packageTypes(name: string): string | undefined {
    const resolved = ts.resolveModuleName(name, join(this.root, 'package.json'), this.options, this.host, this.resolutionCache, undefined, ts.ModuleKind.ESNext).resolvedModule;
    return resolved && /\.[mc]?tsx?$/.test(resolved.resolvedFileName) ? resolved.resolvedFileName : undefined;
  }

  private resolve(name: string, containingFile: string, options: ts.CompilerOptions): ts.ResolvedModuleWithFailedLookupLocations {
    const gati = GATI_SUBPATHS[name];
    if (gati) return { resolvedModule: { resolvedFileName: gati, extension: ts.Extension.Dts, isExternalLibraryImport: true } };
    return ts.resolveModuleName(name, containingFile, options, this.host, this.resolutionCache);
  }

  private getSourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions, onError?: (m: string) => void): ts.SourceFile | undefined {
    const shared = isImmutable(fileName);
    if (shared) {
      const hit = sharedSourceFiles.get(fileName);
      if (hit) return hit;
    }
    if (this.trustCache) {
      const trusted = this.files.get(fileName);
      if (trusted) return trusted.sourceFile;
    }
    const virtual = this.virtual.get(fileName);
    if (virtual !== undefined) return this.fromMemory(fileName, virtual, languageVersion);
    let version: string;
    try {
      const stat = statSync(fileName);
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
    const cached = this.files.get(fileName);
    if (cached && cached.version === version) return cached.sourceFile;
    let text: string;
    try {
      text = readFileSync(fileName, 'utf8');
    } catch (error) {
      onError?.(String(error));
      return undefined;
    }
    const sourceFile = ts.createSourceFile(fileName, text, languageVersion, true);
    // TypeScript's incremental checks tell an unchanged file from an edited one by its version.
    setSourceFileVersion(sourceFile, version);
    if (shared) sharedSourceFiles.set(fileName, sourceFile);
    else this.files.set(fileName, { version, sourceFile });
    return sourceFile;
  }

  private fromMemory(fileName: string, text: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile {
    const cached = this.files.get(fileName);
    if (cached && cached.sourceFile.text === text) return cached.sourceFile;
    const sourceFile = ts.createSourceFile(fileName, text, languageVersion, true);
    const version = `memory:${++this.memoryVersions}`;
    setSourceFileVersion(sourceFile, version);
    this.files.set(fileName, { version, sourceFile });
    return sourceFile;
  }
}

function isImmutable(fileName: string): boolean {
  return fileName.includes('/node_modules/typescript/lib/') || fileName.startsWith(GATI_TYPES_DIR);
}

/**
 * The app's tsconfig (paths, jsx, …) when it has one, with the settings the analysis depends on
 * forced: strict null checks (else `string | null` loses its null), JS handlers allowed, no emit.
 */
function readCompilerOptions(root: string): ts.CompilerOptions {
  let options: ts.CompilerOptions = {};
  const configPath = join(root, 'tsconfig.json');
  if (existsSync(configPath)) {
    const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    if (!read.error) options = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath).options;
  }
  return {
    ...options,
    target: ts.ScriptTarget.ES2022,
    // Without a tsconfig, resolve like the bundler that builds the server (esbuild): extensionless
    // and `.js`-for-`.ts` imports both work, as do packages' `exports`.
    module: options.module ?? ts.ModuleKind.ESNext,
    moduleResolution: options.moduleResolution ?? (options.module === undefined ? ts.ModuleResolutionKind.Bundler : undefined),
    strict: true,
    strictNullChecks: true,
    exactOptionalPropertyTypes: false,
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    // As tsc: the tsconfig's `types`, else every @types package in node_modules (an app that uses
    // `process` type-checks with @types/node without listing it).
    types: options.types,
    lib: options.lib ?? ['lib.es2023.d.ts'],
    noLib: false,
  };
}
