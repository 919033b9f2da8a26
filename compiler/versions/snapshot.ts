// A snapshot: one released API version, as stored in .gati/versions/<timestamp>.json.
import type { ApiChange } from './diff.js';
import type { ReleasedVersion } from '../../model/api-surface.js';

export const SNAPSHOT_FORMAT = 1;
export const SNAPSHOT_DIR = '.gati/versions';

/** A released version as stored: the version the emitters read, with its format, its predecessor and its changes. */
export interface Snapshot extends ReleasedVersion {
  format: number;
  previous: { semver: string; timestamp: string } | null;
  changes: ApiChange[];
}

/** `2026-11-26T11:30:00Z` → `2026-11-26T11-30-00Z.json`: sorts like the timestamps, and is a valid file name everywhere (no ':'). */
export function snapshotFileName(timestamp: string): string {
  return `${timestamp.replace(/:/g, '-')}.json`;
}

export const SNAPSHOT_FILE_PATTERN = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/;

/** A UTC timestamp with second precision, strictly after `after` when given. */
export function nextTimestamp(now: Date, after: string | undefined): string {
  let t = Math.floor(now.getTime() / 1000) * 1000;
  if (after) t = Math.max(t, Date.parse(after) + 1000);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
