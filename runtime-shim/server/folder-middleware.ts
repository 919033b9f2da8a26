// The middleware of an answer that no route gives: a 404, a 410 for a route an old API version
// lost, a 400 for a path whose percent-encoding is broken. A route's chain is its folders'
// `_middleware` files; a path without a route gets the files of the folders it walks through in
// the handler tree, outermost first, so `/notes/nope` gets src/handlers/_middleware.ts and
// src/handlers/notes/_middleware.ts (auth and CORS hold on 404s too, and an unauthenticated client
// cannot tell which paths exist).
import type { Middleware } from '../types.js';

/** One `_middleware` file: the URL path of its folder (`notes/[id]` → `/notes/:id`) and what it exports. */
export interface FolderMiddleware {
  path: string;
  middleware: Middleware[];
}

const NONE: Middleware[] = [];

/** `(path) => chain`: the middleware of the folders `path` walks through, outermost first. */
export function folderChains(folders: FolderMiddleware[] | undefined): (path: string) => Middleware[] {
  if (!folders || folders.length === 0) return () => NONE;
  const scopes = folders.map((f) => ({ segments: f.path.split('/').filter((s) => s !== ''), middleware: f.middleware }));
  return (path) => {
    const segments = path.split('/');
    let chain = NONE;
    for (const scope of scopes) if (under(segments, scope.segments)) chain = chain.concat(scope.middleware);
    return chain;
  };
}

/**
 * Whether the request path (split on '/', so it starts with '') lies under the folder: its segments
 * compared as the router compares them (literals as received, `:param` any non-empty segment, `*` the rest).
 */
function under(path: string[], folder: string[]): boolean {
  for (let i = 0; i < folder.length; i++) {
    const want = folder[i]!;
    if (want === '*') return true;
    const got = path[i + 1];
    if (got === undefined || got === '') return false;
    if (want[0] !== ':' && want !== got) return false;
  }
  return true;
}
