// Parses and checks a route string `'<METHOD> <path>'` (docs/handlers.md).
import { HTTP_METHODS, type HttpMethod } from './app-model.js';

export interface ParsedRoute {
  method: HttpMethod;
  path: string;
  /** `:name` segments in order, and `*` for a trailing wildcard. */
  params: string[];
}

export type RouteParseResult = { ok: true; route: ParsedRoute } | { ok: false; reason: string };

const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const LITERAL_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=@%]+$/;

export function parseRouteString(text: string): RouteParseResult {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (!match) return { ok: false, reason: `'${text}' is not '<METHOD> <path>'` };
  const method = match[1]!;
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return { ok: false, reason: `unknown method '${method}'` };
  }
  const checked = checkPath(match[2]!);
  if (!checked.ok) return checked;
  return { ok: true, route: { method: method as HttpMethod, path: checked.path, params: checked.params } };
}

export function checkPath(path: string): { ok: true; path: string; params: string[] } | { ok: false; reason: string } {
  if (!path.startsWith('/')) return { ok: false, reason: `the path '${path}' does not start with '/'` };
  if (path.includes('?') || path.includes('#')) return { ok: false, reason: `the path '${path}' holds a query or fragment` };
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const params: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === '' ) {
      if (last) break; // a trailing slash is allowed and ignored
      return { ok: false, reason: `the path '${path}' has an empty segment` };
    }
    if (segment === '*') {
      if (!last) return { ok: false, reason: `the wildcard '*' must be the last segment of '${path}'` };
      params.push('*');
    } else if (segment.startsWith(':')) {
      const name = segment.slice(1);
      if (!PARAM_NAME.test(name)) return { ok: false, reason: `'${segment}' is not a valid parameter name` };
      if (params.includes(name)) return { ok: false, reason: `the parameter ':${name}' appears twice` };
      params.push(name);
    } else if (segment.includes('*') || segment.includes(':') || !LITERAL_SEGMENT.test(segment)) {
      return { ok: false, reason: `'${segment}' is not a valid path segment (use literals, ':name' or a final '*')` };
    }
  }
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return { ok: true, path: normalized, params };
}

/** `GET /things/:id` → `GET /things/:`: routes that differ only by path parameter names. */
export const routeShape = (key: string) => key.replace(/:[^/]+/g, ':');
