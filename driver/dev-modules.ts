// `gati dev` serves the app's own files as one ES module each (.gati/dev/modules/…), not as one
// bundle: a save re-emits the saved file and the files that import it (esbuild, one call for all
// of them), and the dev server imports only those again. The rest of the app, Gati's runtime and
// the generated route table and validators stay loaded: a reload costs the edit, not the app.
//
// A module's URL carries its version (`?v=N`, bumped each time it is re-emitted), and an importer
// names its imports with their versions, so an edit to a shared file re-emits its importers too
// (ESM caches modules by URL). Node never frees a loaded module, so what a reload imports is what
// it keeps: the edited files only. The gati modules, fresh with each build, are instances of a
// factory loaded once per version (see instance() and dev-module-factory.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { DEV_ENTRY_PATH, DEV_VERSIONS_PATH } from '../emitters/bundle/entry.js';
import { DevVersionsModule, GATI_ENTRIES, failure, writeAtomically, type BundleResult } from './bundle.js';
import { scanInputs } from './dev-inputs.js';
import { writeIfChanged } from './write-artifacts.js';
import { FACTORY_STAMP, moduleFactorySource } from './dev-module-factory.js';
import { ContentHashes, RECORD_FILE, makeRecord, staleModules, type ModuleRecord } from './dev-module-record.js';

/** Where the modules go, mirroring the app's folders (src/handlers/x.ts → .gati/dev/modules/src/handlers/x.mjs). */
const OUT_DIR = '.gati/dev/modules';
/** What the last run left (see save): the modules' versions and imports, and the inputs they were made of. */
const STATE_FILE = '.gati/dev/state.json';
/** Files esbuild compiles to a module of their own; others (JSON, text) are inlined in their importer. */
const CODE = /\.(m|c)?[jt]sx?$/;
/** How many files an esbuild call compiles for the service to be stopped after it (see build). */
const RESTART_AFTER = 100;
/** Marks the resolve call the plugin makes itself (esbuild's own resolution, tsconfig paths included). */
const OWN_RESOLVE = Symbol('gati-dev-resolve');

export interface DevEntry {
  /** The dev entry module's source (emitters/bundle/entry.ts emitDevEntry). */
  contents: string;
  /** The app files it loads as modules (its sources and the `gati:versions` module), relative to the root; it loads others (dist/) as they are. */
  files: string[];
}

export class DevModules {
  private generation = 0;
  /** Each emitted file (absolute) → the version of its module. */
  private version = new Map<string, number>();
  /** Each emitted file → the app files it imports (modules of their own) or inlines. */
  private readonly deps = new Map<string, Set<string>>();
  /** Files saved since the last successful emit. */
  private readonly pending = new Set<string>();
  private readonly versions: DevVersionsModule;
  private entryUrl: string | undefined;
  /** load(): how many times a file that must start fresh was imported again (see instance). */
  private fresh = 0;
  /** Each gati module file (absolute) → its factory, for the version it was made from (see instance). */
  private readonly factories = new Map<string, { version: number; create: (() => Promise<unknown>) | undefined }>();
  /** When the build behind the last good emit started reading the app (ms since the epoch). */
  private builtFrom: number | undefined;
  /** The sources' content hashes, for the record in .gati/cache (see dev-module-record.ts). */
  private readonly hashes = new ContentHashes();


  constructor(private readonly root: string) {
    this.versions = new DevVersionsModule(root);
  }

  /** Files saved (absolute paths); the next emit() re-emits them and every module that imports them. */
  changed(files: Iterable<string>): void {
    for (const file of files) this.pending.add(file);
  }

  /**
   * Emits the modules the entry loads that are new or stale (and the app files they import), and
   * writes the entry when it changed. On an error nothing is lost: the files stay pending.
   */
  async emit(entry: DevEntry, builtFrom = Date.now()): Promise<BundleResult & { emitted: number }> {
    const started = performance.now();
    try {
      if (this.versions.update()) this.pending.add(join(this.root, DEV_VERSIONS_PATH));
    } catch (error) {
      return { ...failure({ errors: [{ text: (error as Error).message }] }, started), emitted: 0 };
    }
    // Taken now: a file saved while this emit awaits esbuild stays pending for the next one.
    const taken = [...this.pending];
    this.pending.clear();
    const dirty = this.stale(taken, entry.files.map((file) => join(this.root, file)));
    // Nothing to compile, no new version (the record of an unchanged app stays the same bytes: see save).
    if (dirty.size > 0) this.generation++;
    // The new versions take effect once their modules are written: a build loading meanwhile (the one
    // before this save) must not import a new version's URL before its file is there, or Node would
    // keep the old file's code under it.
    const next = new Map(this.version);
    for (const file of dirty) next.set(file, this.generation);
    let emitted = 0;
    try {
      for (let batch = [...dirty]; batch.length > 0; ) {
        const found = new Set<string>();
        await this.build(batch, found, next);
        emitted += batch.length;
        batch = [...found];
      }
    } catch (error) {
      for (const file of [...taken, ...dirty]) this.pending.add(file);
      return { ...failure(error, started), emitted };
    }
    this.version = next;
    this.writeEntry(entry.contents);
    this.builtFrom = builtFrom;
    return { ok: true, errors: [], ms: performance.now() - started, emitted };
  }

  /**
   * Once `gati dev` is idle, and at its end: records the modules for the next start, when they are
   * what the app's files make (nothing saved since the last good build started; else the next start builds).
   */
  save(): void {
    const file = join(this.root, STATE_FILE);
    const entry = this.entryUrl;
    const inputs = this.builtFrom === undefined || this.pending.size > 0 || !entry ? undefined : scanInputs(this.root);
    // Replaced in one rename when valid (gati dev saves it each time it is idle, and may be killed at any point).
    if (!inputs || !entry || inputs.newest >= this.builtFrom!) return void rmSync(file, { force: true });
    const rel = (abs: string) => relative(this.root, abs);
    const state: SavedState = {
      inputs: inputs.stamp,
      gati: inputs.gati,
      files: inputs.files,
      generation: this.generation,
      entry,
      versions: [...this.version].map(([abs, v]) => [rel(abs), v]),
      deps: [...this.deps].map(([abs, deps]) => [rel(abs), [...deps].map(rel)]),
    };
    writeAtomically(file, JSON.stringify(state));
    // By content too, for a start that finds no state (see dev-module-record.ts).
    const record = makeRecord(this.root, inputs, this.hashes, (abs) => this.outOf(abs), this.generation, this.version, this.deps);
    writeIfChanged(join(this.root, RECORD_FILE), JSON.stringify(record));
  }

  /**
   * At the start of `gati dev`: takes up the modules the last run saved when the app's files,
   * the generated files the server loads and Gati itself are as they were then (by size and
   * time). True when createApp() can serve them before any build.
   */
  restore(): boolean {
    let state: SavedState;
    try {
      state = JSON.parse(readFileSync(join(this.root, STATE_FILE), 'utf8')) as SavedState;
      // Taken once: this run writes the modules again, and save() says at its end whether they can serve the next.
      rmSync(join(this.root, STATE_FILE));
    } catch {
      this.reuse();
      return false;
    }
    const entry = join(this.root, DEV_ENTRY_PATH);
    if (!state.versions.every(([file]) => existsSync(this.outOf(join(this.root, file))))) return false;
    const inputs = scanInputs(this.root);
    if (inputs.stamp !== state.inputs || !existsSync(entry) || state.entry !== `${pathToFileURL(entry).href}?h=${hash(readFileSync(entry, 'utf8'))}`) {
      this.adopt(state, inputs);
      return false;
    }
    this.take(state);
    this.entryUrl = state.entry;
    return true;
  }

  /**
   * A last run whose files changed since (while gati dev was stopped): not served, but its modules
   * are taken up, and the changed code files marked saved, so that the first build compiles those
   * and their importers only, not the whole app again. Not when Gati changed, nor when a package.json,
   * a tsconfig or a file some module inlines (JSON and kin) did (they can change how every module
   * resolves, or what it holds): then everything is compiled. Other files (a README) do not count.
   */
  private adopt(state: SavedState, inputs: ReturnType<typeof scanInputs>): void {
    if (state.gati !== inputs.gati || !state.files) return;
    const changed = [...new Set([...Object.keys(state.files), ...Object.keys(inputs.files)])].filter((file) => state.files[file] !== inputs.files[file]);
    const inlined = new Set(state.deps.flatMap(([, deps]) => deps.map((dep) => dep.split(sep).join('/'))));
    const everything = (file: string) => !CODE.test(file) && (inlined.has(file) || /(^|\/)(package\.json|[jt]sconfig[^/]*\.json)$/.test(file));
    if (changed.some(everything)) return;
    this.take(state);
    this.changed(changed.filter((file) => CODE.test(file)).map((file) => join(this.root, file)));
  }

  /**
   * No last run's state: the modules recorded by content in .gati/cache are taken up, and those whose
   * source or output changed since marked saved, so that the first build compiles only those and
   * their importers (none when the app is as recorded), not the whole app again.
   */
  private reuse(): void {
    let record: ModuleRecord;
    try {
      record = JSON.parse(readFileSync(join(this.root, RECORD_FILE), 'utf8')) as ModuleRecord;
    } catch {
      return;
    }
    const stale = staleModules(this.root, record, scanInputs(this.root), this.hashes, (abs) => this.outOf(abs));
    if (!stale) return;
    this.take(record);
    this.changed(stale);
  }

  private take(state: Pick<SavedState, 'generation' | 'versions' | 'deps'>): void {
    this.generation = state.generation;
    for (const [file, v] of state.versions) this.version.set(join(this.root, file), v);
    for (const [file, deps] of state.deps) this.deps.set(join(this.root, file), new Set(deps.map((d) => join(this.root, d))));
  }

  /** The app as the entry makes it: `createApp(load, root)` (see emitDevEntry). */
  async createApp(): Promise<unknown> {
    if (!this.entryUrl) throw new Error('DevModules.createApp(): nothing emitted yet');
    const entry = (await import(this.entryUrl)) as { createApp(load: (file: string, fresh?: boolean) => Promise<unknown>, root: string): Promise<unknown> };
    return entry.createApp((file, fresh) => this.load(file, fresh), this.root);
  }

  /**
   * Imports an app file (relative to the root) as last emitted; a generated one (dist/, .gati/)
   * by its content's hash. `fresh`: a new instance however the file stands (the gati modules,
   * whose in-memory state starts fresh with each build, and whose init and close pair up).
   */
  private load(file: string, fresh = false): Promise<unknown> {
    const abs = join(this.root, file);
    const version = this.version.get(abs);
    if (version === undefined) return import(`${pathToFileURL(abs).href}?h=${hash(readFileSync(abs))}`);
    if (fresh) return this.instance(abs, version);
    return import(`${pathToFileURL(this.outOf(abs)).href}?v=${version}`);
  }

  /**
   * A new instance of a module (its top-level state new): from the factory made of its emitted
   * code (`x.mjs` → `x.gati-factory-<hash of that code>.mjs`, imported once per version; a file per
   * content, so that two builds loading at once never read another version's code under their URL,
   * and a start finds the factories of the code it emitted again already made), else
   * (a shape the factory does not take) the module imported again under a new URL, which Node keeps for good.
   */
  private async instance(abs: string, version: number): Promise<unknown> {
    let factory = this.factories.get(abs);
    if (factory?.version !== version) {
      const out = this.outOf(abs);
      const code = readFileSync(out, 'utf8');
      const file = out.replace(/\.mjs$/, `.gati-factory-${hash(`${FACTORY_STAMP}\n${code}`)}.mjs`);
      // Made by this run or an earlier one from the same code (its rewrite loads TypeScript: kept off the start when it can be).
      const source = existsSync(file) ? '' : moduleFactorySource(code);
      if (source) writeAtomically(file, source);
      const create = source === undefined ? undefined : ((await import(pathToFileURL(file).href)) as { default: () => Promise<unknown> }).default;
      factory = { version, create };
      this.factories.set(abs, factory);
    }
    return factory.create ? factory.create() : import(`${pathToFileURL(this.outOf(abs)).href}?v=${version}&f=${++this.fresh}`);
  }

  /** The emitted files (absolute) that import `file`: an edit to it re-emits them. */
  importersOf(file: string): string[] {
    return [...this.deps].filter(([, deps]) => deps.has(file)).map(([importer]) => importer);
  }

  /** The URL of an app file's module as last emitted (a worker thread imports it: see bin/commands/dev.ts), or undefined. */
  moduleUrl(file: string): string | undefined {
    const version = this.version.get(file);
    return version === undefined ? undefined : `${pathToFileURL(this.outOf(file)).href}?v=${version}`;
  }

  /** The emitted files to emit again: the saved ones and their importers, and entry files not emitted yet. */
  private stale(saved: string[], roots: string[]): Set<string> {
    const importers = new Map<string, string[]>();
    for (const [file, deps] of this.deps) for (const dep of deps) importers.set(dep, [...(importers.get(dep) ?? []), file]);
    const dirty = new Set<string>();
    const seen = new Set<string>();
    const mark = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      if (this.version.has(file)) dirty.add(file);
      for (const importer of importers.get(file) ?? []) mark(importer);
    };
    for (const file of saved) mark(file);
    for (const file of dirty) {
      if (existsSync(file)) continue;
      dirty.delete(file);
      this.version.delete(file);
      this.deps.delete(file);
    }
    for (const file of roots) if (!this.version.has(file)) dirty.add(file);
    return dirty;
  }

  /** One esbuild call for `files`: each becomes a module whose imports of app files are other modules. */
  private async build(files: string[], found: Set<string>, versions: Map<string, number>): Promise<void> {
    const esbuild = await import('esbuild');
    for (const file of files) this.deps.set(file, new Set());
    const result = await esbuild.build({
      absWorkingDir: this.root,
      entryPoints: files,
      outbase: this.root,
      outdir: join(this.root, OUT_DIR),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Inline, so that a module and its map are one file read at import (stack traces point at the .ts lines).
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      // No keepNames (as in the release bundle, driver/bundle.ts): each file is its own module here,
      // so no identifier is renamed, and functions keep the names written.
      write: false,
      plugins: [this.plugin(found, versions)],
    });
    // A start without the last run's state compiles every file again, mostly to the bytes already
    // there: those are left as they are (a write and a rename per file cost ~0.3 s on 500 files).
    for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
    // esbuild's service keeps the heap a whole-app call grew (~120 MB on the 500-handler app, given
    // back to the system only minutes later): after one, it stops; the next save starts a new
    // one (~30 ms), whose one-file builds stay small.
    if (files.length >= RESTART_AFTER) await esbuild.stop();
  }

  /**
   * Resolves as esbuild would (so `.js` → `.ts`, index files and tsconfig paths behave as in the
   * bundle), then keeps every import out of the module: `gati` names the runtime the dev server
   * runs (one copy, shared by every build), an app file names its module with its version, and a
   * package stays a bare specifier (Node finds it from .gati/dev/, inside the app).
   */
  private plugin(found: Set<string>, versions: Map<string, number>): Plugin {
    return {
      name: 'gati-dev-modules',
      setup: (build) => {
        build.onResolve({ filter: /.*/ }, async (args) => {
          if (args.kind === 'entry-point' || args.pluginData === OWN_RESOLVE) return undefined;
          const runtime = GATI_ENTRIES[args.path];
          if (runtime) return { path: pathToFileURL(runtime).href, external: true };
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: OWN_RESOLVE });
          if (resolved.errors.length > 0) return { errors: resolved.errors };
          const file = resolved.path;
          if (resolved.external || !file.startsWith(`${this.root}${sep}`) || file.includes(`${sep}node_modules${sep}`)) return { path: args.path, external: true };
          // A file that is not code (JSON and kin) is inlined in its importer: an edit to it re-emits the importer.
          this.deps.get(args.importer)?.add(file);
          if (!CODE.test(file)) return undefined;
          if (!versions.has(file)) {
            versions.set(file, this.generation);
            found.add(file);
          }
          const specifier = relative(dirname(this.outOf(args.importer)), this.outOf(file)).split(sep).join('/');
          return { path: `${specifier.startsWith('.') ? '' : './'}${specifier}?v=${versions.get(file)}`, external: true };
        });
      },
    };
  }

  private outOf(file: string): string {
    return join(this.root, OUT_DIR, relative(this.root, file)).replace(CODE, '.mjs');
  }

  private writeEntry(contents: string): void {
    const file = join(this.root, DEV_ENTRY_PATH);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== contents) writeAtomically(file, contents);
    this.entryUrl = `${pathToFileURL(file).href}?h=${hash(contents)}`;
  }
}

interface SavedState {
  inputs: string;
  /** Gati's code, and the app's files by size and time, when saved (see adopt). */
  gati: string;
  files: Record<string, string>;
  generation: number;
  entry: string;
  versions: [string, number][];
  deps: [string, string[]][];
}

function hash(contents: string | Uint8Array): string {
  return createHash('sha256').update(contents).digest('hex').slice(0, 12);
}
