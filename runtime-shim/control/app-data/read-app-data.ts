// The build's panel data read back from the app's root: dist/control/app.json, and the versions
// from .gati/versions (the snapshots themselves, fresh under `gati dev`) or, where those are not
// shipped (a container image holds dist/ only), dist/control/versions.json. Each file is read again
// only when its modification time changes.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_APP_FILE, CONTROL_VERSIONS_FILE, type ControlAppData } from './app-data-file.js';
import { summarizeVersions, type SnapshotLike, type VersionsSummary } from './versions-summary.js';

const SNAPSHOT_DIR = '.gati/versions';
const SNAPSHOT_FILE = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/;

const cache = new Map<string, { stamp: string; value: unknown }>();

function cached<T>(key: string, stamp: string, read: () => T): T {
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.value as T;
  const value = read();
  cache.set(key, { stamp, value });
  return value;
}

const mtime = (file: string) => (existsSync(file) ? String(statSync(file).mtimeMs) : 'none');

/** dist/control/app.json, or undefined before the first build that wrote it. */
export function readAppData(root: string): ControlAppData | undefined {
  const file = join(root, CONTROL_APP_FILE);
  return cached(file, mtime(file), () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ControlAppData) : undefined));
}

export function readVersions(root: string): VersionsSummary {
  const dir = join(root, SNAPSHOT_DIR);
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => SNAPSHOT_FILE.test(n)).sort() : [];
  if (names.length) {
    // Snapshots are immutable: the list of names is the stamp.
    return cached(dir, names.join(','), () => summarizeVersions(names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as SnapshotLike)));
  }
  const file = join(root, CONTROL_VERSIONS_FILE);
  return cached(file, mtime(file), () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as VersionsSummary) : { current: null, versions: [] }));
}
