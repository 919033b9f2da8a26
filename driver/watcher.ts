// Watches an app's sources and config, and batches what changed: editors save in bursts (write,
// rename, chmod), so events within `debounceMs` become one rebuild with every path in it.
// Each folder is watched on its own (not with `recursive`, whose Linux implementation watches
// files and loses a file that an editor replaces by rename); new folders are picked up as they appear.
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_NAMES } from '../compiler/discover/discover.js';

export interface AppWatcher {
  close(): void;
}

const SOURCE = /\.(m?ts|tsx|m?js|jsx|json)$/;

export function watchApp(root: string, onChange: (changed: string[]) => void, debounceMs = 25): AppWatcher {
  const pending = new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const changed = [...pending];
    pending.clear();
    onChange(changed);
  };
  const note = (path: string) => {
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  const watchDir = (dir: string) => {
    if (watchers.has(dir) || !isDir(dir)) return;
    const w = watch(dir, (_event, name) => {
      if (!name) return;
      const path = join(dir, name.toString());
      if (isDir(path)) return watchTree(path);
      if (SOURCE.test(path)) note(path);
    });
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
    });
    watchers.set(dir, w);
  };
  const watchTree = (dir: string) => {
    watchDir(dir);
    for (const name of safeList(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (isDir(path)) watchTree(path);
    }
  };
  watchTree(join(root, 'src'));
  const rootWatcher = watch(root, (_event, name) => {
    const file = name?.toString();
    if (!file) return;
    if (file === 'src') watchTree(join(root, 'src'));
    if (CONFIG_NAMES.includes(file) || file === 'tsconfig.json') note(join(root, file));
  });
  return {
    close() {
      if (timer) clearTimeout(timer);
      rootWatcher.close();
      for (const w of watchers.values()) w.close();
    },
  };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
