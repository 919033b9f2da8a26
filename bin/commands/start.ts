// gati start [dir]: serve the built app (dist/server.mjs) with `--port`/PORT, `--host`/HOST
// (default 0.0.0.0), `--workers N|auto` (one process per core with node:cluster) and `--role`.
// The engine is the one the build targets (dist/runtime.json), or `--runtime`: from Node, a Bun or
// Deno target re-runs this command under that engine's executable, which serves in-process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './load-bundle.js';
import { runOnEngine } from './engine.js';
import { RUNTIME_FILE } from '../../emitters/bundle/entry.js';
import { isRuntime, RUNTIMES, type Runtime } from '../../model/engines.js';
import type { Terminal } from '../terminal.js';
import { runtimeName } from '../../runtime-shim/runtime-name.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import { portFrom, serveOptions, type ServeFlags as ServingFlags } from '../../runtime-shim/server/serve-flags.js';

/** The serving flags and `--runtime`. */
export interface ServeFlags extends ServingFlags {
  runtime?: string;
}

const GATI_BIN = fileURLToPath(new URL('../../../bin/gati.mjs', import.meta.url));

/** The engine dist/ was built for (dist/runtime.json; builds from before it existed: node). */
export function builtFor(root: string): Runtime {
  try {
    const { runtime } = JSON.parse(readFileSync(join(root, RUNTIME_FILE), 'utf8')) as { runtime?: string };
    return runtime && isRuntime(runtime) ? runtime : 'node';
  } catch {
    return 'node';
  }
}

export async function startCommand(root: string, flags: ServeFlags, term: Terminal): Promise<number> {
  if (flags.runtime !== undefined && !isRuntime(flags.runtime)) {
    term.error(`gati start: --runtime must be ${RUNTIMES.join(', ')}; got "${flags.runtime}"`);
    return 2;
  }
  const options = serveOptions(flags);
  if ('error' in options) {
    term.error(`gati start: ${options.error}`);
    return 2;
  }
  if (!existsSync(join(root, 'dist', 'server.mjs'))) {
    term.error(`gati start: ${join(root, 'dist', 'server.mjs')} does not exist: run \`gati build\` first`);
    return 1;
  }
  const runtime = (flags.runtime as Runtime | undefined) ?? builtFor(root);
  const here = runtimeName();
  if (runtime !== here) {
    if (here !== 'node' || runtime === 'node') {
      term.error(`gati start: this process runs on ${here}, but ${flags.runtime ? '--runtime asks for' : 'the build targets'} ${runtime}; run gati with ${runtime}, or pass --runtime ${here}`);
      return 2;
    }
    const forwarded = [...(flags.port ? ['--port', flags.port] : []), ...(flags.host ? ['--host', flags.host] : []), ...(flags.workers ? ['--workers', flags.workers] : []), ...(flags.role ? ['--role', flags.role] : []), ...(flags['admin-port'] ? ['--admin-port', flags['admin-port']] : [])];
    return runOnEngine(root, runtime, [GATI_BIN, 'start', root, '--runtime', runtime, ...forwarded], term);
  }
  let bundle;
  try {
    bundle = await loadBundle(root);
  } catch (error) {
    term.error(`gati start: ${(error as Error).message}`);
    return 1;
  }
  try {
    await bundle.runMain(bundle.app, options); // host and port: flag, env, then server.* of the config, then 0.0.0.0:3000
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    term.error(addressInUse('start', options.port ?? bundle.app.config.server?.port ?? CONFIG_DEFAULTS.server.port));
    return 1;
  }
  return -1; // keeps running; the process exits on a signal
}

/** What `gati start` and `gati dev` print when their port is taken: a user problem, not a Gati bug. */
export function addressInUse(command: string, port: number): string {
  return `gati ${command}: port ${port} is already in use; stop what listens there, or choose another with --port, PORT or server.port in gati.config`;
}

/** node:http's EADDRINUSE, Deno's AddrInUse. */
export function isAddressInUse(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | null;
  return e?.code === 'EADDRINUSE' || e?.name === 'AddrInUse';
}

export function parsePort(value: string | undefined, term: Terminal): number | undefined | null {
  const port = portFrom(value);
  if (typeof port !== 'object') return port;
  term.error(`gati: ${port.error}`);
  return null;
}
