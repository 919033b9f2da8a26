// `gati start --runtime bun|deno` (or a build that targets one) from Node: the same dist/server.mjs,
// served by the engine's executable. Where users install it decides where it is looked for, in
// this order: the app's node_modules/.bin (`npm install -D bun`: the version the app pins), the
// working folder's, gati's own (a checkout or a package that brought one), then the PATH (Bun's
// and Deno's own installers, Homebrew, a container image).
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_PACKAGES, engineArgs, type Runtime } from '../../model/engines.js';
import type { Terminal } from '../terminal.js';

/** The gati package's folder (lib/bin/commands/ → three up). */
const GATI_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface FoundEngine {
  executable: string;
  /** Where it was found, for the line `gati start` prints. */
  from: 'the app' | 'the working folder' | 'gati' | 'PATH';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findEngine(root: string, runtime: Exclude<Runtime, 'node'>, path = process.env.PATH ?? ''): FoundEngine | undefined {
  const local: [string, FoundEngine['from']][] = [[root, 'the app'], [process.cwd(), 'the working folder'], [GATI_ROOT, 'gati']];
  for (const [dir, from] of local) {
    const executable = join(dir, 'node_modules', '.bin', runtime);
    if (isExecutable(executable)) return { executable, from };
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const executable = join(dir, process.platform === 'win32' ? `${runtime}.exe` : runtime);
    if (isExecutable(executable)) return { executable, from: 'PATH' };
  }
  return undefined;
}

/** Runs dist/server.mjs under `runtime`, forwarding signals; resolves with its exit code. */
export function runOnEngine(root: string, runtime: Exclude<Runtime, 'node'>, script: string[], term: Terminal): Promise<number> {
  const found = findEngine(root, runtime);
  if (!found) {
    term.error(`gati start: the ${runtime} runtime needs the ${runtime} executable, looked for in node_modules/.bin (the app's, then gati's) and on the PATH: \`npm install --save-dev ${ENGINE_PACKAGES[runtime]}\` (it ships the binary through the npm registry), or install ${runtime} on the PATH`);
    return Promise.resolve(1);
  }
  term.info(`gati start: running on ${runtime} from ${found.from}: ${found.executable}`);
  const child = spawn(found.executable, [...engineArgs(runtime), ...script], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
