// A step's request before its pre-request script: the route's path with its params, the query,
// the headers and the JSON body, each with `{{var}}` replaced from the flow's variables.
import type { Json, ScriptRequest } from '../sandbox/script-api.js';
import type { FlowStep } from './flow.js';
import { interpolateJson, interpolateText } from './interpolate.js';
import { fillPath, parseRouteKey } from './route-key.js';

/** Throws MissingVariable for a placeholder whose variable is not set. */
export function buildRequest(step: FlowStep, env: Record<string, Json>, baseUrl: string): ScriptRequest {
  const route = parseRouteKey(step.route);
  if (!route) throw new Error(`"${step.route}" is not a route key`);
  const params = Object.fromEntries(Object.entries(step.params ?? {}).map(([name, value]) => [name, interpolateText(String(value), env)]));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(step.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, interpolateText(String(item), env));
  }
  const query = search.toString();
  const url = `${baseUrl.replace(/\/+$/, '')}${fillPath(route.path, params)}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name.toLowerCase()] = interpolateText(value, env);
  const request: ScriptRequest = { method: route.method, url, headers };
  if (step.body !== undefined) {
    request.body = interpolateJson(step.body, env);
    headers['content-type'] ??= 'application/json';
  }
  return request;
}
