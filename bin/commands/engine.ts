// `gati start --runtime bun`: the same dist/server.mjs, served by the bun executable of the `bun`
// npm package (its binary comes from @oven/bun-linux-x64 and friends, from the npm registry).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Terminal } from '../terminal.js';

export function findBun(root: string): string | undefined {
  for (const dir of [root, process.cwd()]) {
    const candidate = join(dir, 'node_modules', '.bin', 'bun');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs dist/server.mjs under Bun, forwarding signals; resolves with Bun's exit code. */
export function runOnBun(root: string, env: Record<string, string | undefined>, term: Terminal): Promise<number> {
  const bun = findBun(root);
  if (!bun) {
    term.error('gati start: --runtime bun needs the bun executable: `npm install --save-dev bun` (it ships the binary through the npm registry)');
    return Promise.resolve(1);
  }
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const child = spawn(bun, [join(root, 'dist', 'server.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, ...defined } });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
