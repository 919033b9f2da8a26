// The text of .gati/generated/client.ts: wire types, the route map, the Client interface, the
// route table, then the fixed runtime (runtime-source.ts).
import type { AppModel, RouteModel } from '../../model/app-model.js';
import { reachableTypeIds, type GType } from '../../model/gtype.js';
import { GENERATED_HEADER } from '../artifact.js';
import { methodNames, typeNames } from './names.js';
import { routeTypes } from './route-types.js';
import { docComment, propertyKey, quote, wireType, type TypeNamer } from './wire-types.js';
import { runtimeSource } from './runtime-source.js';

export interface ClientSourceOptions {
  packageName: string;
  /** The API semver the client is generated from; undefined until the app has versions. */
  apiVersion: string | undefined;
}

/**
 * The client in parts, so that the JS and the .d.ts can be assembled without compiling the whole
 * file (compile.ts): `types` is valid both in a .ts and a .d.ts, `table` is the same object literal
 * in TS and JS, and the runtime is a constant compiled once.
 */
export interface ClientParts {
  /** Header comments. */
  header: string;
  /** The API_VERSION initializer: `undefined` or a quoted semver. */
  apiVersion: string;
  /** Named wire types, Routes, RouteKey, OptionalInputKey, RouteInput, RouteResult, Client. */
  types: string;
  /** The ROUTE_TABLE object literal. */
  table: string;
  /** Whether the app has WS routes (the runtime then carries api.socket). */
  sockets: boolean;
}

export function clientSource(app: AppModel, options: ClientSourceOptions): string {
  return assembleSource(clientParts(app, options));
}

export function assembleSource(parts: ClientParts): string {
  return `${parts.header}${API_VERSION_DOC}export const API_VERSION: string | undefined = ${parts.apiVersion};\n\n${parts.types}`
    + `const ROUTE_TABLE: { [key: string]: RouteSpec } = ${parts.table};\n${runtimeSource(parts.sockets)}`;
}

export const API_VERSION_DOC = '/** The API version this client was generated from; sent as X-API-Version unless overridden. */\n';

export function clientParts(app: AppModel, options: ClientSourceOptions): ClientParts {
  // WebSocket routes cannot be called with fetch: `request` and the named methods cover the HTTP
  // routes, `socket` the WS ones.
  const model: AppModel = { ...app, routes: app.routes.filter((r) => r.method !== 'WS') };
  const sockets = app.routes.filter((r) => r.method === 'WS');
  const roots: GType[] = app.routes.flatMap((r) => [...Object.values(r.input), ...Object.values(r.output), ...(r.ws ? [r.ws.in, r.ws.out] : [])]);
  const ids = reachableTypeIds(roots, model.types);
  const names = typeNames(ids);
  const name = (id: string) => names.get(id) ?? 'unknown';
  const methods = methodNames(model.routes);
  const header = `// ${GENERATED_HEADER}\n// The typed client of the ${model.app.name} API (npm package ${options.packageName}).\n`
    + '// Types are the wire types: a Date is an ISO 8601 string, an enum the union of its values.\n\n';
  const out: string[] = [];

  for (const id of ids) {
    const def = model.types[id]!;
    out.push(docComment(def.type.description, ''));
    out.push(`export type ${name(id)} = ${wireType(def.type, name)};\n\n`);
  }

  const table: string[] = [];
  const optional: string[] = [];
  out.push('/** Every route by key: its input and the result over the declared statuses. */\n');
  out.push('export interface Routes {\n');
  for (const route of model.routes) {
    const t = routeTypes(route, model, name);
    const k = quote(route.key);
    if (t.inputOptional) optional.push(k);
    out.push(`  ${k}: {\n    input: ${t.input};\n`);
    out.push(`    result:${t.result};\n  };\n`);
    table.push(`  ${k}: { method: ${quote(route.method)}, path: ${quote(route.path)}, statuses: [${t.statuses.join(', ')}], name: [${methods.get(route.key)!.map(quote).join(', ')}] },\n`);
  }
  out.push('}\n\n');
  out.push('export type RouteKey = keyof Routes;\n');
  out.push('/** The routes whose input may be left out (nothing in it is required). */\n');
  out.push(`export type OptionalInputKey =${optional.length ? optional.map((k) => `\n  | ${k}`).join('') : ' never'};\n`);
  out.push("export type RouteInput<K extends RouteKey> = Routes[K]['input'];\n");
  out.push("export type RouteResult<K extends RouteKey> = Routes[K]['result'];\n\n");
  if (sockets.length) out.push(socketTypes(sockets, app, name, table));

  out.push('export interface Client {\n');
  out.push("  /** Calls a route by its key: api.request('POST /payments/:id/capture', { params, body }). */\n");
  // Two plain overloads rather than one signature with a generic rest tuple (`...args: Routes[K]['args']`):
  // the tuple made tsc expand every route's arguments per call (36k types for 50 calls of a 500-route
  // app, against 2.5k with the overloads; bench/client-types.mjs).
  out.push("  request<K extends OptionalInputKey>(route: K, input?: Routes[K]['input'], options?: CallOptions): Promise<Routes[K]['result']>;\n");
  out.push("  request<K extends RouteKey>(route: K, input: Routes[K]['input'], options?: CallOptions): Promise<Routes[K]['result']>;\n");
  if (sockets.length) out.push(SOCKET_METHOD);
  out.push(namespaceText(model, methods, optional, '  '));
  out.push('}\n\n');
  return {
    header,
    apiVersion: options.apiVersion === undefined ? 'undefined' : quote(options.apiVersion),
    types: out.join(''),
    table: `{\n${table.join('')}}`,
    sockets: sockets.length > 0,
  };
}

/**
 * The WS routes by key: the upgrade's input (params, query, headers, as for HTTP) and the messages
 * each way, as wire types (a Date is an ISO string both ways, as in HTTP bodies). Each also gets a
 * row in the route table, which `socket` reads and `request` refuses.
 */
function socketTypes(sockets: RouteModel[], app: AppModel, name: TypeNamer, table: string[]): string {
  const out: string[] = ['/** Every WebSocket route by key: the upgrade input and the messages in (sent) and out (received). */\n', 'export interface Sockets {\n'];
  const optional: string[] = [];
  for (const route of sockets) {
    const t = routeTypes(route, app, name);
    const k = quote(route.key);
    if (t.inputOptional) optional.push(k);
    const message = (m: GType | undefined) => (m ? wireType(m, name, '    ') : 'unknown');
    out.push(`  ${k}: {\n    input: ${t.input};\n    in: ${message(route.ws?.in)};\n    out: ${message(route.ws?.out)};\n  };\n`);
    table.push(`  ${k}: { method: 'WS', path: ${quote(route.path)}, statuses: [], name: [] },\n`);
  }
  out.push('}\n\n', 'export type SocketKey = keyof Sockets;\n');
  out.push('/** The WS routes whose input may be left out. */\n');
  out.push(`export type OptionalSocketKey =${optional.length ? optional.map((k) => `\n  | ${k}`).join('') : ' never'};\n\n`);
  return out.join('');
}

const SOCKET_METHOD = "  /** Opens a WebSocket on a WS route: api.socket('WS /rooms/:room', { params, query }). */\n"
  + "  socket<K extends OptionalSocketKey>(route: K, input?: Sockets[K]['input'], options?: SocketOptions): Socket<Sockets[K]['in'], Sockets[K]['out']>;\n"
  + "  socket<K extends SocketKey>(route: K, input: Sockets[K]['input'], options?: SocketOptions): Socket<Sockets[K]['in'], Sockets[K]['out']>;\n";

interface Tree { [segment: string]: Tree | string }

/** The named methods as nested object types; each leaf holds its route key. */
function namespaceText(model: AppModel, methods: Map<string, string[]>, optional: string[], indent: string): string {
  const root: Tree = {};
  for (const route of model.routes) {
    const path = methods.get(route.key)!;
    let node = root;
    for (const segment of path.slice(0, -1)) node = (node[segment] ??= {}) as Tree;
    node[path[path.length - 1]!] = route.key;
  }
  const render = (tree: Tree, pad: string): string =>
    Object.keys(tree).sort().map((segment) => {
      const value = tree[segment]!;
      if (typeof value === 'string') {
        const k = quote(value);
        const input = `input${optional.includes(k) ? '?' : ''}: Routes[${k}]['input']`;
        return `${pad}/** ${value.replace(/\*\//g, '*\\/')} */\n${pad}${propertyKey(segment)}(${input}, options?: CallOptions): Promise<Routes[${k}]['result']>;\n`;
      }
      return `${pad}${propertyKey(segment)}: {\n${render(value, `${pad}  `)}${pad}};\n`;
    }).join('');
  return render(root, indent);
}
