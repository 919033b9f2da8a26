// The panel's single-page app, as files: index.html for /_control and every page path, and
// /_control/assets/<name> (names only: no folders, no dots first). Looked up in the app's
// dist/control-ui (the bundle copies them there), else the gati package's lib/control-ui (`gati dev`
// from a source checkout); without either, a short page says the UI is not built. Text files, and
// one binary kind: the playground's QuickJS sandbox (.wasm, fetched only by the playground page).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingRequest, OutgoingResponse } from '../server/wire.js';
import { CONTROL_HEADERS, problemAnswer } from './answers.js';
import { first } from './auth/request-origin.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
/** Served as bytes; everything else as UTF-8 text. */
const BINARY = new Set(['.wasm']);

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control panel</title></head><body><h1>The control panel's UI is not built</h1><p>Its API answers under /_control/api. Build the UI with <code>node scripts/build.mjs</code> in the gati package, or rebuild the app with <code>gati build</code>.</p></body></html>`;

/** The package's own lib/control-ui, when this module runs from lib/ (not from an app's bundle). */
function packageUiDir(): string | undefined {
  try {
    const dir = fileURLToPath(new URL('../../control-ui/', import.meta.url));
    return basename(dirname(dir)) === 'lib' ? dir : undefined;
  } catch {
    return undefined;
  }
}

interface CachedFile { mtimeMs: number; size: number; body: Buffer; etag: string }

export function createUiFiles(appRoot: () => string): { page(req: IncomingRequest): OutgoingResponse; asset(req: IncomingRequest, name: string): OutgoingResponse } {
  const cache = new Map<string, CachedFile>();
  const fromPackage = packageUiDir();
  const read = (path: string): CachedFile | undefined => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit;
    const body = readFileSync(path);
    const file = { mtimeMs: stat.mtimeMs, size: stat.size, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    cache.set(path, file);
    return file;
  };
  const find = (relative: string): { file: CachedFile; path: string } | undefined => {
    for (const dir of [join(appRoot(), 'dist', 'control-ui'), fromPackage]) {
      if (!dir) continue;
      const path = join(dir, relative);
      const file = read(path);
      if (file) return { file, path };
    }
    return undefined;
  };
  const serve = (req: IncomingRequest, found: { file: CachedFile; path: string }): OutgoingResponse => {
    const headers = { ...CONTROL_HEADERS, 'content-type': TYPES[extname(found.path)]!, etag: found.file.etag };
    if (first(req.headers['if-none-match']) === found.file.etag) return { status: 304, headers, body: undefined };
    if (BINARY.has(extname(found.path))) return { status: 200, headers, body: undefined, bytes: found.file.body };
    return { status: 200, headers, body: found.file.body.toString('utf8') };
  };
  return {
    page(req) {
      const found = find('index.html');
      return found ? serve(req, found) : { status: 200, headers: { ...CONTROL_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body: NOT_BUILT };
    },
    asset(req, name) {
      if (!ASSET_NAME.test(name) || TYPES[extname(name)] === undefined) return problemAnswer(404);
      const found = find(join('assets', name));
      return found ? serve(req, found) : problemAnswer(404);
    },
  };
}
