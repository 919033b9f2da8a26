// The app as a graph for the panel's topology page: handler folders (drawn as boxes) holding their
// middleware and routes; each route runs through its middleware chain to its handler; handlers call
// modules and enqueue effects; effects' jobs go through the queue backend. Ids are stable
// (`<kind>:<name>`), nodes and edges in a fixed order, so the file is byte-stable.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import type { TopologyEdge, TopologyNode } from '../../runtime-shim/control/api-types.js';
import { effectsConfigFor } from '../../runtime-shim/effects/effects-config.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';

const HANDLERS = 'src/handlers/';

/** The handler folder of a file: `payments` for src/handlers/payments/capture.ts, '' at the top. */
function folderOf(file: string): string {
  const rel = file.startsWith(HANDLERS) ? file.slice(HANDLERS.length) : file;
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}
const folderId = (dir: string) => `folder:/${dir}`;

/** Where a module comes from: its config entry (npm package, HTTP service, container image), else local code. */
export function moduleVariant(entry: Record<string, unknown> | undefined): 'local' | 'npm' | 'http' | 'container' {
  if (!entry) return 'local';
  if (entry['npm'] !== undefined || entry['package'] !== undefined) return 'npm';
  if (entry['container'] !== undefined || entry['image'] !== undefined) return 'container';
  if (entry['http'] !== undefined || entry['url'] !== undefined) return 'http';
  return 'local';
}

export function topologyGraph(model: AppModel, config: GatiConfig): { nodes: TopologyNode[]; edges: TopologyEdge[] } {
  const nodes = new Map<string, TopologyNode>();
  const edges = new Map<string, TopologyEdge>();
  const node = (n: TopologyNode) => nodes.has(n.id) || nodes.set(n.id, n);
  const edge = (from: string, to: string, kind: TopologyEdge['kind']) => edges.has(`${from}>${to}`) || edges.set(`${from}>${to}`, { from, to, kind });
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

  const folders = [...new Set([...model.routes.map((r) => folderOf(r.file)), ...model.middleware.map((m) => m.scope)])].sort();
  for (const dir of folders) node({ id: folderId(dir), kind: 'folder', label: `/${dir}`, file: `${HANDLERS}${dir}`.replace(/\/$/, '') });
  for (const m of [...model.middleware].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    node({ id: `middleware:${m.file}`, kind: 'middleware', label: m.file.split('/').pop()!.replace(/\.[cm]?[jt]s$/, ''), file: m.file, parent: folderId(m.scope) });
  }
  const modules = (config.modules ?? {}) as Record<string, Record<string, unknown>>;
  const moduleFiles = new Map(model.modules.map((m) => [m.name, m.file]));
  const moduleNames = [...new Set([...model.modules.map((m) => m.name), ...Object.keys(modules), ...model.routes.flatMap((r) => r.modules)])].sort();
  const effectFiles = new Map(model.effects.map((e) => [e.name, e.file]));
  // The local backend (what `gati dev` and a local `gati start` use), never GATI_ENV's: the emitter is pure.
  const queue = `queue:${effectsConfigFor(config, '').config?.backend ?? CONFIG_DEFAULTS.effects.backend}`;

  for (const route of [...model.routes].sort(byKey)) {
    const parent = folderId(folderOf(route.file));
    const routeId = `route:${route.key}`;
    node({ id: routeId, kind: 'route', label: route.key, file: route.file, route: route.key, variant: route.method === 'WS' ? 'ws' : 'http', parent });
    const handler = `handler:${route.file}`;
    node({ id: handler, kind: 'handler', label: route.file.split('/').pop()!, file: route.file, route: route.key, parent });
    const chain = [...route.middleware.map((f) => `middleware:${f}`), handler];
    chain.reduce((from, to) => (edge(from, to, 'runs'), to), routeId);
    calls(route, handler);
  }
  function calls(route: RouteModel, handler: string) {
    for (const m of route.modules) edge(handler, `module:${m}`, 'calls');
    for (const e of route.effects) edge(handler, `effect:${e}`, 'enqueues');
  }
  for (const name of moduleNames) node({ id: `module:${name}`, kind: 'module', label: name, ...(moduleFiles.has(name) ? { file: moduleFiles.get(name) } : {}), variant: moduleVariant(modules[name]) });
  const effects = [...new Set([...model.effects.map((e) => e.name), ...model.routes.flatMap((r) => r.effects)])].sort();
  for (const name of effects) {
    node({ id: `effect:${name}`, kind: 'effect', label: name, ...(effectFiles.has(name) ? { file: effectFiles.get(name) } : {}) });
    edge(`effect:${name}`, queue, 'consumes');
  }
  if (effects.length) node({ id: queue, kind: 'queue', label: `${queue.slice('queue:'.length)} queue`, variant: queue.slice('queue:'.length) });
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
