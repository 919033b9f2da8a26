// Writes artifacts under the app root: only files whose bytes changed (watchers and mtimes stay
// quiet), each through a temporary file and a rename, so a crash never leaves half a file.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifact } from '../emitters/artifact.js';

/**
 * `memory` (kept by a long-lived watch loop) holds what was last written: an artifact that is
 * identical to it is skipped without reading the disk.
 */
/** Folders whose every file is an artifact: files the build no longer emits are removed from them. */
const OWNED_DIRS = ['dist/validators', 'dist/validators/effects'];

export function writeArtifacts(root: string, artifacts: Artifact[], memory?: Map<string, string | Uint8Array>): { written: string[]; unchanged: number } {
  const written: string[] = [];
  let unchanged = 0;
  for (const artifact of artifacts) {
    if (memory && memory.get(artifact.path) === artifact.contents) {
      unchanged++;
      continue;
    }
    memory?.set(artifact.path, artifact.contents);
    const target = join(root, artifact.path);
    const bytes = typeof artifact.contents === 'string' ? Buffer.from(artifact.contents) : artifact.contents;
    let current: Buffer | undefined;
    try {
      current = readFileSync(target);
    } catch {
      current = undefined;
    }
    if (current && current.equals(bytes)) {
      unchanged++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, bytes);
    renameSync(temp, target);
    written.push(artifact.path);
  }
  prune(root, artifacts, memory);
  return { written, unchanged };
}

function prune(root: string, artifacts: Artifact[], memory?: Map<string, string | Uint8Array>): void {
  const keep = new Set(artifacts.map((a) => a.path));
  for (const dir of OWNED_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = `${dir}/${name}`;
      if (keep.has(path) || !/\.mjs$/.test(name)) continue;
      rmSync(join(root, path), { force: true });
      memory?.delete(path);
    }
  }
}
