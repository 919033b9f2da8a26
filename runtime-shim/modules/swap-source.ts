// What `gati modules swap <name> --to <source>` (and the control panel) may name as a module's new
// instance, told apart by its form:
//   http://host:port[/prefix] | https://…   a running service (the module wire protocol)
//   command:<program> <args…> | ["program", "arg", …]   a local process given PORT (as dev.command)
//   npm:<package> | <package>                an npm package installed in the app, loaded in a worker thread
//   ./file.mjs | /abs/file.js | file.ts       an ES module file, loaded in a worker thread (a .ts file is
//                                             compiled by the CLI first: see bin/commands/modules.ts)
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type SwapSource =
  | { kind: 'http'; url: string }
  | { kind: 'process'; command: string[] }
  | { kind: 'worker'; url: string; source: string };

const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function parseSwapSource(to: string, root: string): SwapSource | { error: string } {
  const text = to.trim();
  if (text === '') return { error: 'the source is empty' };
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: 'http', url: new URL(text).href.replace(/\/+$/, '') };
    } catch {
      return { error: `"${text}" is not a valid URL` };
    }
  }
  if (text.startsWith('[')) {
    let words: unknown;
    try {
      words = JSON.parse(text);
    } catch {
      return { error: 'a command given as JSON must be an array of strings' };
    }
    if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string')) return { error: 'a command given as JSON must be a non-empty array of strings' };
    return { kind: 'process', command: words as string[] };
  }
  if (text.startsWith('command:')) {
    const words = text.slice('command:'.length).trim().split(/\s+/).filter(Boolean);
    return words.length ? { kind: 'process', command: words } : { error: 'command: names no program' };
  }
  const looksLikeFile = /^\.{0,2}[/\\]/.test(text) || isAbsolute(text) || /\.(m|c)?[jt]s$/.test(text);
  if (!text.startsWith('npm:') && looksLikeFile) {
    const file = resolve(root, text);
    if (!existsSync(file)) return { error: `${file} does not exist` };
    return { kind: 'worker', url: pathToFileURL(file).href, source: file };
  }
  const name = text.startsWith('npm:') ? text.slice(4) : text;
  if (!PACKAGE_NAME.test(name)) return { error: `"${text}" is neither a URL, a command (command:… or a JSON array), a package name nor a module file` };
  try {
    const file = createRequire(join(root, 'package.json')).resolve(name);
    return { kind: 'worker', url: pathToFileURL(file).href, source: `npm:${name}` };
  } catch {
    return { error: `the package ${name} is not installed in ${root} (npm install it first)` };
  }
}
