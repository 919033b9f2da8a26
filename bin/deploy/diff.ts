// A small line diff for --dry-run: which files change and how, against the last deployment's snapshot.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from './record.js';

export interface FileChange {
  file: string;
  kind: 'added' | 'removed' | 'changed';
  lines: string[];
}

export function diffFolders(oldDir: string | undefined, newDir: string): FileChange[] {
  const before = oldDir && existsSync(oldDir) ? listFiles(oldDir) : [];
  const after = listFiles(newDir);
  const changes: FileChange[] = [];
  for (const file of [...new Set([...before, ...after])].sort()) {
    const a = before.includes(file) ? readFileSync(join(oldDir!, file), 'utf8') : undefined;
    const b = after.includes(file) ? readFileSync(join(newDir, file), 'utf8') : undefined;
    if (a === b) continue;
    if (a === undefined) changes.push({ file, kind: 'added', lines: [] });
    else if (b === undefined) changes.push({ file, kind: 'removed', lines: [] });
    else changes.push({ file, kind: 'changed', lines: lineDiff(a.split('\n'), b.split('\n')) });
  }
  return changes;
}

/** `-`/`+` lines of an LCS diff (common prefix and suffix trimmed first; large middles summarised). */
export function lineDiff(a: string[], b: string[]): string[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) [endA, endB] = [endA - 1, endB - 1];
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length * y.length > 4_000_000) return [`@@ line ${start + 1}: ${x.length} lines replaced by ${y.length}`];
  const table = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) table[i]![j] = x[i] === y[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  }
  const out: string[] = [`@@ line ${start + 1}`];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) [i, j] = [i + 1, j + 1];
    else if (j < y.length && (i >= x.length || table[i]![j + 1]! >= table[i + 1]![j]!)) out.push(`+${y[j++]}`);
    else out.push(`-${x[i++]}`);
  }
  return out;
}
