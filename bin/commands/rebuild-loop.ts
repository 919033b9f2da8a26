// The edit-save loop shared by `gati watch` and `gati dev`: rebuild what changed, write what
// differs, re-bundle incrementally, and report what was rebuilt and how long it took.
import { relative } from 'node:path';
import { BuildSession, type BuildResult } from '../../compiler/build.js';
import { writeArtifacts } from '../../compiler/write-artifacts.js';
import { Bundler } from '../../compiler/bundle.js';
import type { Terminal } from '../terminal.js';
import { reportBundleErrors, reportDiagnostics } from './report.js';

export interface RebuildOutcome {
  ok: boolean;
  ms: number;
  result: BuildResult;
}

export class RebuildLoop {
  private readonly session: BuildSession;
  private readonly bundler: Bundler;
  /** Rebuilds never overlap: a save during a rebuild queues behind it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly written = new Map<string, string | Uint8Array>();

  constructor(readonly root: string, private readonly term: Terminal) {
    this.session = new BuildSession(root, { infra: false, versions: 'warn' });
    this.bundler = new Bundler(root, true);
  }

  initial(): Promise<RebuildOutcome> {
    return this.enqueue(() => this.session.build(), 'built');
  }

  rebuild(changed: string[]): Promise<RebuildOutcome> {
    return this.enqueue(() => this.session.rebuild(changed), `rebuilt (${changed.map((f) => relative(this.root, f)).join(', ')})`);
  }

  async dispose(): Promise<void> {
    await this.bundler.dispose();
  }

  private enqueue(build: () => Promise<BuildResult>, what: string): Promise<RebuildOutcome> {
    const run = this.queue.then(() => this.run(build, what));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(build: () => Promise<BuildResult>, what: string): Promise<RebuildOutcome> {
    const started = performance.now();
    const result = await build();
    if (reportDiagnostics(result.diagnostics, this.root, this.term, false)) {
      this.term.error('  the last good build keeps serving; fix the errors above and save again');
      return { ok: false, ms: performance.now() - started, result };
    }
    const built = performance.now();
    const { written } = writeArtifacts(this.root, result.artifacts, this.written);
    const wrote = performance.now();
    const bundled = await this.bundler.build();
    if (!bundled.ok) {
      reportBundleErrors(bundled.errors, this.root, this.term);
      return { ok: false, ms: performance.now() - started, result };
    }
    const ms = performance.now() - started;
    this.term.info(`${this.term.style.bold('gati')} ${what}: ${result.stats.analyzed}/${result.stats.files} files analyzed, ${written.length} written, bundled in ${Math.round(bundled.ms)} ms; ${Math.round(ms)} ms in all (analysis ${Math.round(built - started - result.stats.emitMs)}, emit ${Math.round(result.stats.emitMs)}, write ${Math.round(wrote - built)})`);
    return { ok: true, ms, result };
  }
}
