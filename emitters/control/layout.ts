// The topology's layout, computed once at build time with elkjs (layered, left to right, folders as
// boxes holding their nodes), so that the panel draws the graph without shipping a layout engine.
// elkjs's API is asynchronous only because it runs in a worker; its FakeWorker dispatches
// synchronously when called directly, which keeps the emitter a plain function. elkjs is loaded
// lazily (~0.15 s) and never by the runtime.
import { createRequire } from 'node:module';
import type { NodeLayout, Topology, TopologyEdge, TopologyNode } from '../../runtime-shim/control/api-types.js';

const require = createRequire(import.meta.url);

interface ElkNode { id: string; width?: number; height?: number; x?: number; y?: number; children?: ElkNode[]; edges?: ElkEdge[]; layoutOptions?: Record<string, string>; labels?: { text: string }[] }
interface ElkEdge { id: string; sources: string[]; targets: string[]; container?: string; sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[] }
interface Point { x: number; y: number }
interface ElkWorker { onmessage(e: { data: { data?: ElkNode; error?: unknown } }): void; dispatcher: { saveDispatch(e: { data: Record<string, unknown> }): void } }

let worker: { run(graph: ElkNode): ElkNode } | undefined;

function elk(): { run(graph: ElkNode): ElkNode } {
  if (worker) return worker;
  const Worker = (require('elkjs/lib/elk-worker.min.js') as { default: new () => ElkWorker }).default;
  const w = new Worker();
  let answer: { data?: ElkNode; error?: unknown } = {};
  w.onmessage = (e) => (answer = e.data);
  w.dispatcher.saveDispatch({ data: { id: 0, cmd: 'register', algorithms: ['layered'] } });
  worker = {
    run(graph) {
      w.dispatcher.saveDispatch({ data: { id: 1, cmd: 'layout', graph, layoutOptions: {}, options: {} } });
      if (answer.error || !answer.data) throw new Error(`elkjs could not lay out the topology: ${String(answer.error)}`);
      return answer.data;
    },
  };
  return worker;
}

const CHAR_WIDTH = 7;
const NODE_HEIGHT = 32;
/** A box wide enough for its label in the panel's 12 px font, plus padding. */
const widthOf = (n: TopologyNode) => Math.max(80, Math.min(320, n.label.length * CHAR_WIDTH + 24));
const round = (v: number) => Math.round(v * 10) / 10;

type Laid = { nodes: TopologyNode[]; edges: TopologyEdge[]; layout: Topology['layout'] };

/** Layouts by their graph (its JSON), kept by the driver beyond one process (driver/emit-cache.ts). */
export type LayoutCache = Map<string, Laid>;

/**
 * The last graph laid out and its result: in the dev loop most rebuilds that re-emit change types,
 * not the graph, and a layout costs ~1 s per 200 routes (2-core machine, warm; the first in a
 * process ~2 s more while the JIT warms up).
 */
let last: { key: string; laid: Laid; cache: LayoutCache | undefined } | undefined;

type Graph = { nodes: TopologyNode[]; edges: TopologyEdge[] };

/** `compute` false: the layout only when it was computed before (here or in the cache), else the graph without one. */
export function layoutTopology(graph: Graph, cache?: LayoutCache, compute = true): Laid {
  const known = knownLayout(graph, cache);
  if (known) return known;
  if (!compute) return { ...graph, layout: undefined };
  const laid = computeLayout(graph);
  rememberLayout(graph, laid, cache);
  return laid;
}

/** The graph's layout when it was computed before (the last one here, or in the cache). */
export function knownLayout(graph: Graph, cache?: LayoutCache): Laid | undefined {
  const key = JSON.stringify(graph);
  // Only for the same cache: another session's (a new run's) must get its own copy of the layout.
  if (last?.key === key && last.cache === cache) return last.laid;
  const laid = cache?.get(key);
  if (laid) last = { key, laid, cache };
  return laid;
}

/** A layout computed elsewhere (a worker thread: driver/layout-worker.ts), kept as layoutTopology keeps its own. */
export function rememberLayout(graph: Graph, laid: Laid, cache?: LayoutCache): void {
  const key = JSON.stringify(graph);
  cache?.set(key, laid);
  last = { key, laid, cache };
}

export function computeLayout(graph: Graph): Laid {
  if (graph.nodes.length === 0) return { ...graph, layout: { width: 0, height: 0 } };
  const elkNodes = new Map<string, ElkNode>();
  for (const n of graph.nodes) {
    elkNodes.set(n.id, n.kind === 'folder'
      ? { id: n.id, children: [], labels: [{ text: n.label }], layoutOptions: { 'elk.padding': '[top=28,left=12,bottom=12,right=12]' } }
      : { id: n.id, width: widthOf(n), height: NODE_HEIGHT });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '16',
    },
    children: [],
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  for (const n of graph.nodes) {
    const parent = n.parent ? elkNodes.get(n.parent) : undefined;
    (parent ?? root).children!.push(elkNodes.get(n.id)!);
  }
  const laid = elk().run(root);
  // ELK gives each node's position relative to its parent and each edge's relative to its container.
  const boxes = new Map<string, NodeLayout>();
  const walk = (n: ElkNode, dx: number, dy: number) => {
    for (const c of n.children ?? []) {
      const box = { x: round(dx + (c.x ?? 0)), y: round(dy + (c.y ?? 0)), width: round(c.width ?? 0), height: round(c.height ?? 0) };
      boxes.set(c.id, box);
      walk(c, box.x, box.y);
    }
  };
  walk(laid, 0, 0);
  const points = new Map<string, Point[]>();
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      const origin = e.container && e.container !== 'root' ? boxes.get(e.container) : undefined;
      const s = e.sections?.[0];
      if (!s) continue;
      const shift = (p: Point) => ({ x: round(p.x + (origin?.x ?? 0)), y: round(p.y + (origin?.y ?? 0)) });
      points.set(e.id, [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map(shift));
    }
    for (const c of n.children ?? []) collect(c);
  };
  collect(laid);
  return {
    nodes: graph.nodes.map((n) => ({ ...n, layout: boxes.get(n.id) })),
    edges: graph.edges.map((e, i) => (points.has(`e${i}`) ? { ...e, layout: { points: points.get(`e${i}`)! } } : e)),
    layout: { width: round(laid.width ?? 0), height: round(laid.height ?? 0) },
  };
}
