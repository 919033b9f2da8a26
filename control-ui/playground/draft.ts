// The request editor's state for one route, as text fields, and its conversion to and from a flow
// step: params and query as strings (`{{var}}` allowed), headers as `name: value` lines, the body
// as JSON text, the scripts as text.
import type { FlowStep, Json } from '../../playground/index';
import type { PlaygroundRoute } from '../../runtime-shim/control/playground/playground-types';
import { exampleOf } from './schema-example';

export interface Draft {
  name: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: string;
  body: string;
  pre: string;
  post: string;
}

/** The names of an object schema's properties (params, query, headers). */
export const fieldsOf = (schema: Record<string, unknown> | undefined): string[] => Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {});

export const requiredOf = (schema: Record<string, unknown> | undefined): Set<string> => new Set(Array.isArray(schema?.required) ? (schema!.required as string[]) : []);

/** Path parameters: the schema's, else the `:name` segments of the path. */
export function paramNames(route: PlaygroundRoute): string[] {
  const fromSchema = fieldsOf(route.input.params);
  return fromSchema.length ? fromSchema : route.path.split('/').filter((s) => s.startsWith(':') || s === '*').map((s) => (s === '*' ? '*' : s.slice(1)));
}

export function newDraft(route: PlaygroundRoute): Draft {
  const body = route.kind === 'ws' ? undefined : route.input.body;
  return {
    name: `${route.method.toLowerCase()} ${route.path}`,
    params: Object.fromEntries(paramNames(route).map((n) => [n, ''])),
    query: {},
    headers: [...requiredOf(route.input.headers)].map((h) => `${h}: `).join('\n'),
    body: body ? JSON.stringify(exampleOf(body), null, 2) : '',
    pre: '',
    post: '',
  };
}

/** Header lines → an object; lines without a colon are ignored. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0 && line.slice(0, at).trim()) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}

/** The body's JSON, or the parse error. */
export function parseBody(text: string): { value?: Json; error?: string } {
  if (!text.trim()) return {};
  try {
    return { value: JSON.parse(text) as Json };
  } catch (error) {
    return { error: `the body is not JSON: ${(error as Error).message}` };
  }
}

export function draftToStep(route: PlaygroundRoute, draft: Draft): FlowStep {
  const step: FlowStep = { name: draft.name.trim() || route.key, route: route.key };
  const params = Object.fromEntries(Object.entries(draft.params).filter(([, v]) => v !== ''));
  if (Object.keys(params).length) step.params = params;
  const query = Object.fromEntries(Object.entries(draft.query).filter(([, v]) => v !== ''));
  if (Object.keys(query).length) step.query = query;
  const headers = Object.fromEntries(Object.entries(parseHeaderLines(draft.headers)).filter(([, v]) => v !== ''));
  if (Object.keys(headers).length) step.headers = headers;
  const body = parseBody(draft.body);
  if (body.value !== undefined) step.body = body.value;
  if (draft.pre.trim()) step.pre = draft.pre.includes('\n') ? draft.pre.split('\n') : draft.pre;
  if (draft.post.trim()) step.post = draft.post.includes('\n') ? draft.post.split('\n') : draft.post;
  return step;
}

export function stepToDraft(step: FlowStep): Draft {
  const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('\n') : s ?? '');
  return {
    name: step.name,
    params: Object.fromEntries(Object.entries(step.params ?? {}).map(([k, v]) => [k, String(v)])),
    query: Object.fromEntries(Object.entries(step.query ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])),
    headers: Object.entries(step.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n'),
    body: step.body === undefined ? '' : JSON.stringify(step.body, null, 2),
    pre: text(step.pre),
    post: text(step.post),
  };
}
