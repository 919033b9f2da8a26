// A step's route key (`POST /payments/:id/capture`): read, and turned into a URL path with the
// step's params.

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface RouteKey {
  method: string;
  path: string;
  /** The names of the path's parameters: `:name` segments, and `*` for a trailing wildcard. */
  params: string[];
}

const KEY = /^([A-Z]+) (\/\S*)$/;

/** The parts of a route key, or null when it is not `METHOD /path`. */
export function parseRouteKey(key: string): RouteKey | null {
  const m = KEY.exec(key);
  if (!m || !(METHODS as readonly string[]).includes(m[1]!)) return null;
  const path = m[2]!;
  const params = path.split('/').flatMap((segment) => (segment.startsWith(':') ? [segment.slice(1)] : segment === '*' ? ['*'] : []));
  return { method: m[1]!, path, params };
}

/** The path with each `:name` replaced by its value (encoded; the wildcard keeps its slashes). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return encodeURIComponent(values[segment.slice(1)] ?? '');
      if (segment === '*') return (values['*'] ?? '').split('/').map(encodeURIComponent).join('/');
      return segment;
    })
    .join('/');
}
