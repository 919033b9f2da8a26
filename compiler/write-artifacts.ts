// Writes artifacts under the app root: only files whose bytes changed (watchers and mtimes stay
// quiet), each through a temporary file and a rename, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifact } from '../emitters/artifact.js';

/**
 * `memory` (kept by a long-lived watch loop) holds what was last written: an artifact that is
 * identical to it is skipped without reading the disk.
 */
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
  return { written, unchanged };
}
