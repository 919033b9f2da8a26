// gati init <dir> [--force] [--gati <spec>]: write a working app (templates/app) into <dir>, then
// print the commands that install, serve and test it. A non-empty <dir> is refused (exit 2)
// unless --force, so an existing project is never overwritten by accident.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Terminal } from '../terminal.js';
import { appNameFromFolder } from '../init/app-name.js';
import { gatiDependency, gatiPackage } from '../init/gati-dependency.js';
import { scaffold } from '../init/scaffold.js';
import { denyGatiPrepare } from '../init/allow-scripts.js';

export interface InitFlags {
  force?: boolean;
  /** The gati dependency to write instead of the detected one (`^0.1.0`, `file:../gati`, a tarball). */
  gati?: string;
}

/** Files that do not make a folder "non-empty": a fresh `git init` is a fine place to start. */
const IGNORABLE = new Set(['.git']);

export function initCommand(root: string, flags: InitFlags, term: Terminal): number {
  if (existsSync(root) && !statSync(root).isDirectory()) {
    term.error(`gati init: ${root} exists and is not a folder`);
    return 2;
  }
  const present = existsSync(root) ? readdirSync(root).filter((name) => !IGNORABLE.has(name)) : [];
  if (present.length > 0 && !flags.force) {
    term.error(`gati init: ${root} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); choose an empty or new folder, or pass --force to write the app's files over it`);
    return 2;
  }
  const name = appNameFromFolder(basename(root));
  if (!name) {
    term.error(`gati init: "${basename(root)}" cannot be made into an npm package name; use a folder named with letters, digits, "-", "." or "_"`);
    return 2;
  }
  const gati = flags.gati ?? gatiDependency();
  const pkg = gatiPackage();
  // The app is a Node program (handlers and middleware read process.env, as the docs show), so it
  // type-checks against the Node types gati itself is checked with.
  const files = scaffold(root, { name, gati, typescript: pkg.dependencies.typescript ?? 'latest', typesNode: pkg.devDependencies?.['@types/node'] ?? '^20.0.0' });
  denyGatiPrepare(join(root, 'package.json'), gati);
  const where = relative(process.cwd(), root) || '.';
  term.info(`Created ${name} in ${root} (${files.length} files; gati: "${gati}")`);
  for (const file of files) term.info(`  ${file}`);
  term.info('');
  term.info('Next:');
  if (where !== '.') term.info(`  cd ${where.includes(' ') ? JSON.stringify(where) : where}`);
  term.info('  npm install');
  term.info("  npx gati dev          # serves http://127.0.0.1:3000: curl 'http://127.0.0.1:3000/hello?name=Ada'");
  term.info('  npm test              # builds the app, starts it and runs test/app.test.mjs against it');
  return 0;
}
