// The analyzer: app on disk → AppModel. Long-lived: `update(changed)` rebuilds the program from
// the previous one and re-analyzes only the files whose import closure holds a changed file.
import ts from '../typescript.cjs';
import { basename, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { AppModel, EffectModel, MiddlewareModel, ModuleModel, RemoteModuleModel, RouteModel, VersionChangeModel } from '../../model/app-model.js';
import type { NamedType } from '../../model/gtype.js';
import { DiagnosticBag, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { TypeCheckCache, isOwnSource, typeScriptDiagnostics } from './typecheck.js';
import { discoverApp, relPath, type DiscoveredApp } from '../discover/discover.js';
import { AppProgram } from './program.js';
import { TypeConverter, newTypeCache, type NamedEntry, type TypeCache } from './type-converter.js';
import { analyzeHandler } from './handler.js';
import { analyzeModule } from './module.js';
import { analyzeEffect } from './effect.js';
import { analyzeModuleInterface } from './module-interface.js';
import { checkRouteTable } from './route-rules.js';
import { ModelMerger } from './merge.js';
import { tuneHeapForAnalysis } from './heap.js';
import { baseName } from './names.js';
import { middlewareNames } from './static-exports.js';
import { fileStart, locationAt } from './span.js';

export interface AnalyzerOptions {
  root: string;
  /** The app's name (config `name`); defaults to package.json's name, then the folder name. */
  appName?: string;
  /**
   * Set when typeCheck() will be called: the generated context types (`.gati/generated/context.ts`,
   * relative to the root) are then part of the program, so that `gctx.modules.<name>` is typed
   * when the app is checked.
   */
  contextFile?: string;
  /**
   * The context types expected from the discovered app (see context-parts.ts), fed to the program
   * before the analysis. When typeCheck() gets the same text, the analysis's program and checker
   * serve the check as they are; otherwise the program is rebuilt with the text typeCheck() gets.
   */
  predictContext?: (app: DiscoveredApp) => string;
  /** Config modules' interface files: module name → path relative to the root (`modules.<name>.interface`). */
  interfaces?: Record<string, string>;
  /**
   * The config's npm modules: module name → package. One without an interface file is typed by the
   * package's own declarations, as an import of it from the app resolves them.
   */
  npmModules?: Record<string, string>;
}

export interface AnalyzeStats {
  /** Source files that make up the app (handlers, middleware, modules, effects, versions). */
  files: number;
  /** Of those, how many this run analyzed (all on a cold run). */
  analyzed: number;
  programMs: number;
  analyzeMs: number;
}

export interface AnalyzeResult {
  model: AppModel;
  diagnostics: Diagnostic[];
  stats: AnalyzeStats;
}

type FileKind = 'handler' | 'middleware' | 'module' | 'effect' | 'version' | 'interface';

interface FileResult {
  route?: RouteModel;
  middleware?: MiddlewareModel;
  module?: ModuleModel;
  remote?: RemoteModuleModel;
  effect?: EffectModel;
  version?: VersionChangeModel;
  named: Map<string, NamedEntry>;
  diagnostics: Diagnostic[];
}

export class Analyzer {
  private readonly program: AppProgram;
  private readonly results = new Map<string, FileResult>();
  private readonly root: string;
  private readonly appName: string;
  private app: DiscoveredApp | undefined;
  private kinds = new Map<string, FileKind>();
  private readonly merger = new ModelMerger();
  private readonly contextFile: string | undefined;
  private readonly predictContext: ((app: DiscoveredApp) => string) | undefined;
  /** Files with syntax errors in the last run (their type errors are not reported). */
  private broken = new Set<string>();
  private readonly typeChecks = new TypeCheckCache();
  /** Interface file (absolute) → the config module it types. */
  private readonly interfaces: Map<string, string>;
  private readonly npmModules: Record<string, string>;
  /** The interface files of the config plus, found on each rediscovery, the npm packages' own declarations. */
  private moduleTypes = new Map<string, string>();

  constructor(options: AnalyzerOptions) {
    tuneHeapForAnalysis();
    this.root = options.root;
    this.program = new AppProgram(options.root);
    this.appName = options.appName ?? readPackageName(options.root) ?? basename(options.root);
    this.contextFile = options.contextFile ? join(options.root, options.contextFile) : undefined;
    this.predictContext = options.predictContext;
    this.interfaces = new Map(Object.entries(options.interfaces ?? {}).map(([name, file]) => [join(options.root, file), name]));
    this.npmModules = options.npmModules ?? {};
  }

  /**
   * TypeScript's errors in the app's files, checked against `contextTypes` (the context.ts this
   * build generates, fed to the program before it is written). The program is the analysis's
   * own; a rebuild re-checks only the files the edit can affect (see TypeCheckCache).
   */
  typeCheck(contextTypes: string, severity: Severity): Diagnostic[] {
    return this.toDiagnostics(this.typeChecks.check(this.checkedProgram(contextTypes), this.root), severity);
  }

  /**
   * As typeCheck(), yielding to the event loop every `sliceMs` (see TypeCheckCache.checkInSlices);
   * undefined when `stop()` said so between two slices.
   */
  async typeCheckInSlices(contextTypes: string, severity: Severity, sliceMs: number, stop?: () => boolean): Promise<Diagnostic[] | undefined> {
    const diagnostics = await this.typeChecks.checkInSlices(this.checkedProgram(contextTypes), this.root, sliceMs, stop);
    return diagnostics && this.toDiagnostics(diagnostics, severity);
  }

  /** The analysis's program, rebuilt only when `contextTypes` differ from those it was given. */
  private checkedProgram(contextTypes: string): ts.Program {
    if (!this.contextFile || !this.app) throw new Error('Analyzer.typeCheck() needs the `contextFile` option and a run first');
    if (this.program.setVirtualFile(this.contextFile, contextTypes)) {
      this.program.update(this.rootFiles(), [this.contextFile], { exhaustive: true });
      this.typeChecks.invalidate('all', this.program.current, this.contextFile);
    }
    return this.program.current;
  }

  private toDiagnostics(diagnostics: ts.Diagnostic[], severity: Severity): Diagnostic[] {
    return typeScriptDiagnostics(diagnostics, { root: this.root, broken: this.broken, unresolved: this.program.unresolved, severity });
  }

  private rootFiles(): string[] {
    return this.contextFile ? [...this.kinds.keys(), this.contextFile] : [...this.kinds.keys()];
  }

  /** A full analysis: rediscovers the app and re-checks every file (the first call is the cold build). */
  analyze(): AnalyzeResult {
    this.results.clear();
    return this.run([], { exhaustive: false, rediscover: true });
  }

  /**
   * The watch path: `changed` (absolute paths) must list every file created, edited or deleted
   * since the last call. Unchanged files are reused without a stat, the app is rediscovered only
   * when a file appeared or disappeared, and only the changed files' dependents are re-analyzed.
   */
  update(changed: string[]): AnalyzeResult {
    const known = this.app !== undefined && changed.every((f) => existsSync(f) && (this.kinds.has(f) || this.program.current.getSourceFile(f) !== undefined));
    return this.run(changed, { exhaustive: true, rediscover: !known });
  }

  private run(changed: string[], mode: { exhaustive: boolean; rediscover: boolean }): AnalyzeResult {
    const started = performance.now();
    if (mode.rediscover || !this.app) {
      this.app = discoverApp(this.root);
      this.kinds = fileKinds(this.app);
      this.moduleTypes = new Map(this.interfaces);
      const typed = new Set(this.interfaces.values());
      // A package without declarations is not checked at the boundary: there is nothing to check against.
      for (const [name, pkg] of Object.entries(this.npmModules)) {
        const types = typed.has(name) ? undefined : this.program.packageTypes(pkg);
        if (types) this.moduleTypes.set(types, name);
      }
      // A missing interface file is the config's error (GATI4031): leave it out of the program.
      for (const file of this.moduleTypes.keys()) if (existsSync(file)) this.kinds.set(file, 'interface');
    }
    const { app, kinds } = this;
    if (mode.rediscover && this.contextFile && this.predictContext && this.program.setVirtualFile(this.contextFile, this.predictContext(app))) {
      changed = [...changed, this.contextFile];
    }
    const program = this.program.update(this.rootFiles(), changed, { exhaustive: mode.exhaustive, filesAddedOrRemoved: mode.rediscover });
    const programMs = performance.now() - started;
    const checker = program.getTypeChecker();

    for (const file of this.results.keys()) if (!kinds.has(file)) this.results.delete(file);
    const dependents = this.dependentsOf(changed);
    const toAnalyze = [...kinds.keys()].filter((f) => !this.results.has(f) || dependents.has(f));
    const syntax = this.syntaxDiagnostics(program);
    const broken = new Set(syntax.map((d) => join(this.root, d.span!.file)));
    this.broken = broken;
    if (this.contextFile) this.typeChecks.invalidate(mode.rediscover ? 'all' : dependents, program, this.contextFile);
    const cache = newTypeCache(mode.rediscover ? undefined : this.reusableNamedTypes(dependents));
    for (const file of toAnalyze) {
      const sf = program.getSourceFile(file);
      if (!sf || broken.has(file)) {
        this.results.set(file, { named: new Map(), diagnostics: [] });
        continue;
      }
      this.results.set(file, this.analyzeFile(sf, kinds.get(file)!, checker, cache));
    }
    return { ...this.merge(app, syntax), stats: { files: kinds.size, analyzed: toAnalyze.length, programMs, analyzeMs: performance.now() - started - programMs } };
  }

  private analyzeFile(sf: ts.SourceFile, kind: FileKind, checker: ts.TypeChecker, cache: TypeCache): FileResult {
    const bag = new DiagnosticBag();
    const converter = new TypeConverter(checker, this.root, cache, bag);
    const result: FileResult = { named: new Map(), diagnostics: [] };
    const file = relPath(this.root, sf.fileName);
    try {
      switch (kind) {
        case 'handler':
          result.route = analyzeHandler(sf, { root: this.root, handlersDir: join(this.root, 'src', 'handlers'), checker, converter, diagnostics: bag });
          break;
        case 'middleware':
          result.middleware = { file, scope: relPath(join(this.root, 'src', 'handlers'), sf.fileName).replace(/\/?_middleware\.[^/]+$/, '') };
          {
            const names = middlewareNames(sf);
            if (names?.some((n) => n !== null)) result.middleware.names = names;
          }
          break;
        case 'module':
          result.module = analyzeModule(sf, this.root, checker, bag);
          break;
        case 'effect':
          result.effect = analyzeEffect(sf, this.root, checker, converter, bag);
          break;
        case 'version':
          result.version = { name: baseName(file), file };
          break;
        case 'interface': {
          const name = this.moduleTypes.get(sf.fileName)!;
          result.remote = analyzeModuleInterface(sf, name, this.root, checker, converter, bag, this.npmModules[name]);
          break;
        }
      }
    } catch (error) {
      bag.report('GATI9001', `internal error while analyzing ${file}: ${(error as Error).stack ?? String(error)}`, { span: fileStart(sf, this.root) });
    }
    for (const key of converter.reached) result.named.set(key, cache.named.get(key)!);
    result.diagnostics = bag.items;
    return result;
  }

  private merge(app: DiscoveredApp, syntax: Diagnostic[]): { model: AppModel; diagnostics: Diagnostic[] } {
    const bag = new DiagnosticBag();
    syntax.forEach((d) => bag.add(d));
    if (!app.hasHandlersDir) bag.report('GATI2014', `the app has no src/handlers folder, so it has no routes`);
    const named = new Map<string, NamedType>();
    const routes: RouteModel[] = [];
    const parts = { middleware: [] as MiddlewareModel[], modules: [] as ModuleModel[], remoteModules: [] as RemoteModuleModel[], effects: [] as EffectModel[], versionChanges: [] as VersionChangeModel[] };
    const seen = new Set<string>();
    for (const result of this.results.values()) {
      const entries = [...result.named.values()];
      for (const d of [...result.diagnostics, ...entries.flatMap((e) => e.diagnostics)]) {
        const id = `${d.code}|${d.span?.file}|${d.span?.line}|${d.span?.column}|${d.message}`;
        if (!seen.has(id)) bag.add(d);
        seen.add(id);
      }
      for (const [key, entry] of result.named) named.set(key, entry.def);
      if (result.route) routes.push(result.route);
      if (result.middleware) parts.middleware.push(result.middleware);
      if (result.module) parts.modules.push(result.module);
      if (result.remote) parts.remoteModules.push(result.remote);
      if (result.effect) parts.effects.push(result.effect);
      if (result.version) parts.versionChanges.push(result.version);
    }
    const model = this.merger.merge({ appName: this.appName, routes, named, ...parts });
    checkRouteTable(model.routes, bag, (file) => this.sourceText(file));
    return { model, diagnostics: bag.sorted() };
  }

  /** Named types of the last run declared outside `dirty` files (see TypeCache.previous). */
  private reusableNamedTypes(dirty: Set<string>): Map<string, NamedEntry> {
    const out = new Map<string, NamedEntry>();
    for (const result of this.results.values()) {
      for (const [key, entry] of result.named) {
        if (!out.has(key) && !dirty.has(join(this.root, key.slice(0, key.indexOf('#'))))) out.set(key, entry);
      }
    }
    return out;
  }

  /** Every file that imports one of `changed`, directly or not (plus the changed files). */
  private dependentsOf(changed: string[]): Set<string> {
    const reverse = new Map<string, string[]>();
    for (const [from, targets] of this.program.imports) {
      for (const to of targets) {
        const list = reverse.get(to);
        if (list) list.push(from);
        else reverse.set(to, [from]);
      }
    }
    const out = new Set<string>();
    const stack = [...changed];
    while (stack.length) {
      const file = stack.pop()!;
      if (out.has(file)) continue;
      out.add(file);
      stack.push(...(reverse.get(file) ?? []));
    }
    return out;
  }

  /** Every file the last analysis's program read, with its text as read (the generated context types, fed from memory, left out). */
  programFiles(): { fileName: string; text: string }[] {
    return this.program.current.getSourceFiles().filter((sf) => sf.fileName !== this.contextFile).map((sf) => ({ fileName: sf.fileName, text: sf.text }));
  }

  /** A file's text as the last analysis read it (`file` relative to the root), for diagnostics made after it. */
  sourceText(file: string): string | undefined {
    return this.program.current.getSourceFile(join(this.root, file))?.text;
  }

  /** TypeScript syntax errors (GATI1010) and unresolved relative imports (GATI1012) in the app's own files. */
  private syntaxDiagnostics(program: ts.Program): Diagnostic[] {
    const bag = new DiagnosticBag();
    for (const sf of program.getSourceFiles()) {
      if (!isOwnSource(sf.fileName, this.root)) continue;
      for (const miss of this.program.unresolved.get(sf.fileName) ?? []) {
        bag.report('GATI1012', `cannot find the module '${miss.text}' imported by ${relPath(this.root, sf.fileName)}`, {
          span: locationAt(sf, miss.start, miss.length, this.root),
        });
      }
      for (const d of program.getSyntacticDiagnostics(sf)) {
        bag.report('GATI1010', ts.flattenDiagnosticMessageText(d.messageText, '\n'), {
          span: locationAt(sf, d.start ?? 0, d.length ?? 1, this.root),
          hint: `TypeScript error TS${d.code}. ${'Fix the syntax error; `tsc --noEmit` shows the same problem.'}`,
        });
      }
    }
    return bag.items;
  }
}

function fileKinds(app: DiscoveredApp): Map<string, FileKind> {
  const kinds = new Map<string, FileKind>();
  app.handlers.forEach((f) => kinds.set(f, 'handler'));
  app.middleware.forEach((f) => kinds.set(f, 'middleware'));
  app.modules.forEach((f) => kinds.set(f, 'module'));
  app.effects.forEach((f) => kinds.set(f, 'effect'));
  app.versionChanges.forEach((f) => kinds.set(f, 'version'));
  return kinds;
}

function readPackageName(root: string): string | undefined {
  try {
    const name = (JSON.parse(ts.sys.readFile(join(root, 'package.json')) ?? '{}') as { name?: unknown }).name;
    return typeof name === 'string' && name ? name.replace(/^@[^/]+\//, '') : undefined;
  } catch {
    return undefined;
  }
}

