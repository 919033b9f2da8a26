// How the new app's package.json depends on gati. Gati is installed from a folder, a tarball or
// `npm link` today, not from the registry: a running gati that lives outside any node_modules (a
// checkout, or a linked one) is depended on by its absolute path, so `npm install` works at once;
// one installed inside node_modules is depended on by its version range.
import { readFileSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of the running gati package (this file is lib/bin/init/gati-dependency.js). */
export const GATI_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/[\\/]$/, '');

interface GatiPackage {
  version: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function gatiPackage(): GatiPackage {
  return JSON.parse(readFileSync(`${GATI_ROOT}/package.json`, 'utf8')) as GatiPackage;
}

/** `file:<absolute path>` for a checkout or a link, else `^<version>`. */
export function gatiDependency(root = GATI_ROOT): string {
  const real = realpathSync(root);
  return real.split(sep).includes('node_modules') ? `^${gatiPackage().version}` : `file:${real}`;
}
