// gati start [dir]: serve the built app (dist/server.mjs) with `--port`/PORT, `--host`/HOST
// (default 0.0.0.0) and `--workers N|auto` (one process per core with node:cluster).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle } from './load-bundle.js';
import { runOnBun } from './engine.js';
import type { Terminal } from '../terminal.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  workers?: string;
  role?: string;
  runtime?: string;
}

export async function startCommand(root: string, flags: ServeFlags, term: Terminal): Promise<number> {
  if (flags.runtime !== undefined && flags.runtime !== 'node' && flags.runtime !== 'bun') {
    term.error(`gati start: --runtime must be node or bun, got "${flags.runtime}" (Deno is not supported yet)`);
    return 2;
  }
  if (flags.runtime === 'bun') {
    if (!existsSync(join(root, 'dist', 'server.mjs'))) {
      term.error(`gati start: ${join(root, 'dist', 'server.mjs')} does not exist: run \`gati build\` first`);
      return 1;
    }
    return runOnBun(root, { PORT: flags.port, HOST: flags.host ?? process.env.HOST ?? '0.0.0.0', GATI_ROLE: flags.role }, term);
  }
  let bundle;
  try {
    bundle = await loadBundle(root);
  } catch (error) {
    term.error(`gati start: ${(error as Error).message}`);
    return 1;
  }
  const workers = flags.workers === 'auto' ? 'auto' : flags.workers ? Number(flags.workers) : undefined;
  if (workers !== undefined && workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1)) {
    term.error(`gati start: --workers must be a positive integer or "auto", got "${flags.workers}"`);
    return 2;
  }
  const port = parsePort(flags.port ?? process.env.PORT, term);
  if (port === null) return 2;
  const role = flags.role ?? process.env.GATI_ROLE;
  if (role !== undefined && role !== 'all' && role !== 'api' && role !== 'worker') {
    term.error(`gati start: --role must be all, api or worker, got "${role}"`);
    return 2;
  }
  await bundle.runMain(bundle.app, { port, host: flags.host ?? process.env.HOST ?? '0.0.0.0', workers, role });
  return -1; // keeps running; the process exits on a signal
}

export function parsePort(value: string | undefined, term: Terminal): number | undefined | null {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    term.error(`gati: the port must be an integer from 0 to 65535, got "${value}"`);
    return null;
  }
  return port;
}
