// A change to gati.config as the panel proposes it (scaling, settings, a rollback's image pin): the
// unified diff of the file, and with `apply` the file written. Under `gati dev` the watcher rebuilds
// on the write, so the change serves within a second; `gati start` runs a built bundle, so there it
// takes effect at the next build and start (or `gati deploy`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangePlan } from '../api-types.js';
import { ConfigEditError, editConfigSource, type Literal } from './config-source-edit.js';
import { unifiedDiff } from './unified-diff.js';
import { CONFIG_FILE_NAMES } from '../../config.js';

export function configFileOf(root: string): string | undefined {
  return CONFIG_FILE_NAMES.find((name) => existsSync(join(root, name)));
}

export interface ConfigChange {
  values: Record<string, Literal>;
  /** The command that does the same by hand once the file is edited. */
  command: string;
  apply: boolean;
  mode: 'dev' | 'start';
}

export function planConfigChange(root: string, change: ConfigChange): ChangePlan {
  const name = configFileOf(root);
  if (!name) return { diff: '', command: change.command, applied: false, errors: ['this app has no gati.config file to change (create one with the settings, then rebuild)'] };
  const before = readFileSync(join(root, name), 'utf8');
  let after: string;
  try {
    after = editConfigSource(before, name, change.values);
  } catch (error) {
    if (!(error instanceof ConfigEditError)) throw error;
    return { diff: '', command: change.command, applied: false, errors: [error.message] };
  }
  const diff = unifiedDiff(before, after, name);
  const note = takesEffect(change.mode);
  if (!change.apply || diff === '') return { diff, command: change.command, applied: false, note };
  try {
    writeFileSync(join(root, name), after);
  } catch (error) {
    // A container's read-only file system, a file the server may not write: the plan stands, unapplied.
    return { diff, command: change.command, applied: false, note, errors: [`${name} cannot be written here (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): apply the diff where the app's source lives`] };
  }
  return { diff, command: change.command, applied: true, note };
}

export const takesEffect = (mode: 'dev' | 'start') =>
  mode === 'dev' ? 'gati dev rebuilds on the write: the change serves within a second' : 'the running server keeps its built config: the change takes effect at the next `gati build` and start (or `gati deploy`)';
