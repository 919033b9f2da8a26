// gati runtime-deps [dir] --out <folder>: writes <folder>/node_modules with only what the built
// server needs at run time: the app's own `dependencies` (its code imports them; they stay outside
// the bundle) and the runtime dependencies of Gati for the build's engine (RUNTIME_DEPENDENCIES),
// beside a copy of gati's package.json through which the bundle finds them. The compiler, esbuild,
// cdk8s and the rest of `gati build`'s tool chain stay behind. dist/Dockerfile runs it in its
// dependencies stage and copies the folder into the final image.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUNTIME_DEPENDENCIES, type RuntimeDependency } from '../../runtime-shim/dependency.js';
import { PackageCopier, readPackageJson } from '../image/copy-packages.js';
import { builtFor } from './start.js';
import type { Terminal } from '../terminal.js';

export function runtimeDepsCommand(root: string, out: string | undefined, term: Terminal): number {
  if (!out) {
    term.error('gati runtime-deps: --out <folder> is required (the folder whose node_modules receives the packages)');
    return 2;
  }
  const outRoot = resolve(out);
  rmSync(join(outRoot, 'node_modules'), { recursive: true, force: true });
  const engine = builtFor(root);
  const copier = new PackageCopier(outRoot);
  try {
    const own = Object.keys(readPackageJson(root).dependencies ?? {}).filter((name) => name !== 'gati');
    copier.addAll(own, root);
    const gati = copier.addManifest('gati', root);
    const needed = (Object.keys(RUNTIME_DEPENDENCIES) as RuntimeDependency[]).filter((name) => (RUNTIME_DEPENDENCIES[name].engines as readonly string[]).includes(engine));
    copier.addAll(needed, gati.source, gati.target);
  } catch (error) {
    term.error(`gati runtime-deps: ${(error as Error).message}`);
    return 1;
  }
  term.info(`wrote ${join(outRoot, 'node_modules')}: ${copier.files} files, ${(copier.bytes / 1e6).toFixed(1)} MB (the runtime dependencies of dist/ on ${engine})`);
  return 0;
}
