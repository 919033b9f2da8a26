// What a `gati dev` build is made of, by size and modification time: the app's files (all but
// node_modules, dot-folders and the folders Gati writes: dist/, sdk/, infra/), the generated files the dev server loads as they are, and
// Gati's own compiled code. Two starts with the same stamp would build the same thing, so the
// second serves the first one's modules at once (DevModules.restore) and checks them after.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Gati's compiled code (lib/): a rebuilt Gati builds differently. */
const GATI_LIB = fileURLToPath(new URL('..', import.meta.url));
const GATI_PARTS = ['compiler', 'driver', 'emitters', 'model', 'runtime-shim'];
/** Generated files the dev entry loads without making them modules (see emitDevEntry), and the versions manifest. */
const GENERATED = ['dist/router.mjs', 'dist/validators/index.mjs', 'dist/versions.json'];

/** Top-level folders that are not the app's sources: packages, and what Gati writes (see driver/owned-outputs.ts). */
const OUTSIDE = new Set(['node_modules', 'dist', 'sdk', 'infra']);

export interface InputsStamp {
  stamp: string;
  /** The newest modification time among the app's own files (ms since the epoch; the generated ones are the build's outputs). */
  newest: number;
  /** Each of the app's own files (relative to the root, `/`-separated) → its size and time. */
  files: Record<string, string>;
  /** Gati's own code alone: another Gati compiles every module differently. */
  gati: string;
}

export function scanInputs(root: string): InputsStamp {
  const lines: string[] = [];
  let newest = 0;
  const files: Record<string, string> = {};
  const note = (label: string, file: string, own = true) => {
    try {
      const stat = statSync(file);
      lines.push(`${label}\0${stat.size}\0${stat.mtimeMs}`);
      if (own) newest = Math.max(newest, stat.mtimeMs);
      // The app's files (labels `/<path>`), not Gati's (`gati:<part>/…`).
      if (own && label.startsWith('/')) files[label.slice(1)] = `${stat.size}\0${stat.mtimeMs}`;
    } catch {
      lines.push(`${label}\0-`);
    }
  };
  const walk = (dir: string, label: string, skip: (name: string) => boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (skip(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${label}/${entry.name}`, (name) => name.startsWith('.') || name === 'node_modules');
      else if (entry.isFile()) note(`${label}/${entry.name}`, path);
    }
  };
  // Gati's output folders are skipped at the top only (src/sdk/ is the app's).
  walk(root, '', (name) => name.startsWith('.') || OUTSIDE.has(name));
  for (const file of GENERATED) note(file, join(root, file), false);
  const before = lines.length;
  for (const part of GATI_PARTS) walk(join(GATI_LIB, part), `gati:${part}`, (name) => name.startsWith('.'));
  const gati = createHash('sha256').update(lines.slice(before).join('\n')).digest('hex');
  return { stamp: createHash('sha256').update(lines.join('\n')).digest('hex'), newest, files, gati };
}
