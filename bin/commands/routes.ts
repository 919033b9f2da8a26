// gati routes [dir]: the route table as a tree (like find-my-way's prettyPrint), each route with its file.
import type { RouteModel } from '../../model/app-model.js';
import { buildApp } from '../../driver/build.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';

interface Node {
  children: Map<string, Node>;
  routes: RouteModel[];
}

export async function routesCommand(root: string, term: Terminal, json: boolean): Promise<number> {
  const result = await buildApp(root, { versions: 'skip', emit: 'none', infra: false }); // the model is enough: no emitters run
  if (reportDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), term, false)) return 1;
  if (json) {
    term.data(JSON.stringify(result.model.routes.map((r) => ({ method: r.method, path: r.path, file: r.file, middleware: r.middleware })), null, 2));
    return 0;
  }
  term.data(renderRouteTree(result.model.app.name, result.model.routes));
  return 0;
}

export function renderRouteTree(appName: string, routes: RouteModel[]): string {
  const root: Node = { children: new Map(), routes: [] };
  for (const route of routes) {
    let node = root;
    for (const segment of route.path.split('/').filter(Boolean)) {
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { children: new Map(), routes: [] }));
      node = child;
    }
    node.routes.push(route);
  }
  // One row per route: the tree text on its first route, a continuation bar on the others.
  const rows: [string, string, string][] = [];
  const addRows = (text: string, continuation: string, rs: RouteModel[]) => {
    if (rs.length === 0) rows.push([text, '', '']);
    rs.forEach((r, i) => rows.push([i === 0 ? text : continuation, r.method, r.file]));
  };
  addRows('/', '', root.routes);
  const walk = (node: Node, prefix: string) => {
    const entries = [...node.children.entries()];
    entries.forEach(([segment, child], i) => {
      const last = i === entries.length - 1;
      const below = `${prefix}${last ? '    ' : '│   '}`;
      addRows(`${prefix}${last ? '└── ' : '├── '}${segment}`, child.children.size ? `${below}│` : below, child.routes);
      walk(child, below);
    });
  };
  walk(root, '');
  const width = Math.max(...rows.map(([t]) => t.length));
  const body = rows.map(([t, m, f]) => (m ? `${t.padEnd(width)}  ${m.padEnd(7)} ${f}` : t)).join('\n');
  return `${appName} (${routes.length} route${routes.length === 1 ? '' : 's'})\n${body}`;
}
