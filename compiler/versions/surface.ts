// The API surface: what a client can observe on the wire, per route (input parts and the body of
// each output status), as GTypes with the named types they reach. Source positions are dropped
// (moving a type to another file is not an API change), so the surface and its hash depend on
// the wire contract and its documentation only.
import { createHash } from 'node:crypto';
import type { AppModel, InputPart } from '../model/app-model.js';
import { reachableTypeIds, type GType, type NamedType } from '../model/gtype.js';
import { stableStringify } from '../model/stable-json.js';

export interface SurfaceRoute {
  method: string;
  path: string;
  input: Partial<Record<InputPart, GType>>;
  /** Status → body (`void` for none). */
  output: Record<string, GType>;
}

export interface ApiSurface {
  routes: Record<string, SurfaceRoute>;
  /** Every named type a route reaches, by id (refs inside routes point here). */
  types: Record<string, { name: string; type: GType }>;
}

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
    routes[r.key] = { method: r.method, path: r.path, input, output };
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

function stripSpans(t: GType): GType {
  return JSON.parse(JSON.stringify(t, (key, value) => (key === 'span' ? undefined : value))) as GType;
}
