// The API surface: what a client can observe on the wire, per route (input parts, the body of
// each output status and a WebSocket route's messages), as GTypes with the named types they reach. Source positions are dropped
// (moving a type to another file is not an API change), so the surface and its hash depend on
// the wire contract and its documentation only; object properties are kept in name order (their
// order is not part of the wire contract).
import { createHash } from 'node:crypto';
import type { AppModel, InputPart } from '../../model/app-model.js';
import { reachableTypeIds, type GType, type NamedType } from '../../model/gtype.js';
import { stableStringify } from '../../model/stable-json.js';
import type { ApiSurface, SurfaceRoute } from '../../model/api-surface.js';

export type { ApiSurface, SurfaceRoute };

export function surfaceOf(model: AppModel): ApiSurface {
  const routes: Record<string, SurfaceRoute> = {};
  const roots: GType[] = [];
  for (const r of [...model.routes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const input: Partial<Record<InputPart, GType>> = {};
    for (const [part, t] of Object.entries(r.input) as [InputPart, GType][]) {
      input[part] = stripSpans(t);
      roots.push(t);
    }
    const output: Record<string, GType> = {};
    for (const status of Object.keys(r.output).sort()) {
      output[status] = stripSpans(r.output[status]!);
      roots.push(r.output[status]!);
    }
    if (r.ws) roots.push(r.ws.in, r.ws.out);
    const ws = r.ws ? { ws: { in: stripSpans(r.ws.in), out: stripSpans(r.ws.out) } } : {};
    routes[r.key] = { method: r.method, path: r.path, input, output, ...(r.bodyOptional && input.body ? { bodyOptional: true as const } : {}), ...ws };
  }
  const types: ApiSurface['types'] = {};
  for (const id of reachableTypeIds(roots, model.types)) {
    const def: NamedType = model.types[id]!;
    types[id] = { name: def.name, type: stripSpans(def.type) };
  }
  return { routes, types };
}

/** Surfaces are never mutated once built, so a surface the dev loop reuses is hashed once. */
const hashes = new WeakMap<ApiSurface, string>();

/** sha256 of the surface's stable JSON: equal hashes mean an unchanged API. */
export function surfaceHash(surface: ApiSurface): string {
  let hash = hashes.get(surface);
  if (hash === undefined) hashes.set(surface, (hash = `sha256:${createHash('sha256').update(stableStringify(surface, 0)).digest('hex')}`));
  return hash;
}

/**
 * The wire form of a type for the surface: source positions dropped, and object properties in
 * name order. A JSON object's key order means nothing on the wire, so reordering the properties
 * of a type is no API change: the same surface, the same hash, no new version.
 */
function stripSpans(t: GType): GType {
  return JSON.parse(JSON.stringify(t, (key, value: unknown) => (key === 'span' ? undefined : key === 'properties' && Array.isArray(value) ? [...(value as { name: string }[])].sort(byName) : value))) as GType;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
