// Finds the endpoint of a path under /_control/api/ and its parameters.
import type { ControlEndpoint } from './endpoint.js';

export type EndpointMatch = { endpoint: ControlEndpoint; params: Record<string, string> } | { allow: string[] } | undefined;

export function matchEndpoint(endpoints: readonly ControlEndpoint[], method: string, path: string): EndpointMatch {
  const segments = path.split('/').filter(Boolean);
  const allow: string[] = [];
  for (const endpoint of endpoints) {
    const params = matchPattern(endpoint.path, segments);
    if (!params) continue;
    if (endpoint.method === method) return { endpoint, params };
    allow.push(endpoint.method);
  }
  return allow.length ? { allow } : undefined;
}

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) {
      try {
        params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
      } catch {
        return undefined;
      }
    } else if (parts[i] !== segments[i]) return undefined;
  }
  return params;
}
