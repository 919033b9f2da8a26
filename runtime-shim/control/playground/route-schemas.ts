// The routes with their JSON Schemas, for the playground's request editor: the schema emitter's files
// (dist/schemas/index.json names one file per route key), joined with the running app's routes.
// Read again only when the index changes (each build rewrites it).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledApp } from '../../server/app.js';
import type { JsonSchemaDoc, PlaygroundRoute } from './playground-types.js';

const SCHEMA_DIR = join('dist', 'schemas');

interface RouteSchemaFile {
  params?: JsonSchemaDoc;
  query?: JsonSchemaDoc;
  headers?: JsonSchemaDoc;
  body?: JsonSchemaDoc;
  responses?: Record<string, JsonSchemaDoc | null>;
  messages?: { in: JsonSchemaDoc; out: JsonSchemaDoc };
}

let cache: { root: string; stamp: number; byKey: Map<string, RouteSchemaFile> } | undefined;

function schemasByKey(root: string): Map<string, RouteSchemaFile> {
  const index = join(root, SCHEMA_DIR, 'index.json');
  if (!existsSync(index)) return new Map();
  const stamp = statSync(index).mtimeMs;
  if (cache && cache.root === root && cache.stamp === stamp) return cache.byKey;
  const byKey = new Map<string, RouteSchemaFile>();
  const { routes } = JSON.parse(readFileSync(index, 'utf8')) as { routes: Record<string, string> };
  for (const [key, file] of Object.entries(routes)) {
    try {
      byKey.set(key, JSON.parse(readFileSync(join(root, SCHEMA_DIR, file), 'utf8')) as RouteSchemaFile);
    } catch {
      // A file the build is rewriting right now: the next read has it.
    }
  }
  cache = { root, stamp, byKey };
  return byKey;
}

/** Every route of the app being served, with the schemas of its inputs, responses and messages. */
export function playgroundRoutes(app: CompiledApp): PlaygroundRoute[] {
  const schemas = schemasByKey(app.root);
  return app.routes.map((route) => {
    const s = schemas.get(route.key) ?? {};
    const input: PlaygroundRoute['input'] = {};
    for (const part of ['params', 'query', 'headers', 'body'] as const) if (s[part]) input[part] = s[part];
    const responses = s.responses ?? Object.fromEntries(route.statuses.map((status) => [String(status), {}]));
    const ws = route.method === 'WS';
    return { key: route.key, method: route.method, path: route.path, kind: ws ? 'ws' : 'http', input, responses, ...(s.messages ? { messages: s.messages } : {}) };
  });
}
