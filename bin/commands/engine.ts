// `gati start --runtime bun|deno` (or a build that targets one) from Node: the same dist/server.mjs,
// served by the engine's executable from the `bun` or `deno` npm package (their binaries come
// from the npm registry, through @oven/bun-linux-x64 and @deno/linux-x64-glibc and friends).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_PACKAGES, engineArgs, type Runtime } from '../../compiler/engines.js';
import type { Terminal } from '../terminal.js';

export function findEngine(root: string, runtime: Exclude<Runtime, 'node'>): string | undefined {
  for (const dir of [root, process.cwd()]) {
    const candidate = join(dir, 'node_modules', '.bin', runtime);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs dist/server.mjs under `runtime`, forwarding signals; resolves with its exit code. */
export function runOnEngine(root: string, runtime: Exclude<Runtime, 'node'>, script: string[], term: Terminal): Promise<number> {
  const executable = findEngine(root, runtime);
  if (!executable) {
    term.error(`gati start: the ${runtime} runtime needs the ${runtime} executable: \`npm install --save-dev ${ENGINE_PACKAGES[runtime]}\` (it ships the binary through the npm registry)`);
    return Promise.resolve(1);
  }
  const child = spawn(executable, [...engineArgs(runtime), ...script], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
