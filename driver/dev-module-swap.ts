// `gati dev`: whether a save can be served by hot-swapping modules alone, instead of loading a new
// build. It can when every saved file is a module of src/modules that nothing else imports (only
// the dev entry does), whose functions are the ones the serving build knows, each declared to
// return a Promise: the new instance runs in a worker thread, so its calls answer asynchronously,
// which a synchronous function's callers would not expect. Anything else reloads the build.
import { join } from 'node:path';
import type { AppModel } from '../model/app-model.js';
import type { DevModules } from './dev-modules.js';

export interface ModuleEdit {
  name: string;
  /** The module's emitted file, as a URL the worker imports. */
  url: string;
  /** The module's source file, relative to the root. */
  file: string;
}

/** `serving`: each module's function names in the build serving now. */
export function moduleOnlyEdit(root: string, changed: string[], model: AppModel, serving: Map<string, string[]>, modules: DevModules): ModuleEdit[] | undefined {
  if (changed.length === 0) return undefined;
  const edits: ModuleEdit[] = [];
  for (const file of changed) {
    const module = model.modules.find((m) => join(root, m.file) === file);
    if (!module) return undefined;
    const names = module.functions.map((f) => f.name).sort();
    const before = [...(serving.get(module.name) ?? [])].sort();
    if (names.length !== before.length || names.some((n, i) => n !== before[i])) return undefined;
    if (!module.functions.every((f) => /\)\s*:\s*Promise<[\s\S]*>\s*$/.test(f.signature))) return undefined;
    if (modules.importersOf(file).length > 0) return undefined;
    const url = modules.moduleUrl(file);
    if (!url) return undefined;
    edits.push({ name: module.name, url, file: module.file });
  }
  return edits;
}
