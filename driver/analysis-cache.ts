// The analysis's result (the app model) kept on disk between runs, in .gati/cache/analysis.json:
// `gati build` and `gati dev` leave it after a full analysis, and the next `gati dev` takes it up
// instead of analysing the app again (~2 s on 500 handlers) when nothing the analysis read has
// changed since. A stale entry must never serve old types, so it is taken only when all of these
// are as they were:
//   - Gati's own code (lib/, by size and time) and the analyzer's options (from the config);
//   - the list of the app's files (a file added or removed can change discovery or an import's resolution);
//   - the content of every file the analysis's program read in the app (and outside it but not in
//     a package), and of the app's JSON files (package.json, tsconfig: how imports resolve);
//   - the size and time of every package file it read (node_modules, TypeScript's own libs).
// It is written only when no app file changed while the analysis ran (its inputs' stamp before
// and after are equal), and only for an analysis without errors.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AnalyzeResult } from '../compiler/analyze/analyzer.js';
import type { AppModel } from '../model/app-model.js';
import { writeAtomically } from './bundle.js';
import { scanInputs, type InputsStamp } from './dev-inputs.js';

const FILE = '.gati/cache/analysis.json';

interface SavedAnalysis {
  /** Gati's code (see scanInputs). */
  gati: string;
  /** The analyzer's options (what the config makes of them). */
  options: string;
  /** The app's files, by name. */
  names: string;
  /** Each file the analysis depends on (relative to the root, or absolute outside it) → its content hash or size and time. */
  files: [string, string][];
  model: AppModel;
  stats: { files: number };
}

/**
 * The saved analysis of the app at `root` with these analyzer `options` (a key: any JSON), when
 * nothing it depends on changed since; undefined otherwise (a miss costs the reads: ~20 ms).
 */
export function readAnalysis(root: string, options: string): AnalyzeResult | undefined {
  const started = performance.now();
  let saved: SavedAnalysis;
  try {
    saved = JSON.parse(readFileSync(join(root, FILE), 'utf8')) as SavedAnalysis;
  } catch {
    return undefined;
  }
  const inputs = scanInputs(root);
  if (saved.gati !== inputs.gati || saved.options !== options || saved.names !== namesOf(inputs)) return undefined;
  for (const [file, stamp] of saved.files) if (fileStamp(root, file) !== stamp) return undefined;
  // Its warnings are not kept: the full analysis that follows a start from the cache reports them.
  return { model: saved.model, diagnostics: [], stats: { files: saved.stats.files, analyzed: 0, programMs: 0, analyzeMs: performance.now() - started } };
}

/**
 * Saves `result` (a full analysis without errors, whose program read `programFiles`) when the
 * app's files are as they were before it started (`before`: scanInputs then, so that an edit
 * during the analysis leaves nothing saved); otherwise removes what an earlier run saved.
 */
export function saveAnalysis(root: string, options: string, before: InputsStamp, result: AnalyzeResult, programFiles: { fileName: string; text: string }[]): boolean {
  const file = join(root, FILE);
  const after = scanInputs(root);
  // The app's own files and Gati (not the generated files scanInputs also stamps: the build writes them meanwhile).
  const unchanged = after.gati === before.gati && JSON.stringify(after.files) === JSON.stringify(before.files);
  if (!unchanged || result.diagnostics.some((d) => d.severity === 'error')) {
    rmSync(file, { force: true });
    return false;
  }
  const files = new Map<string, string>();
  for (const { fileName, text } of programFiles) {
    const key = keyOf(root, fileName);
    files.set(key, byContent(fileName) ? contentHash(text) : fileStamp(root, key));
  }
  for (const name of Object.keys(after.files)) if (name.endsWith('.json')) files.set(name, fileStamp(root, name));
  const saved: SavedAnalysis = { gati: after.gati, options, names: namesOf(after), files: [...files], model: result.model, stats: { files: result.stats.files } };
  writeAtomically(file, JSON.stringify(saved));
  return true;
}

function namesOf(inputs: InputsStamp): string {
  return createHash('sha256').update(Object.keys(inputs.files).join('\n')).digest('hex');
}

/** A file by its path relative to the root inside it (`/`-separated), absolute outside. */
function keyOf(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') || rel === file ? file : rel.split(sep).join('/');
}

/** Package files (node_modules: TypeScript's libs, @types, the app's dependencies) by size and time; the rest by content. */
function byContent(file: string): boolean {
  return !file.split(/[\\/]/).includes('node_modules');
}

/** The file's content hash (text as TypeScript reads it: UTF-8, no BOM), or its size and time for a package file; '-' when missing. */
function fileStamp(root: string, key: string): string {
  const file = key.startsWith('/') || /^[A-Za-z]:/.test(key) ? key : join(root, key);
  try {
    if (!byContent(file)) {
      const stat = statSync(file);
      return `${stat.size}:${stat.mtimeMs}`;
    }
    return contentHash(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return '-';
  }
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
