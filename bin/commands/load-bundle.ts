// Imports a built server bundle. Each import gets a fresh URL, so `gati dev` loads a new build
// beside the one serving (ESM caches modules by URL).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompiledApp } from '../../runtime-shim/server/app.js';
import type { prepareApp, runMain, createLogger } from '../../runtime-shim/server/index.js';

export interface LoadedBundle {
  app: CompiledApp;
  runMain: typeof runMain;
  prepareApp: typeof prepareApp;
  createLogger: typeof createLogger;
}

let generation = 0;

/**
 * The validator modules `gati dev` leaves outside the bundle call `require()` for AJV's helpers, as
 * AJV's standalone code does; give them one that resolves from Gati's own dependencies.
 */
export function provideRequire(): void {
  const g = globalThis as { require?: NodeRequire };
  g.require ??= createRequire(import.meta.url);
}

/** Loads dist/app.mjs (the bundle behind the dist/server.mjs launcher), with source maps on. */
export async function loadBundle(root: string): Promise<LoadedBundle> {
  process.setSourceMapsEnabled(true);
  provideRequire();
  const file = join(root, 'dist', 'app.mjs');
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`gati build\` first`);
  return (await import(`${pathToFileURL(file).href}?v=${++generation}`)) as LoadedBundle;
}
