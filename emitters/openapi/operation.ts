// One route → one OpenAPI operation: parameters from params/query/headers (each property one
// parameter with its schema), the JSON request body, every declared response and the shared
// problem responses for the statuses the route does not declare.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import { resolveRef, type GType, type ObjectType } from '../../model/gtype.js';
import type { JsonSchema } from '../schema/index.js';
import { problemStatuses } from './problem.js';

export const WILDCARD_PARAM = 'wildcard';

/** `/payments/:id/capture` → `/payments/{id}/capture`; the trailing `*` → `{wildcard}`. */
export function openApiPath(path: string): string {
  return path.split('/').map((s) => (s === '*' ? `{${WILDCARD_PARAM}}` : s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/');
}

export function operation(route: RouteModel, model: AppModel, operationId: string, schema: (t: GType) => JsonSchema): Record<string, unknown> {
  const op: Record<string, unknown> = { operationId, summary: route.key, tags: [route.name[0]], 'x-gati-file': route.file };
  const parameters = [...pathParameters(route, model, schema), ...partParameters(route, 'query', model, schema), ...partParameters(route, 'headers', model, schema)];
  if (parameters.length) op.parameters = parameters;
  const body = route.typed ? route.input.body : route.method === 'GET' || route.method === 'HEAD' ? undefined : ({ kind: 'unknown' } as GType);
  if (body) op.requestBody = { required: body.kind !== 'unknown' && !route.bodyOptional, content: { 'application/json': { schema: schema(body) } } };
  const responses: Record<string, unknown> = {};
  for (const [status, type] of Object.entries(route.output)) {
    responses[status] = type.kind === 'void'
      ? { description: `${status} (no body)` }
      : { description: `${status}`, content: { 'application/json': { schema: schema(type) } } };
  }
  for (const status of problemStatuses(route)) {
    if (!responses[status]) responses[status] = { $ref: `#/components/responses/Problem${status}` };
  }
  op.responses = responses;
  return op;
}

function pathParameters(route: RouteModel, model: AppModel, schema: (t: GType) => JsonSchema): unknown[] {
  const declared = route.typed ? objectOf(route.input.params, model) : undefined;
  return route.pathParams.map((name) => {
    const prop = declared?.properties.find((p) => p.name === name);
    const param: Record<string, unknown> = { name: name === '*' ? WILDCARD_PARAM : name, in: 'path', required: true, schema: prop ? schema(prop.type) : { type: 'string' } };
    if (name === '*') param.description = 'The rest of the path (may contain /).';
    else if (prop?.description) param.description = prop.description;
    return param;
  });
}

function partParameters(route: RouteModel, part: 'query' | 'headers', model: AppModel, schema: (t: GType) => JsonSchema): unknown[] {
  const object = route.typed ? objectOf(route.input[part], model) : undefined;
  if (!object) return [];
  // In name order, like every JSON key: reordering a query type's properties changes no byte.
  return [...object.properties].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => {
    const param: Record<string, unknown> = { name: p.name, in: part === 'query' ? 'query' : 'header', required: !p.optional, schema: schema(p.type) };
    if (p.description) param.description = p.description;
    // OpenAPI marks a deprecated parameter on the parameter itself (tools warn on its use), not only in its schema.
    if (p.type.deprecated) param.deprecated = true;
    // Query arrays are repeated keys (?status=a&status=b), OpenAPI's form/explode default, said aloud.
    if (part === 'query' && p.type.kind === 'array') Object.assign(param, { style: 'form', explode: true });
    return param;
  });
}

/** The object behind a part's type, following refs (`query: ListPaymentsQuery`). */
function objectOf(t: GType | undefined, model: AppModel): ObjectType | undefined {
  const resolved = t && resolveRef(t, model.types);
  return resolved?.kind === 'object' ? resolved : undefined;
}

