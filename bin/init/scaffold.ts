// Writes templates/app into a folder: every file as it is, with {{name}}-style placeholders filled.
// npm leaves `.gitignore` files out of packages, so the template holds it as `gitignore`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GATI_ROOT } from './gati-dependency.js';

export const TEMPLATE_DIR = join(GATI_ROOT, 'templates', 'app');

const RENAMED: Record<string, string> = { gitignore: '.gitignore' };

export type Placeholders = Record<string, string>;

/** Writes the template into `target`; returns the written paths, relative to it, in order. */
export function scaffold(target: string, values: Placeholders): string[] {
  const written: string[] = [];
  for (const source of templateFiles(TEMPLATE_DIR)) {
    const rel = relative(TEMPLATE_DIR, source);
    const name = RENAMED[rel] ?? rel;
    const text = fill(readFileSync(source, 'utf8'), values, source.endsWith('.json'));
    const destination = join(target, name);
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, text);
    written.push(name.split('\\').join('/'));
  }
  return written.sort();
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? templateFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** Replaces {{key}}; inside JSON the value is escaped as a JSON string's content (a Windows path). */
function fill(text: string, values: Placeholders, json: boolean): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) return whole;
    return json ? JSON.stringify(value).slice(1, -1) : value;
  });
}
