// The compiled dev modules kept in .gati/cache by content, for a start without the last run's
// state (.gati/dev/state.json: taken by the start that read it, absent after a crash, a `gati
// build` or a start from a checkout whose files' times changed): the modules in .gati/dev/modules
// are taken up for every file whose content is as it was compiled, and only the others (and their
// importers) are compiled again, instead of the whole app (~1 s on the 500-handler app).
// A module is taken only when all of these are as they were when it was recorded:
//   - Gati's own code (scanInputs' `gati`), and the list of the app's files (a file added or
//     removed can change how an import resolves);
//   - the content of every package.json and tsconfig in the app (how imports resolve), and of every
//     file a module inlines (JSON and kin): any of these changed, and nothing is taken;
//   - its source's content (else it is compiled again), and its output file, by size and time (a
//     later run may have written another version of it since: then it is compiled again too).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { statStamp } from './bundle.js';
import type { InputsStamp } from './dev-inputs.js';

export const RECORD_FILE = '.gati/cache/dev-modules.json';

/** Files whose change can change how any import resolves. */
const RESOLUTION = /(^|\/)(package\.json|[jt]sconfig[^/]*\.json)$/;

export interface ModuleRecord {
  gati: string;
  /** The app's file names (scanInputs), joined. */
  names: string;
  /** package.json and tsconfig files of the app → content hash. */
  resolution: [string, string][];
  /** Each module's source (relative to the root) → its content hash, and its output file's size and time. */
  modules: [string, string, string][];
  /** Each file a module inlines → its content hash. */
  inlined: [string, string][];
  generation: number;
  versions: [string, number][];
  deps: [string, string[]][];
}

/** Content hashes by file, kept while a file's size and time hold (save() runs each time gati dev is idle). */
export class ContentHashes {
  private readonly memo = new Map<string, { stamp: string; hash: string }>();

  /** The content hash of `file` (absolute), or '-' when it cannot be read. */
  of(file: string): string {
    const stamp = statStamp(file);
    if (stamp === '') return '-';
    const known = this.memo.get(file);
    if (known?.stamp === stamp) return known.hash;
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
    this.memo.set(file, { stamp, hash });
    return hash;
  }
}

/** The record of the modules as they stand (`versions`, `deps`: absolute paths), the app as `inputs` found it. */
export function makeRecord(root: string, inputs: InputsStamp, hashes: ContentHashes, outOf: (file: string) => string, generation: number, versions: Map<string, number>, deps: Map<string, Set<string>>): ModuleRecord {
  const rel = (abs: string) => relative(root, abs);
  const inlined = new Set([...deps.values()].flatMap((set) => [...set].filter((file) => !versions.has(file))));
  return {
    gati: inputs.gati,
    names: namesOf(inputs),
    resolution: resolutionFiles(inputs).map((file) => [file, hashes.of(join(root, file))]),
    modules: [...versions.keys()].map((abs) => [rel(abs), hashes.of(abs), statStamp(outOf(abs))]),
    inlined: [...inlined].map((abs) => [rel(abs), hashes.of(abs)]),
    generation,
    versions: [...versions].map(([abs, v]) => [rel(abs), v]),
    deps: [...deps].map(([abs, set]) => [rel(abs), [...set].map(rel)]),
  };
}

/**
 * The modules of `record` to compile again (absolute paths) when the rest can be taken up; undefined
 * when nothing can (see the head of this file).
 */
export function staleModules(root: string, record: ModuleRecord, inputs: InputsStamp, hashes: ContentHashes, outOf: (file: string) => string): string[] | undefined {
  if (record.gati !== inputs.gati || record.names !== namesOf(inputs)) return undefined;
  const resolution = resolutionFiles(inputs).map((file) => [file, hashes.of(join(root, file))]);
  if (JSON.stringify(resolution) !== JSON.stringify(record.resolution)) return undefined;
  if (record.inlined.some(([file, hash]) => hashes.of(join(root, file)) !== hash)) return undefined;
  return record.modules
    .filter(([file, hash, output]) => hashes.of(join(root, file)) !== hash || statStamp(outOf(join(root, file))) !== output)
    .map(([file]) => join(root, file));
}

function namesOf(inputs: InputsStamp): string {
  return Object.keys(inputs.files).join('\n');
}

function resolutionFiles(inputs: InputsStamp): string[] {
  return Object.keys(inputs.files).filter((file) => RESOLUTION.test(file));
}
