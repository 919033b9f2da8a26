// Finds an app's parts on disk: handlers, middleware, modules, effects, version changes, config.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CONFIG_FILE_NAMES } from '../../runtime-shim/config.js';

export interface DiscoveredApp {
  root: string;
  /** Absolute paths, sorted. */
  handlers: string[];
  middleware: string[];
  modules: string[];
  effects: string[];
  versionChanges: string[];
  configFiles: string[];
  hasHandlersDir: boolean;
}

export const CONFIG_NAMES = CONFIG_FILE_NAMES;

const SOURCE = /\.(m?ts|tsx|m?js|jsx)$/;
/** Declarations and tests live beside handlers without becoming routes. */
const NOT_SOURCE = /(\.d\.ts|\.(test|spec)\.(m?ts|tsx|m?js|jsx))$/;

/** A module interface file: `export declare function`s, no code. */
export const CONTRACT_FILE = /\.contract\.m?ts$/;

export function isSourceFile(name: string): boolean {
  return SOURCE.test(name) && !NOT_SOURCE.test(name);
}

export function discoverApp(root: string): DiscoveredApp {
  const handlersDir = join(root, 'src', 'handlers');
  const handlers: string[] = [];
  const middleware: string[] = [];
  for (const file of walk(handlersDir)) {
    const name = file.slice(file.lastIndexOf(sep) + 1);
    if (/^_middleware\.(m?ts|m?js)$/.test(name)) middleware.push(file);
    else if (!name.startsWith('_')) handlers.push(file);
  }
  return {
    root,
    handlers,
    middleware,
    // `<name>.contract.ts` declares a config module's interface (modules.<name>.interface), not a module.
    modules: listFlat(join(root, 'src', 'modules')).filter((f) => !CONTRACT_FILE.test(f)),
    effects: listFlat(join(root, 'src', 'effects')),
    versionChanges: listFlat(join(root, 'src', 'versions')),
    configFiles: CONFIG_NAMES.map((n) => join(root, n)).filter((p) => existsSync(p)),
    hasHandlersDir: isDirectory(handlersDir),
  };
}

/** Every source file below `dir`, depth first, sorted by name (deterministic across file systems). */
function walk(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (isSourceFile(name)) out.push(full);
  }
  return out;
}

function listFlat(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => isSourceFile(name) && !name.startsWith('_'))
    .map((name) => join(dir, name))
    .filter((full) => statSync(full).isFile());
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Path relative to the app root with '/' separators, as shown to users and stored in the model. */
export function relPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}
