// Writes artifacts under the app root: only files whose bytes changed (watchers and mtimes stay
// quiet), each through a temporary file and a rename, so a crash never leaves half a file. Then
// removes the outputs this build owns but did not write this time (a removed route's schema, a
// tentative SDK of a version never released), so that nothing stale is left behind.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifact } from '../emitters/artifact.js';
import { canonicalJson } from '../model/stable-json.js';
import { staleOutputs, OUTPUTS_MANIFEST } from './owned-outputs.js';

/** Folders whose every file of that kind is an artifact: files the build no longer emits are removed from them. */
const OWNED_DIRS: { dir: string; pattern: RegExp }[] = [
  { dir: 'dist/validators', pattern: /\.mjs$/ },
  { dir: 'dist/validators/effects', pattern: /\.mjs$/ },
  { dir: 'dist/schemas', pattern: /\.json$/ },
  { dir: 'dist/schemas/effects', pattern: /\.json$/ },
];

type Memory = Map<string, string | Uint8Array>;

/**
 * `memory` (kept by a long-lived watch loop) holds what was last written: an artifact that is
 * identical to it is skipped without reading the disk.
 */
export function writeArtifacts(root: string, artifacts: Artifact[], memory?: Memory): { written: string[]; unchanged: number; removed: string[] } {
  const written: string[] = [];
  let unchanged = 0;
  for (const artifact of artifacts) {
    if (memory && memory.get(artifact.path) === artifact.contents) {
      unchanged++;
      continue;
    }
    memory?.set(artifact.path, artifact.contents);
    if (writeIfChanged(join(root, artifact.path), artifact.contents)) written.push(artifact.path);
    else unchanged++;
  }
  const removed = [...removeStale(root, artifacts, memory), ...prune(root, artifacts, memory)];
  return { written, unchanged, removed };
}

/** Writes through a temporary file and a rename; false when the file already holds these bytes. */
export function writeIfChanged(target: string, contents: string | Uint8Array): boolean {
  const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents;
  let current: Buffer | undefined;
  try {
    current = readFileSync(target);
  } catch {
    current = undefined;
  }
  if (current && current.equals(bytes)) return false;
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, target);
  return true;
}

/**
 * The outputs manifest (.gati/cache/outputs.json) lists every file gati wrote and still owns. A
 * file in it that this write did not produce, of a kind this write produced, is stale and goes;
 * a file that is not in it (the user's own) is never touched.
 */
function removeStale(root: string, artifacts: Artifact[], memory?: Memory): string[] {
  let previous: string[] = [];
  try {
    previous = JSON.parse(readFileSync(join(root, OUTPUTS_MANIFEST), 'utf8')) as string[];
  } catch {
    previous = [];
  }
  const paths = artifacts.map((a) => a.path);
  const stale = staleOutputs(previous, paths);
  for (const path of stale) remove(root, path, memory);
  const gone = new Set(stale);
  const owned = [...new Set([...previous.filter((p) => !gone.has(p)), ...paths])].sort();
  writeIfChanged(join(root, OUTPUTS_MANIFEST), canonicalJson(owned));
  return stale;
}

function prune(root: string, artifacts: Artifact[], memory?: Memory): string[] {
  const keep = new Set(artifacts.map((a) => a.path));
  // Only kinds this write produced: `gati generate` writes no schemas and must not empty dist/schemas.
  const removed: string[] = [];
  for (const { dir, pattern } of OWNED_DIRS) {
    if (!artifacts.some((a) => dirname(a.path) === dir)) continue;
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = `${dir}/${name}`;
      if (keep.has(path) || !pattern.test(name)) continue;
      remove(root, path, memory);
      removed.push(path);
    }
  }
  return removed;
}

/** Removes a file, then its folders up to the root while they are empty (infra/<env>/ of a removed environment). */
function remove(root: string, path: string, memory?: Memory): void {
  rmSync(join(root, path), { force: true });
  memory?.delete(path);
  for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    try {
      rmdirSync(join(root, dir));
    } catch {
      return; // not empty (or already gone): stop
    }
  }
}
