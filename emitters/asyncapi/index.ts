// The AsyncAPI emitter: dist/asyncapi.json, AsyncAPI 3.0, describing the WebSocket routes (OpenAPI
// describes the HTTP ones). One channel per WS route: its address with `{param}`s, the upgrade
// request's query and headers as a `ws` channel binding, and two messages, `in` (what clients send,
// the server's `receive` operation) and `out` (what the server sends, its `send` operation). The
// payloads are the JSON Schemas the validators check, with named types under components.schemas.
// Written only when the app has WS routes.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import { reachableTypeIds, resolveRef, type GType } from '../../model/gtype.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { methodNames, operationId } from '../client/names.js';
import { toJsonSchema, type JsonSchema } from '../schema/index.js';

export interface AsyncApiEmitOptions {
  /** The API semver (info.version); 0.0.0 until the app has versions. */
  apiVersion?: string;
}

const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A GType's schema as AsyncAPI wants it: the same JSON Schema, with a discriminator named by a string. */
function schemaOf(t: GType): JsonSchema {
  return asyncApiSchema(toJsonSchema(t, componentRef)) as JsonSchema;
}

/** OpenAPI's `discriminator: { propertyName }` (emitters/schema) → AsyncAPI's `discriminator: '<name>'`. */
function asyncApiSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asyncApiSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const named = key === 'discriminator' && value && typeof value === 'object' ? (value as { propertyName?: unknown }).propertyName : undefined;
    out[key] = typeof named === 'string' ? named : asyncApiSchema(value);
  }
  return out;
}
/** A trailing `*` is the `{wildcard}` parameter, as in OpenAPI (no parameter can be named `*`). */
const WILDCARD = 'wildcard';

export function asyncApiDocument(model: AppModel, options: AsyncApiEmitOptions = {}): Record<string, unknown> | undefined {
  const routes = model.routes.filter((r) => r.method === 'WS');
  if (routes.length === 0) return undefined;
  const names = methodNames(routes);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const roots: GType[] = [];
  for (const route of routes) {
    const id = operationId(names.get(route.key)!);
    const ws = route.ws ?? { in: { kind: 'unknown' }, out: { kind: 'unknown' } };
    roots.push(...Object.values(route.input), ws.in, ws.out);
    channels[id] = channel(route, ws, model);
    const messageRef = (m: 'in' | 'out') => [{ $ref: `#/channels/${id}/messages/${m}` }];
    operations[`${id}Receive`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, summary: `Messages clients send on ${route.key}`, messages: messageRef('in') };
    operations[`${id}Send`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Messages the server sends on ${route.key}`, messages: messageRef('out') };
  }
  const schemas = Object.fromEntries(reachableTypeIds(roots, model.types).map((id) => [id, schemaOf(model.types[id]!.type)]));
  return {
    asyncapi: '3.0.0',
    info: { title: model.app.name, version: options.apiVersion ?? '0.0.0', description: 'The WebSocket routes of the app: JSON text frames, each message validated against its schema.' },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas },
  };
}

function channel(route: RouteModel, ws: { in: GType; out: GType }, model: AppModel): Record<string, unknown> {
  const address = route.path.split('/').map((s) => (s === '*' ? `{${WILDCARD}}` : s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/');
  const parameters = Object.fromEntries(route.pathParams.map((p) => [p === '*' ? WILDCARD : p, { description: p === '*' ? "the rest of the path (`params['*']`)" : `the \`${p}\` path parameter` }]));
  const binding: Record<string, unknown> = { method: 'GET' };
  for (const part of ['query', 'headers'] as const) {
    const type = route.input[part];
    if (type) binding[part] = objectSchema(type, model);
  }
  return {
    address,
    title: route.key,
    ...(route.pathParams.length ? { parameters } : {}),
    messages: {
      in: { name: 'in', title: 'Client to server', contentType: 'application/json', payload: schemaOf(ws.in) },
      out: { name: 'out', title: 'Server to client', contentType: 'application/json', payload: schemaOf(ws.out) },
    },
    bindings: { ws: { ...binding, bindingVersion: '0.1.0' } },
  };
}

/** The ws binding wants the query and headers as an object schema, not a reference to one. */
function objectSchema(type: GType, model: AppModel): JsonSchema {
  return schemaOf(resolveRef(type, model.types) ?? type);
}

export function emit(model: AppModel, options: AsyncApiEmitOptions = {}): Artifact[] {
  const doc = asyncApiDocument(model, options);
  return doc ? [jsonArtifact('dist/asyncapi.json', doc)] : [];
}
