// The versions page's data from the stored snapshots (.gati/versions/*.json, or the releases the
// build hands its emitters): each version's semver, time and routes, and the changes that made each
// version from the one before (the compiler's own classified diff, stored in the snapshot). A diff
// between any two versions is composed from those steps: no compiler at run time.
import type { VersionDiff } from '../api-types.js';

/** The part of a snapshot (compiler/versions/snapshot.ts) this reads. */
export interface SnapshotLike {
  semver: string;
  timestamp: string;
  bump: string;
  surface: { routes: Record<string, unknown> };
  /** The compiler's changes from the previous version (absent on a release handed over without them). */
  changes?: { route: string; level: 'major' | 'minor' | 'patch'; rule: string; path: string; old?: string; new?: string; detail?: string }[];
}

export interface VersionStep {
  semver: string;
  timestamp: string;
  bump: string;
  routes: string[];
  /** Route keys of this version that the newest one no longer has. */
  removed: string[];
  /** The changes from the previous version (empty for the first). */
  changes: VersionDiff['changes'];
  level: VersionDiff['bump'];
}

export interface VersionsSummary {
  current: string | null;
  /** Oldest first. */
  versions: VersionStep[];
}

const LEVELS: VersionDiff['bump'][] = ['none', 'patch', 'minor', 'major'];

export function summarizeVersions(snapshots: readonly SnapshotLike[]): VersionsSummary {
  const newest = snapshots[snapshots.length - 1];
  const current = new Set(Object.keys(newest?.surface.routes ?? {}));
  return {
    current: newest?.semver ?? null,
    versions: snapshots.map((s, i) => {
      const changes = i === 0 ? [] : (s.changes ?? []).map(changeView);
      return {
        semver: s.semver,
        timestamp: s.timestamp,
        bump: s.bump,
        routes: Object.keys(s.surface.routes).sort(),
        removed: Object.keys(s.surface.routes).filter((k) => !current.has(k)).sort(),
        changes,
        level: i === 0 ? 'none' : maxLevel((s.changes ?? []).map((c) => c.level)),
      };
    }),
  };
}

function changeView(c: NonNullable<SnapshotLike['changes']>[number]): VersionDiff['changes'][number] {
  const kind = c.rule === 'route-added' ? 'added' : c.rule === 'route-removed' ? 'removed' : c.level === 'major' ? 'breaking' : 'compatible';
  const where = c.path ? `${c.path}: ` : '';
  const types = c.old !== undefined || c.new !== undefined ? ` (${c.old ?? '—'} → ${c.new ?? '—'})` : '';
  return { route: c.route, kind, detail: `${where}${c.rule}${types}${c.detail ? `; ${c.detail}` : ''}` };
}

function maxLevel(levels: string[]): VersionDiff['bump'] {
  return LEVELS[Math.max(0, ...levels.map((l) => LEVELS.indexOf(l as VersionDiff['bump'])))]!;
}

/**
 * The diff between any two versions: the steps between them, in order. Going back (from newer to
 * older) lists the same steps, newest first, with added and removed swapped and each detail naming
 * the version whose change it undoes. Undefined when either
 * version is unknown.
 */
export function composeDiff(summary: VersionsSummary, from: string, to: string): VersionDiff | undefined {
  const i = summary.versions.findIndex((v) => v.semver === from);
  const j = summary.versions.findIndex((v) => v.semver === to);
  if (i < 0 || j < 0) return undefined;
  const steps = summary.versions.slice(Math.min(i, j) + 1, Math.max(i, j) + 1);
  const forward = i <= j;
  // Going back, a detail still describes the step forward (`route-added`): it says which step it undoes.
  const changes = (forward ? steps : [...steps].reverse()).flatMap((s) =>
    forward ? s.changes : s.changes.map((c) => ({ route: c.route, kind: c.kind === 'added' ? ('removed' as const) : c.kind === 'removed' ? ('added' as const) : c.kind, detail: `undoes ${s.semver}: ${c.detail}` })),
  );
  return { from, to, bump: maxLevel(steps.map((s) => s.level)), changes };
}
