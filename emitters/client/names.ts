// Names in the generated client, settled once so the client, its .d.ts and the OpenAPI operation
// ids agree.
//
// Method names. Each route's model `name` (from its file path) is the starting point; collisions
// are settled deterministically, in three steps, each applied only to the routes still in conflict:
//   1. a name that is also a namespace (`receipts` beside `receipts.today`) gets its method as a
//      last segment: `receipts.get`;
//   2. routes sharing a name get `By<Params>` on the last segment when their path has parameters:
//      `payments/index.ts` (GET /payments) stays `payments.get`, `payments/[id].get.ts`
//      (GET /payments/:id) becomes `payments.getById`; a wildcard counts as `Path`;
//   3. anything still shared gets a number, in route-key order: `x.get`, `x.get2`.
// A first segment equal to `request` or `socket` (the client's generic calls) gets a `_`: `request_`.
import type { RouteModel } from '../../model/app-model.js';

export function methodNames(routes: RouteModel[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const r of routes) {
    const n = [...r.name];
    if (n[0] === 'request' || n[0] === 'socket') n[0] = `${n[0]}_`;
    names.set(r.key, n);
  }
  const ordered = [...routes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // 1. leaf vs namespace
  const namespaces = new Set<string>();
  for (const n of names.values()) for (let i = 1; i < n.length; i++) namespaces.add(n.slice(0, i).join('.'));
  for (const r of ordered) {
    const n = names.get(r.key)!;
    if (namespaces.has(n.join('.'))) names.set(r.key, [...n, r.method.toLowerCase()]);
  }
  // 2. By<Params>
  for (const group of duplicates(ordered, names)) {
    for (const r of group) {
      if (r.pathParams.length === 0) continue;
      const n = names.get(r.key)!;
      const by = r.pathParams.map((p) => (p === '*' ? 'Path' : pascal(p))).join('And');
      names.set(r.key, [...n.slice(0, -1), `${n[n.length - 1]}By${by}`]);
    }
  }
  // 3. numbers
  for (const group of duplicates(ordered, names)) {
    group.forEach((r, i) => {
      if (i === 0) return;
      const n = names.get(r.key)!;
      let k = i + 1;
      const taken = new Set([...names.values()].map((x) => x.join('.')));
      while (taken.has([...n.slice(0, -1), `${n[n.length - 1]}${k}`].join('.'))) k++;
      names.set(r.key, [...n.slice(0, -1), `${n[n.length - 1]}${k}`]);
    });
  }
  return names;
}

/** `['payments', 'getById']` → `paymentsGetById` (the OpenAPI operationId). */
export function operationId(name: string[]): string {
  return name.map((s, i) => (i === 0 ? s : pascal(s))).join('').replace(/[^A-Za-z0-9_$]/g, '');
}

function duplicates(ordered: RouteModel[], names: Map<string, string[]>): RouteModel[][] {
  const groups = new Map<string, RouteModel[]>();
  for (const r of ordered) {
    const key = names.get(r.key)!.join('.');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

function pascal(word: string): string {
  const camel = word.replace(/[-_.\s]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, '');
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Names the client itself exports; a named type with one of these names gets a `_` suffix. */
export const CLIENT_EXPORTS = new Set([
  'ApiError', 'Problem', 'ProblemError', 'Client', 'ClientOptions', 'CallOptions', 'Routes', 'RouteKey', 'RouteInput',
  'RouteResult', 'OptionalInputKey', 'ResponseHeaders', 'FetchFunction', 'Signal', 'MinimalHeaders', 'MinimalSignal', 'MinimalFetch',
  'RouteSpec', 'AnyInput', 'Platform', 'Has', 'createClient', 'API_VERSION', 'ROUTE_TABLE',
]);

/** Type id → TypeScript identifier: non-identifier characters become `_`; clashes get `_` suffixes. */
export function typeNames(ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set(CLIENT_EXPORTS);
  for (const id of [...ids].sort()) {
    let name = id.replace(/[^A-Za-z0-9_$]/g, '_');
    if (/^[0-9]/.test(name)) name = `_${name}`;
    while (used.has(name)) name += '_';
    used.add(name);
    out.set(id, name);
  }
  return out;
}
