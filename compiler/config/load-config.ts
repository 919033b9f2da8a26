// Loads gati.config.{ts,mts,js,mjs,json,yaml,yml} and validates it. A TypeScript config is bundled
// by esbuild (its `gati` import resolved to this package) and imported from .gati/cache.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { validateConfig } from './validate-config.js';

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
    diagnostics.report('GATI4004', `found ${names.join(' and ')}; Gati reads one config file`, { span: { file: names[0]!, line: 1, column: 1 } });
    return { config: {} };
  }
  const path = configFiles[0]!;
  const file = names[0]!;
  let raw: unknown;
  try {
    raw = await readConfigFile(root, path);
  } catch (error) {
    const e = error as Error & { errors?: { text: string; location?: { line: number; column: number } }[]; linePos?: { line: number; col: number }[] };
    const loc = e.errors?.[0]?.location;
    const span = loc ? { file, line: loc.line, column: loc.column + 1 } : e.linePos?.[0] ? { file, line: e.linePos[0].line, column: e.linePos[0].col } : { file, line: 1, column: 1 };
    diagnostics.report('GATI4003', `${file} could not be loaded: ${e.errors?.[0]?.text ?? e.message.split('\n')[0]}`, { span });
    return { config: {}, file };
  }
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.report('GATI4003', `${file} must export a config object (got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw})`, { span: { file, line: 1, column: 1 } });
    return { config: {}, file };
  }
  const ok = validateConfig(raw, file, readFileSync(path, 'utf8'), diagnostics);
  return { config: ok ? (raw as GatiConfig) : {}, file };
}

async function readConfigFile(root: string, path: string): Promise<unknown> {
  if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8'));
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    const { parse } = await import('yaml');
    return parse(readFileSync(path, 'utf8'), { prettyErrors: true });
  }
  let url = pathToFileURL(path).href;
  if (path.endsWith('.ts') || path.endsWith('.mts')) url = await bundleTsConfig(root, path);
  const mod = (await import(url)) as { default?: unknown };
  return mod.default;
}

async function bundleTsConfig(root: string, path: string): Promise<string> {
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
