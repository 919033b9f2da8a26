// What the slow emitters computed, kept on disk between runs of `gati dev` / `gati watch`: the
// validator modules (AJV's standalone code, ~5 s for 500 routes on a loaded 2-core machine) and the
// control panel's topology layout (elkjs, as long), each by the key their emitter already computes
// from its inputs. A start on an unchanged app then reads them instead of computing them again.
//
// The caches live under .gati/cache/emit/<stamp>/, where the stamp is Gati's emitters and model code
// and the versions of AJV and elkjs: another Gati makes other files, and a new stamp's folder
// replaces the others. A read that fails is a miss; a write goes to a temporary file renamed into
// place, off the thread (an interrupted write leaves no half file to read). `gati build` writes the
// caches without reading them (writeOnly): a `gati dev` after it finds what the build computed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = '.gati/cache/emit';
/** Gati's compiled code whose output the caches hold (lib/emitters, lib/model). */
const GATI_LIB = fileURLToPath(new URL('..', import.meta.url));
const CODE_PARTS = ['emitters', 'model'];
const LIBRARIES = ['ajv/package.json', 'elkjs/package.json'];

export interface DiskCacheOptions<V> {
  encode(value: V): string;
  decode(text: string): V;
  ext: string;
  /**
   * Only the last value set is kept, on disk and not in memory (the topology layout: ~1 MB on a
   * 500-route app, one per graph; its emitter holds the last one itself). Otherwise every value
   * is held in memory, as a Map, and on disk; files not written for a week are removed at start.
   */
  latestOnly?: boolean;
  /**
   * Values are written, never read from the disk (`gati build`: it computes everything itself,
   * and leaves what it computed for the next `gati dev`). Held in memory unless latestOnly.
   */
  writeOnly?: boolean;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** A Map that also keeps what is set in one file per key (`dir`/<hash of the key>), and reads it back on a miss. */
export class DiskCache<V> extends Map<string, V> {
  constructor(private readonly dir: string, private readonly options: DiskCacheOptions<V>) {
    super();
    mkdirSync(dir, { recursive: true });
    if (!options.latestOnly) this.prune((file) => Date.now() - statSync(file).mtimeMs > WEEK_MS);
  }

  override get(key: string): V | undefined {
    const held = super.get(key);
    if (held !== undefined || this.options.writeOnly) return held;
    let value: V;
    try {
      value = this.options.decode(readFileSync(this.fileOf(key), 'utf8'));
    } catch {
      return undefined;
    }
    if (!this.options.latestOnly) super.set(key, value);
    return value;
  }

  override set(key: string, value: V): this {
    if (!this.options.latestOnly) super.set(key, value);
    const file = this.fileOf(key);
    // A key's value is the same whoever computes it: a build leaves the files already there.
    if (this.options.writeOnly && existsSync(file)) return this;
    const temp = `${file}.${process.pid}.tmp`;
    const written = writeFile(temp, this.options.encode(value)).then(() => rename(temp, file));
    void written.then(() => this.options.latestOnly && this.prune((other) => other !== file && !other.endsWith('.tmp'))).catch(() => rmSync(temp, { force: true }));
    return this;
  }

  /** Removes the cache's files that `stale` picks (errors ignored: another process may be at it too). */
  private prune(stale: (file: string) => boolean): void {
    try {
      for (const name of readdirSync(this.dir)) {
        const file = join(this.dir, name);
        if (stale(file)) rmSync(file, { force: true });
      }
    } catch {}
  }

  private fileOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}${this.options.ext}`);
  }
}

/** The folder for this Gati's caches in the app at `root` (other stamps' folders removed). */
export function emitCacheDir(root: string): string {
  const stamp = gatiStamp();
  const base = join(root, ROOT);
  try {
    for (const name of readdirSync(base)) if (name !== stamp) rmSync(join(base, name), { recursive: true, force: true });
  } catch {}
  return join(base, stamp);
}

let stamp: string | undefined;

/** Gati's emitter and model code (by size and time) and the libraries they run: what the cached outputs depend on besides their keys. */
function gatiStamp(): string {
  if (stamp) return stamp;
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        const s = statSync(path);
        lines.push(`${path}\0${s.size}\0${s.mtimeMs}`);
      }
    }
  };
  for (const part of CODE_PARTS) walk(join(GATI_LIB, part));
  const require = createRequire(import.meta.url);
  for (const lib of LIBRARIES) lines.push(`${lib}\0${(require(lib) as { version: string }).version}`);
  stamp = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  return stamp;
}
