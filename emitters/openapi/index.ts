// The OpenAPI emitter: dist/openapi.json, OpenAPI 3.1. Its schemas are the JSON Schema (2020-12)
// of emitters/schema with named types under components.schemas, so the document describes exactly
// what the validators accept.
import type { AppModel } from '../../model/app-model.js';
import { reachableTypeIds, type GType } from '../../model/gtype.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { methodNames, operationId } from '../client/names.js';
import { toJsonSchema, type JsonSchema } from '../schema/index.js';
import { openApiPath, operation } from './operation.js';
import { PROBLEM_RESPONSES, PROBLEM_SCHEMA } from './problem.js';
import { PROBLEM_TYPE } from '../../runtime-shim/server/wire.js';

export interface OpenApiEmitOptions {
  /** The API semver (info.version); undefined until the app has versions: 0.0.0. */
  apiVersion?: string;
}

/** `#/$defs/<id>` (emitters/schema) → `#/components/schemas/<id>`. */
export function componentSchema(t: GType): JsonSchema {
  return rewriteRefs(toJsonSchema(t)) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${v.slice(8)}` : rewriteRefs(v);
  }
  return out;
}

export function openApiDocument(model: AppModel, options: OpenApiEmitOptions = {}): Record<string, unknown> {
  const ids = reachableTypeIds(model.routes.flatMap((r) => [...Object.values(r.input), ...Object.values(r.output)]), model.types);
  // The shared problem schema is `Problem`, unless the app has a type of that name.
  const problemName = ids.includes('Problem') ? 'GatiProblem' : 'Problem';
  const names = methodNames(model.routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of model.routes) {
    if (route.method === 'WS') continue; // WebSocket routes have no OpenAPI form
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, model, operationId(names.get(route.key)!), componentSchema);
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const id of ids) schemas[id] = componentSchema(model.types[id]!.type);
  schemas[problemName] = PROBLEM_SCHEMA;
  const responses = Object.fromEntries(Object.entries(PROBLEM_RESPONSES).map(([status, description]) => [
    `Problem${status}`,
    { description, content: { [PROBLEM_TYPE]: { schema: { $ref: `#/components/schemas/${problemName}` } } } },
  ]));
  return {
    openapi: '3.1.0',
    info: { title: model.app.name, version: options.apiVersion ?? '0.0.0' },
    paths,
    components: { schemas, responses },
  };
}

export function emit(model: AppModel, options: OpenApiEmitOptions = {}): Artifact[] {
  return [jsonArtifact('dist/openapi.json', openApiDocument(model, options))];
}
