// Loads gati.config.{ts,mts,js,mjs,json,yaml,yml} and validates it. A script config is bundled by
// esbuild (its `gati` import resolved to this package) and imported from .gati/cache.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { validateConfig } from './validate-config.js';
import { locate } from '../diagnostics/location.js';

export interface LoadedConfig {
  config: GatiConfig;
  /** The file it came from, relative to the app root; undefined when there is none. */
  file?: string;
}

const GATI_ENTRY = fileURLToPath(new URL('../../runtime-shim/index.js', import.meta.url));

export async function loadConfig(root: string, configFiles: string[], diagnostics: DiagnosticBag): Promise<LoadedConfig> {
  if (configFiles.length === 0) return { config: {} };
  const names = configFiles.map((f) => basename(f));
  if (configFiles.length > 1) {
    diagnostics.report('GATI4004', `found ${names.join(' and ')}; Gati reads one config file`, { span: locate({ file: names[0]!, line: 1, column: 1 }, readText(configFiles[0]!)) });
    return { config: {} };
  }
  const path = configFiles[0]!;
  const file = names[0]!;
  // Read once: diagnostics copy their lines from this text, the frame never reads the file again.
  const text = readText(path);
  let raw: unknown;
  try {
    raw = await readConfigFile(root, path);
  } catch (error) {
    const e = error as Error & { errors?: { text: string; location?: { line: number; column: number } }[]; linePos?: { line: number; col: number }[] };
    const loc = e.errors?.[0]?.location;
    const span = loc ? { file, line: loc.line, column: loc.column + 1 } : e.linePos?.[0] ? { file, line: e.linePos[0].line, column: e.linePos[0].col } : jsonSpan(e, path, file) ?? stackSpan(e, path, file);
    diagnostics.report('GATI4003', `${file} could not be loaded: ${e.errors?.[0]?.text ?? e.message.split('\n')[0]}`, { span: locate(span, text) });
    return { config: {}, file };
  }
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.report('GATI4003', `${file} must export a config object (got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw})`, { span: locate({ file, line: 1, column: 1 }, text) });
    return { config: {}, file };
  }
  const ok = validateConfig(raw, file, text ?? readFileSync(path, 'utf8'), diagnostics, root);
  return { config: ok ? (raw as GatiConfig) : {}, file };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readConfigFile(root: string, path: string): Promise<unknown> {
  if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8'));
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    const { parse } = await import('yaml');
    return parse(readFileSync(path, 'utf8'), { prettyErrors: true });
  }
  // Scripts go through esbuild even when plain JS: its syntax errors carry line and column.
  const mod = (await import(await bundleConfig(root, path))) as { default?: unknown };
  return mod.default;
}

async function bundleConfig(root: string, path: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    packages: 'external',
    alias: { gati: GATI_ENTRY },
  });
  const code = result.outputFiles[0]!.text;
  const dir = join(root, '.gati', 'cache');
  mkdirSync(dir, { recursive: true });
  // Named by content: a changed config gets a new URL, which the ESM loader has not cached.
  const out = join(dir, `config.${createHash('sha256').update(code).digest('hex').slice(0, 12)}.mjs`);
  writeFileSync(out, code);
  return pathToFileURL(out).href;
}

/** The config file's own line in a load error's stack (`file:///…/gati.config.mjs:3:5`), else its start. */
function stackSpan(error: Error, path: string, file: string): { file: string; line: number; column: number } {
  const url = pathToFileURL(path).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${url}:(\\d+)(?::(\\d+))?`).exec(error.stack ?? '');
  return match ? { file, line: Number(match[1]), column: match[2] ? Number(match[2]) : 1 } : { file, line: 1, column: 1 };
}

/** JSON.parse says "at position N": turn that into a line and column. */
function jsonSpan(error: Error, path: string, file: string): { file: string; line: number; column: number } | undefined {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (!path.endsWith('.json') || position === undefined) return undefined;
  const before = readFileSync(path, 'utf8').slice(0, Number(position));
  return { file, line: before.split('\n').length, column: Number(position) - before.lastIndexOf('\n') };
}
