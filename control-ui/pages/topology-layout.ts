// Where each node of the topology is drawn. The build precomputes a layout (elkjs) when it can
// (Topology.layout); without one the page lays the graph out here: one column per kind, in the order
// a request flows (routes grouped by folder → middleware → handlers → modules → effects → queues),
// each column ordered by the mean row of its neighbours to the left (fewer crossings).
import type { Topology, TopologyNode } from '../../runtime-shim/control/api-types';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Placed {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  /** Folder boxes drawn behind their routes. */
  groups: { id: string; label: string; box: Box }[];
  columns: { label: string; x: number }[];
  /** Edge paths (SVG `d`) by edgeKey, when the layout routed them. */
  paths: Map<string, string>;
  /** Drawn from the build's layout: labels fit the boxes as they are. */
  precomputed: boolean;
}

const COLUMNS: { kind: TopologyNode['kind']; label: string }[] = [
  { kind: 'route', label: 'Routes' },
  { kind: 'middleware', label: 'Middleware' },
  { kind: 'handler', label: 'Handlers' },
  { kind: 'module', label: 'Modules' },
  { kind: 'effect', label: 'Effects' },
  { kind: 'queue', label: 'Queue' },
];
const NODE_W = 190;
const NODE_H = 28;
const GAP_Y = 8;
const GAP_X = 64;
const TOP = 36;
const GROUP_HEAD = 22;
const GROUP_PAD = 8;

export function layoutTopology(topology: Topology): Placed {
  const precomputed = topology.layout && topology.nodes.every((n) => n.layout);
  return precomputed ? fromPrecomputed(topology) : layered(topology);
}

/** The build's elkjs layout: node boxes (folders hold their routes) and edge polylines, as they are. */
function fromPrecomputed(topology: Topology): Placed {
  const nodes = new Map<string, Box>();
  const groups: Placed['groups'] = [];
  for (const n of topology.nodes) {
    if (n.kind === 'folder') groups.push({ id: n.id, label: n.label, box: n.layout! });
    else nodes.set(n.id, n.layout!);
  }
  const paths = new Map<string, string>();
  for (const e of topology.edges) {
    const points = e.layout?.points;
    if (points && points.length >= 2) paths.set(edgeKey(e), points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' '));
  }
  return { width: topology.layout!.width + 8, height: topology.layout!.height + 8, nodes, groups, columns: [], paths, precomputed: true };
}

export const edgeKey = (e: { from: string; to: string }) => `${e.from}>${e.to}`;

function layered(topology: Topology): Placed {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const neighbours = new Map<string, string[]>();
  for (const edge of topology.edges) {
    if (edge.kind === 'contains') continue;
    neighbours.set(edge.from, [...(neighbours.get(edge.from) ?? []), edge.to]);
    neighbours.set(edge.to, [...(neighbours.get(edge.to) ?? []), edge.from]);
  }
  const nodes = new Map<string, Box>();
  const groups: Placed['groups'] = [];
  const row = new Map<string, number>();
  const columns: Placed['columns'] = [];
  let height = TOP;
  let x = 8;
  for (const [index, column] of COLUMNS.entries()) {
    const members = topology.nodes.filter((n) => n.kind === column.kind);
    if (!members.length) continue;
    columns.push({ label: column.label, x });
    let y = TOP;
    if (index === 0) {
      // Routes, grouped by their folder (top-level routes first), each group boxed.
      const folders = new Map<string, TopologyNode[]>();
      for (const route of members) folders.set(route.parent ?? '', [...(folders.get(route.parent ?? '') ?? []), route]);
      for (const [folder, routes] of [...folders].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))) {
        const start = y;
        if (folder) y += GROUP_HEAD;
        for (const route of routes.sort((a, b) => (a.route ?? a.label).localeCompare(b.route ?? b.label))) {
          nodes.set(route.id, { x: x + (folder ? GROUP_PAD : 0), y, width: NODE_W - (folder ? 2 * GROUP_PAD : 0), height: NODE_H });
          row.set(route.id, y);
          y += NODE_H + GAP_Y;
        }
        if (folder) {
          groups.push({ id: folder, label: byId.get(folder)?.label ?? folder.replace(/^folder:/, ''), box: { x, y: start, width: NODE_W, height: y - start + GROUP_PAD - GAP_Y } });
          y += GROUP_PAD + GAP_Y;
        }
      }
    } else {
      const mean = (id: string) => {
        const rows = (neighbours.get(id) ?? []).map((n) => row.get(n)).filter((r): r is number => r !== undefined);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_SAFE_INTEGER;
      };
      const order = members.map((n) => ({ n, at: mean(n.id) })).sort((a, b) => a.at - b.at || a.n.label.localeCompare(b.n.label));
      for (const { n, at } of order) {
        // Near its neighbours when there is room, never overlapping the one above.
        y = Math.max(y, at === Number.MAX_SAFE_INTEGER ? y : Math.round(at));
        nodes.set(n.id, { x, y, width: NODE_W, height: NODE_H });
        row.set(n.id, y);
        y += NODE_H + GAP_Y;
      }
    }
    height = Math.max(height, y);
    x += NODE_W + GAP_X;
  }
  return { width: x - GAP_X + 8, height: height + 8, nodes, groups, columns, paths: new Map(), precomputed: false };
}

/** A smooth path from the right side of one box to the left side of another (or around, when going back). */
export function edgePath(from: Box, to: Box): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const bend = Math.max(24, Math.abs(x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}
