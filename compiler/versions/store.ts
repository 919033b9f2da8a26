// The one place where versions touch the disk. buildApp reads (loadVersionState); the CLI's build
// command writes (recordVersion), under a lock, re-planning against whatever is newest by then so
// that two concurrent builds of one app mint at most one version.
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { locate } from '../diagnostics/location.js';
import type { AppModel } from '../../model/app-model.js';
import { canonicalJson } from '../../model/stable-json.js';
import { withLock, type LockOptions } from './lock.js';
import { planVersion, type PlanInput, type VersionPlan } from './plan.js';
import { SNAPSHOT_DIR, SNAPSHOT_FILE_PATTERN, SNAPSHOT_FORMAT, nextTimestamp, snapshotFileName, type Snapshot } from './snapshot.js';
import { readVersionChange, type StaticVersionChange } from './version-change-file.js';

export interface VersionState {
  snapshots: Snapshot[];
  versionChanges: StaticVersionChange[];
  diagnostics: Diagnostic[];
}

/** Snapshots, oldest first; an unreadable one is GATI5003. */
export function readSnapshots(root: string): { snapshots: Snapshot[]; diagnostics: Diagnostic[] } {
  const dir = join(root, SNAPSHOT_DIR);
  if (!existsSync(dir)) return { snapshots: [], diagnostics: [] };
  const snapshots: Snapshot[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of readdirSync(dir).filter((n) => SNAPSHOT_FILE_PATTERN.test(n)).sort()) {
    const file = `${SNAPSHOT_DIR}/${name}`;
    let text: string | undefined;
    try {
      let s: Snapshot;
      try {
        s = JSON.parse((text = readFileSync(join(dir, name), 'utf8'))) as Snapshot;
      } catch {
        throw new Error('it is not valid JSON');
      }
      if (s.format !== SNAPSHOT_FORMAT || typeof s.semver !== 'string' || typeof s.hash !== 'string' || !s.surface?.routes) throw new Error(`not a gati snapshot (format ${SNAPSHOT_FORMAT})`);
      if (snapshotFileName(s.timestamp) !== name) throw new Error(`its timestamp ${s.timestamp} does not match its file name`);
      snapshots.push(s);
    } catch (error) {
      diagnostics.push(diagnostic('GATI5003', `${file} cannot be read: ${(error as Error).message}`, { span: locate({ file, line: 1, column: 1 }, text) }));
    }
  }
  return { snapshots, diagnostics };
}

export function loadVersionState(root: string, model: AppModel): VersionState {
  const { snapshots, diagnostics } = readSnapshots(root);
  const versionChanges: StaticVersionChange[] = [];
  for (const v of [...model.versionChanges].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const read = readVersionChange(v.file, readFileSync(join(root, v.file), 'utf8'));
    diagnostics.push(...read.diagnostics);
    if (read.change) versionChanges.push(read.change);
  }
  return { snapshots, versionChanges, diagnostics };
}

export interface RecordResult {
  /** Relative path of the new snapshot, when one was written. */
  written?: string;
  plan: VersionPlan;
  /** Every snapshot after the write, oldest first. */
  snapshots: Snapshot[];
}

/**
 * Writes a new snapshot when the surface changed. Under the lock it re-reads the snapshots and
 * plans again (another build may have written one meanwhile); a plan with errors writes nothing.
 * Each snapshot is written to a temporary file and hard-linked to its name, which fails instead
 * of overwriting: published snapshots are immutable.
 */
export function recordVersion(root: string, input: Omit<PlanInput, 'snapshots'>, options: LockOptions & { now?: () => Date } = {}): RecordResult {
  const dir = join(root, SNAPSHOT_DIR);
  mkdirSync(dir, { recursive: true });
  return withLock(join(dir, '.lock'), () => {
    const { snapshots, diagnostics } = readSnapshots(root);
    if (diagnostics.length) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const plan = planVersion({ ...input, snapshots });
    if (!plan.changed || plan.diagnostics.length) return { plan, snapshots };
    const newest = snapshots[snapshots.length - 1];
    const timestamp = nextTimestamp((options.now ?? (() => new Date()))(), newest?.timestamp);
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      semver: plan.semver,
      timestamp,
      hash: plan.hash,
      bump: plan.bump ?? 'patch',
      previous: newest ? { semver: newest.semver, timestamp: newest.timestamp } : null,
      // On the first snapshot, files already present are bound (and ignored by the composer): they migrate nothing.
      versionChanges: plan.pending.map((v) => ({ file: v.file, description: v.description })),
      changes: plan.changes,
      surface: plan.surface,
    };
    const name = snapshotFileName(timestamp);
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temp, canonicalJson(snapshot));
    try {
      linkSync(temp, join(dir, name));
    } finally {
      unlinkSync(temp);
    }
    return { written: `${SNAPSHOT_DIR}/${name}`, plan, snapshots: [...snapshots, snapshot] };
  }, options);
}
