// fixtures/polyglot copied to a temp folder as an installed app: node_modules holds this
// repository's packages (links) and the fixture's npm-package module, text-stats, as npm installs
// a `file:` dependency; the Rust module is compiled with rustc when the machine has it.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, fixture } from './paths.js';

export interface PolyglotApp {
  dir: string;
  /** Why the Rust module cannot run here (no rustc), or undefined when it was built. */
  noRust?: string;
}

export function polyglotApp(): PolyglotApp {
  const dir = mkdtempSync(join(tmpdir(), 'gati-polyglot-'));
  cpSync(fixture('polyglot'), dir, { recursive: true, filter: (src) => !/[/\\](dist|node_modules)([/\\]|$)|\.gati[/\\]cache/.test(src) });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(REPO, 'node_modules'))) symlinkSync(join(REPO, 'node_modules', name), join(dir, 'node_modules', name));
  cpSync(join(dir, 'packages', 'text-stats'), join(dir, 'node_modules', 'text-stats'), { recursive: true });
  const rustc = spawnSync('rustc', ['-O', '-o', 'services/tally/tally', 'services/tally/main.rs'], { cwd: dir, encoding: 'utf8' });
  const noRust = rustc.error ? `rustc is not installed (${(rustc.error as NodeJS.ErrnoException).code})` : rustc.status !== 0 ? `rustc failed: ${rustc.stderr}` : undefined;
  return { dir, noRust };
}
