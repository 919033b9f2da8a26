// Per-file results → one AppModel: stable type ids, refs rewritten, routes sorted, middleware assigned.
import { mapGType, type GType, type NamedType } from '../../model/gtype.js';
import type { AppModel, EffectModel, MiddlewareModel, ModuleModel, RemoteModuleModel, RouteModel, VersionChangeModel } from '../../model/app-model.js';
import { HTTP_METHODS, MODEL_VERSION } from '../../model/app-model.js';

export interface ModelParts {
  appName: string;
  routes: RouteModel[];
  middleware: MiddlewareModel[];
  modules: ModuleModel[];
  remoteModules?: RemoteModuleModel[];
  effects: EffectModel[];
  versionChanges: VersionChangeModel[];
  /** Named types by analysis key (`<file>#<Name>`). */
  named: Map<string, NamedType>;
}

/**
 * Merges per-file results into a model. Long-lived (the watch path): when the type ids come out
 * the same as last time, every route and type object that did not change is reused as it was
 * rewritten before, so an update pays only for what it re-analyzed.
 */
export class ModelMerger {
  private ids = new Map<string, string>();
  private middlewareKey = '';
  private routes = new WeakMap<RouteModel, RouteModel>();
  private types = new WeakMap<NamedType, NamedType>();

  merge(parts: ModelParts): AppModel {
    const ids = assignTypeIds([...parts.named.keys()]);
    const middleware = [...parts.middleware].sort((a, b) => cmp(a.file, b.file));
    const middlewareKey = middleware.map((m) => m.file).join('\n');
    if (!sameMap(ids, this.ids) || middlewareKey !== this.middlewareKey) {
      this.routes = new WeakMap();
      this.types = new WeakMap();
    }
    this.ids = ids;
    this.middlewareKey = middlewareKey;
    const rewrite = (t: GType): GType => rewriteRefs(t, ids);
    const types: Record<string, NamedType> = {};
    for (const key of [...parts.named.keys()].sort((a, b) => cmp(ids.get(a)!, ids.get(b)!))) {
      const def = parts.named.get(key)!;
      let out = this.types.get(def);
      if (!out) this.types.set(def, (out = { ...def, type: rewrite(def.type) }));
      types[ids.get(key)!] = out;
    }
    const routes = parts.routes
      .map((r) => {
        let out = this.routes.get(r);
        if (!out) this.routes.set(r, (out = rewriteRoute(r, rewrite, middleware)));
        return out;
      })
      .sort(compareRoutes);
    return modelOf(parts, types, routes, middleware, rewrite);
  }
}

function rewriteRoute(r: RouteModel, rewrite: (t: GType) => GType, middleware: MiddlewareModel[]): RouteModel {
  return {
    ...r,
    input: Object.fromEntries(Object.entries(r.input).map(([k, v]) => [k, rewrite(v)])),
    output: Object.fromEntries(Object.entries(r.output).sort(([a], [b]) => Number(a) - Number(b)).map(([k, v]) => [k, rewrite(v)])),
    ...(r.ws ? { ws: { in: rewrite(r.ws.in), out: rewrite(r.ws.out) } } : {}),
    middleware: chainFor(r.file, middleware),
  };
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function modelOf(parts: ModelParts, types: Record<string, NamedType>, routes: RouteModel[], middleware: MiddlewareModel[], rewrite: (t: GType) => GType): AppModel {
  return {
    modelVersion: MODEL_VERSION,
    app: { name: parts.appName },
    routes,
    middleware,
    modules: [...parts.modules].sort((a, b) => cmp(a.name, b.name)),
    effects: parts.effects.map((e) => ({ ...e, payload: rewrite(e.payload) })).sort((a, b) => cmp(a.name, b.name)),
    versionChanges: [...parts.versionChanges].sort((a, b) => cmp(a.name, b.name)),
    types,
    // Only when there are some: the model of an app without them stays as it was (and hashes the same).
    ...(parts.remoteModules?.length
      ? { remoteModules: parts.remoteModules.map((m) => ({ ...m, functions: m.functions.map((f) => ({ ...f, params: f.params.map((p) => ({ ...p, type: rewrite(p.type) })), result: rewrite(f.result) })) })).sort((a, b) => cmp(a.name, b.name)) }
      : {}),
  };
}

/**
 * Ids are the type's name made URL-safe (`Page<Payment>` → `Page_Payment`); two different types
 * with one name get their declaring file's path as a prefix, so neither id depends on the other's order.
 */
export function assignTypeIds(keys: string[]): Map<string, string> {
  const base = (key: string) => sanitize(key.slice(key.indexOf('#') + 1));
  const count = new Map<string, number>();
  for (const key of keys) count.set(base(key), (count.get(base(key)) ?? 0) + 1);
  const ids = new Map<string, string>();
  for (const key of keys) {
    const b = base(key);
    ids.set(key, count.get(b)! > 1 ? `${sanitize(key.slice(0, key.indexOf('#')).replace(/\.(d\.)?(m?ts|tsx|m?js)$/, ''))}__${b}` : b);
  }
  return ids;
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_$]+/g, '_').replace(/^_+|_+$/g, '') || 'Type';
}

/** A copy of `t` with every ref's analysis key replaced by its model id. */
function rewriteRefs(t: GType, ids: Map<string, string>): GType {
  return mapGType(t, (node) => (node.kind === 'ref' ? { ...node, id: ids.get(node.id) ?? node.id } : node));
}

/** Middleware of the route's folder and every folder above it, outermost first. */
function chainFor(routeFile: string, middleware: MiddlewareModel[]): string[] {
  const dir = routeFile.slice(0, routeFile.lastIndexOf('/') + 1);
  return middleware
    .filter((m) => dir.startsWith(m.file.slice(0, m.file.lastIndexOf('/') + 1)))
    .sort((a, b) => a.file.split('/').length - b.file.split('/').length)
    .map((m) => m.file);
}

function compareRoutes(a: RouteModel, b: RouteModel): number {
  return cmp(a.path, b.path) || HTTP_METHODS.indexOf(a.method) - HTTP_METHODS.indexOf(b.method) || cmp(a.file, b.file);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
