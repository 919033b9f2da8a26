// The JSON Schema emitter: one file per route (every input part, output status and WebSocket message) and per effect
// payload, under dist/schemas/, plus an index from route key to file.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { standaloneSchema, type JsonSchema } from './to-json-schema.js';

export { toJsonSchema, standaloneSchema, SCHEMA_DIALECT, type JsonSchema } from './to-json-schema.js';

export interface RouteSchemas {
  route: string;
  params?: JsonSchema;
  query?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
  /** Status → body schema; null for a status without a body. */
  responses: Record<string, JsonSchema | null>;
  /** A WebSocket route's messages: `in` from clients, `out` from the server. */
  messages?: { in: JsonSchema; out: JsonSchema };
}

export function routeSchemas(route: RouteModel, model: AppModel): RouteSchemas {
  const out: RouteSchemas = { route: route.key, responses: {} };
  for (const [part, type] of Object.entries(route.input)) {
    (out as unknown as Record<string, JsonSchema>)[part] = standaloneSchema(type, model.types);
  }
  for (const [status, type] of Object.entries(route.output)) {
    out.responses[status] = type.kind === 'void' ? null : standaloneSchema(type, model.types);
  }
  if (route.ws) out.messages = { in: standaloneSchema(route.ws.in, model.types), out: standaloneSchema(route.ws.out, model.types) };
  return out;
}

/** `POST /payments/:id/capture` → `post.payments.{id}.capture.json`; a wildcard is `{...}`. */
export function routeSchemaFile(route: { method: string; path: string }): string {
  const segments = route.path.split('/').filter(Boolean).map((s) => (s === '*' ? '{...}' : s.startsWith(':') ? `{${s.slice(1)}}` : s));
  return [route.method.toLowerCase(), ...segments].join('.') + '.json';
}

export function emit(model: AppModel): Artifact[] {
  const artifacts: Artifact[] = [];
  const index: Record<string, string> = {};
  for (const route of model.routes) {
    const file = routeSchemaFile(route);
    index[route.key] = file;
    artifacts.push(jsonArtifact(`dist/schemas/${file}`, routeSchemas(route, model)));
  }
  for (const effect of model.effects) {
    artifacts.push(jsonArtifact(`dist/schemas/effects/${effect.name}.json`, { effect: effect.name, payload: standaloneSchema(effect.payload, model.types) }));
  }
  artifacts.push(jsonArtifact('dist/schemas/index.json', { routes: index, effects: model.effects.map((e) => `effects/${e.name}.json`) }));
  return artifacts;
}
