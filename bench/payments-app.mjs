// fixtures/payments as a user's app for the benchmarks: no build outputs, a tsconfig without the
// repository's path mapping, and node_modules/gati a symlink to this checkout (a folder install).
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function linkGati(dir) {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules', 'gati'), 'dir');
}

export function paymentsApp(dir) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(REPO, 'fixtures', 'payments'), dir, { recursive: true, filter: (src) => !/[/\\](dist|node_modules|expected|sdk)([/\\]|$)|\.gati[/\\](cache|data)/.test(src) });
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
  delete tsconfig.compilerOptions.paths;
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  linkGati(dir);
  return dir;
}
