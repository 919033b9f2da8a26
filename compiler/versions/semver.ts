// Semver arithmetic for snapshots. From 1.0.0 on: breaking → major, addition → minor, else patch.
// Below 1.0.0 (an `initialVersion` such as 0.1.0) the API is not stable yet, as semver's rule 4
// allows: a breaking change bumps the minor and anything else the patch; 1.0.0 is never reached
// automatically (set it by starting a new history with `versioning.initialVersion: '1.0.0'`).
import type { BumpLevel } from './rules.js';

export type Semver = [number, number, number];

export function parseSemver(text: string): Semver | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function bumpSemver(previous: string, level: BumpLevel): string {
  const [major, minor, patch] = parseSemver(previous) ?? [1, 0, 0];
  if (major === 0) return level === 'major' ? `0.${minor + 1}.0` : `0.${minor}.${patch + 1}`;
  if (level === 'major') return `${major + 1}.0.0`;
  if (level === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** A major-level change breaks existing clients, whatever the semver bump it gives below 1.0. */
export function isBreaking(level: BumpLevel | undefined): boolean {
  return level === 'major';
}
