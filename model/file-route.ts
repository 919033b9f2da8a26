// Routes from file paths (docs/handlers.md): `users/[id].get.ts` → GET /users/:id, `index.ts` is the
// folder's own path, no method suffix means GET, `[...rest].ts` is a trailing wildcard (Next.js style).
import { HTTP_METHODS, type HttpMethod } from './app-model.js';

export interface FileRoute {
  method: HttpMethod;
  path: string;
  /** Client method name segments: `payments/capture.ts` → ['payments', 'capture']. */
  name: string[];
}

const SOURCE_EXTENSION = /\.(m?ts|tsx|m?js|jsx)$/;

/** `relPath` is relative to src/handlers, with '/' separators. */
export function routeFromFilePath(relPath: string): FileRoute {
  const parts = relPath.replace(SOURCE_EXTENSION, '').split('/');
  let base = parts.pop()!;
  let method: HttpMethod = 'GET';
  const dot = base.lastIndexOf('.');
  if (dot > 0) {
    const suffix = base.slice(dot + 1).toUpperCase();
    if ((HTTP_METHODS as readonly string[]).includes(suffix)) {
      method = suffix as HttpMethod;
      base = base.slice(0, dot);
    }
  }
  const segments = base === 'index' ? parts : [...parts, base];
  const path = '/' + segments.map(toPathSegment).join('/');
  return { method, path, name: clientName(parts, base, method) };
}

function toPathSegment(segment: string): string {
  if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return '*';
  const param = /^\[([^\]]+)\]$/.exec(segment);
  return param ? `:${param[1]}` : segment;
}

/**
 * The named client method: folders without their [param] segments, then the file name, or the
 * method when the file is `index` or a [param] (`payments/[id].delete.ts` → payments.delete).
 * Collisions are settled by the client emitter.
 */
function clientName(folders: string[], base: string, method: HttpMethod): string[] {
  const isParam = (s: string) => s.startsWith('[');
  const last = base === 'index' || isParam(base) ? method.toLowerCase() : base;
  return [...folders.filter((f) => !isParam(f)), last].map(camel);
}

function camel(word: string): string {
  return word.replace(/[-_.\s]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, '');
}
