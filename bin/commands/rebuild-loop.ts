// The edit-save loop shared by `gati watch` and `gati dev`: rebuild what changed, write what
// differs, re-bundle incrementally (watch) or re-emit the modules the edit touched (dev), and
// report what was rebuilt and how long it took.
import { relative } from 'node:path';
import { BuildSession, type BuildResult } from '../../driver/build.js';
import { write } from '../../driver/stages.js';
import { Bundler, type BundleResult } from '../../driver/bundle.js';
import { DevModules } from '../../driver/dev-modules.js';
import { configScript, emitDevEntry } from '../../emitters/bundle/entry.js';
import type { Terminal } from '../terminal.js';
import { reportBundleErrors, reportDiagnostics } from './report.js';
import { reportTimings } from './timings.js';

export interface RebuildOutcome {
  ok: boolean;
  ms: number;
  result: BuildResult;
}

export class RebuildLoop {
  private readonly session: BuildSession;
  /** watch: the dev bundle (dist/app.mjs); dev: the app's files as modules, see modules. */
  private readonly bundler: Bundler | undefined;
  /** dev (`modules: true`): one module per app file, re-emitted when it or what it imports changed. */
  readonly modules: DevModules | undefined;
  /** Rebuilds never overlap: a save during a rebuild queues behind it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Rebuilds waiting in the queue: a running type check stops for them (see checkTypes). */
  private waiting = 0;
  /** Rebuilds and type checks queued or running. */
  private running = 0;
  /** Rebuilds queued or running. */
  private building = 0;
  private readonly written = new Map<string, string | Uint8Array>();

  constructor(readonly root: string, private readonly term: Terminal, options: { modules?: boolean } = {}) {
    // TypeScript's errors are warnings while editing (the app reloads, as with the version rules),
    // checked after the build is served (checkTypes); `gati build` enforces them.
    // The slow emitters' outputs are kept on disk: the next start on the same app reads them (driver/emit-cache.ts).
    // dev: what the server does not load is emitted after the first answer (finishEmit), and the
    // first build takes the analysis of the last full one when nothing it read changed (then the
    // dev command builds the app again behind the first answer: see analysisFromCache).
    this.session = new BuildSession(root, { infra: false, versions: 'warn', typecheck: 'deferred', diskCache: true, deferEmit: options.modules, analysisCache: options.modules });
    if (options.modules) this.modules = new DevModules(root);
    else this.bundler = new Bundler(root, { dev: true });
  }

  /** A full build; `fromCache`: the saved analysis when valid, no program (see BuildSession.build). */
  initial(fromCache = false): Promise<RebuildOutcome> {
    return this.enqueue(() => this.session.build({ fromCache }), 'built', false);
  }

  rebuild(changed: string[]): Promise<RebuildOutcome> {
    this.modules?.changed(changed);
    return this.enqueue(() => this.session.rebuild(changed), `rebuilt (${changed.map((f) => relative(this.root, f)).join(', ')})`, true);
  }

  /**
   * TypeScript's errors in the app as the last (re)build saw it, printed as warnings. Called once
   * a build is served (dev: after the reload), so that the check costs no time before the edit is
   * live; queued like a rebuild, it checks the program of the build it follows. Resolves with the
   * number of warnings.
   */
  checkTypes(): Promise<number> {
    this.running++;
    const run = this.queue.then(async () => {
      // A save waiting behind the check stops it (it runs again after that rebuild, which queues a new one).
      const warnings = await this.session.typeErrors(() => this.waiting > 0);
      if (!warnings) return 0;
      reportDiagnostics(warnings, this.term, false);
      return warnings.length;
    }).finally(() => this.running--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * dev: the emitters the first build left for later (BuildOptions.deferEmit: the SDK, OpenAPI,
   * model.json, the generated types, the topology's layout…), run and written once the server answers; queued like a
   * rebuild. Resolves with the files written (none when nothing was left).
   */
  finishEmit(): Promise<string[]> {
    this.running++;
    const run = this.queue.then(async () => {
      const started = performance.now();
      await this.session.layOutDeferred();
      const artifacts = this.session.emitDeferred();
      if (!artifacts) return [];
      const { written } = write({ root: this.root, artifacts, memory: this.written });
      this.term.info(`  the rest emitted (the panel's topology layout, OpenAPI, the SDK, model.json, generated types): ${written.length} written in ${Math.round(performance.now() - started)} ms`);
      return written;
    }).finally(() => this.running--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** dev, once idle: the last full analysis saved for the next start (BuildSession.saveAnalysis). */
  saveAnalysis(): void {
    this.session.saveAnalysis();
  }

  /** No rebuild or type check running or waiting. */
  get idle(): boolean {
    return this.running === 0;
  }

  /** No rebuild running or waiting (a type check may run): the last good build is what the files make, or failed. */
  get built(): boolean {
    return this.building === 0;
  }

  async dispose(): Promise<void> {
    await this.bundler?.dispose();
  }

  private enqueue(build: () => Promise<BuildResult>, what: string, early: boolean): Promise<RebuildOutcome> {
    this.waiting++;
    this.running++;
    this.building++;
    const run = this.queue.then(() => {
      this.waiting--;
      return this.run(build, what, early);
    }).finally(() => {
      this.running--;
      this.building--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * `early`: esbuild bundles the app's own code while this thread analyses the edit. That bundle
   * is kept when the build wrote none of the files it was made of (the usual edit, inside a
   * handler, changes no generated file the bundle reads: the route table and validators are
   * outside it), else the app is bundled again. Nothing is written before the analysis is clean.
   */
  private async run(build: () => Promise<BuildResult>, what: string, early: boolean): Promise<RebuildOutcome> {
    const started = performance.now();
    const readFrom = Date.now();
    const speculative = early ? this.bundler?.build() : undefined;
    const result = await build();
    if (reportDiagnostics(result.diagnostics, this.term, false)) {
      await speculative;
      // Only a rebuild has a last good build; the first build's caller says what failed.
      if (early) this.term.error('  the last good build keeps serving; fix the errors above and save again');
      return { ok: false, ms: performance.now() - started, result };
    }
    const built = performance.now();
    const { written } = write({ root: this.root, artifacts: result.artifacts, memory: this.written });
    const wrote = performance.now();
    const outcome = this.modules ? await this.emitModules(result, readFrom) : await this.bundle(speculative, written);
    if (!outcome.bundled.ok) {
      reportBundleErrors(outcome.bundled.errors, this.root, this.term);
      return { ok: false, ms: performance.now() - started, result };
    }
    const ms = performance.now() - started;
    const analyzed = result.analysisFromCache ? "the analysis from .gati/cache (nothing it read changed)" : `${result.stats.analyzed}/${result.stats.files} files analyzed`;
    this.term.info(`${this.term.style.bold('gati')} ${what}: ${analyzed}, ${written.length} written, ${outcome.what}; ${Math.round(ms)} ms in all (analysis ${Math.round(built - started - result.stats.emitMs)}, emit ${Math.round(result.stats.emitMs)}, write ${Math.round(wrote - built)})`);
    reportTimings(this.term, [...result.timings, { stage: 'write', ms: wrote - built }, { stage: 'bundle', ms: outcome.bundled.ms }]);
    return { ok: true, ms, result };
  }

  /** dev: the modules of the files this rebuild touched, and the entry when the app's shape changed. */
  private async emitModules(result: BuildResult, readFrom: number): Promise<{ bundled: BundleResult; what: string }> {
    const entry = emitDevEntry(result.model, { config: result.config, configScript: configScript(result.configFile) });
    const bundled = await this.modules!.emit(entry, readFrom);
    return { bundled, what: `bundled in ${Math.round(bundled.ms)} ms (${bundled.emitted} modules)` };
  }

  /** watch: the bundle made during the analysis when the build wrote none of its inputs, else a new one; written to dist/. */
  private async bundle(speculative: Promise<BundleResult> | undefined, written: string[]): Promise<{ bundled: BundleResult; what: string }> {
    let bundled = await speculative;
    const kept = bundled?.ok === true && bundled.inputs !== undefined && !written.some((file) => bundled!.inputs!.has(file));
    if (!kept) bundled = await this.bundler!.build();
    if (!bundled!.ok) return { bundled: bundled!, what: '' };
    try {
      this.bundler!.write();
    } catch (error) {
      return { bundled: { ok: false, errors: [{ text: (error as Error).message ?? String(error) }], ms: bundled!.ms }, what: '' };
    }
    return { bundled: bundled!, what: kept ? `bundled beside the analysis (${Math.round(bundled!.ms)} ms)` : `bundled in ${Math.round(bundled!.ms)} ms` };
  }
}
