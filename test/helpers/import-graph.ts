// The repository's import graph, read from the sources: one edge per relative import or export
// (type-only ones included: a type import still ties two files' meaning together). Used by
// test/import-graph.test.ts to hold the layers (bin → driver → compiler/emitters → model) and to
// keep the runtime free of import circles.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** File (repository-relative, `/`-separated, `.ts`) → the repository files it imports. */
export type ImportGraph = Map<string, string[]>;

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [],
  );
}

const posix = (path: string) => path.split(sep).join('/');

/** Reads every `.ts` file under the given top-level folders of `repo`. */
export function importGraph(repo: string, folders: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const folder of folders) {
    for (const file of sources(join(repo, folder))) {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(IMPORT)].map((m) => posix(relative(repo, normalize(join(dirname(file), (m[1] ?? m[2] ?? m[3])!)))).replace(/\.js$/, '.ts'));
      graph.set(posix(relative(repo, file)), targets);
    }
  }
  return graph;
}

/** The imports that leave `from` (a folder prefix) for a folder it must not reach. */
export function forbiddenEdges(graph: ImportGraph, from: string, allowed: readonly string[]): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(`${from}/`)) continue;
    for (const target of targets) if (!allowed.some((prefix) => target.startsWith(`${prefix}/`))) out.push(`${file} → ${target}`);
  }
  return out;
}

/** Every import circle among the files under `folder`, each as the path that closes it. */
export function circles(graph: ImportGraph, folder: string): string[] {
  const inside = (file: string) => file.startsWith(`${folder}/`) && graph.has(file);
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!inside(next)) continue;
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (inside(file) && !state.has(file)) visit(file);
  return found;
}
