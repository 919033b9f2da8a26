// The serving flags, `--port`, `--host`, `--workers N|auto`, `--role all|api|worker` and
// `--admin-port n|off`, read the
// same way by `gati start` and by the dist/server.mjs launcher, which a production image runs
// without the gati CLI: the image takes `gati start`'s arguments (the Kubernetes manifests pass
// `start --role api --workers 2`), so the launcher accepts them and the leading `start` too.
import { parseArgs } from 'node:util';
import type { MainOptions } from './main.js';
import type { Role } from './context.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  workers?: string;
  role?: string;
  'admin-port'?: string;
}

const ROLES: readonly Role[] = ['all', 'api', 'worker'];

/** The port of `--port` or PORT: undefined when neither is set, a message when it is no port. */
export function portFrom(value: string | undefined): number | undefined | { error: string } {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `the port must be an integer from 0 to 65535, got "${value}"` };
  return port;
}

/** The admin port of `--admin-port` or ADMIN_PORT: a port, 'off', undefined when neither is set, or a message. */
export function adminPortFrom(value: string | undefined): number | 'off' | undefined | { error: string } {
  if (value === 'off') return 'off';
  const port = portFrom(value);
  return typeof port === 'object' ? { error: `--admin-port must be a port from 0 to 65535 or "off", got "${value}"` } : port;
}

/** Checks the flags (with PORT, HOST, GATI_ROLE and ADMIN_PORT as their defaults): runMain's options, or what is wrong. */
export function serveOptions(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): MainOptions | { error: string } {
  const workers = flags.workers === 'auto' ? 'auto' : flags.workers ? Number(flags.workers) : undefined;
  if (workers !== undefined && workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1)) return { error: `--workers must be a positive integer or "auto", got "${flags.workers}"` };
  const port = portFrom(flags.port ?? setOrUndefined(env.PORT));
  if (typeof port === 'object') return port;
  const role = flags.role ?? env.GATI_ROLE;
  if (role !== undefined && !(ROLES as readonly string[]).includes(role)) return { error: `--role must be all, api or worker, got "${role}"` };
  const adminPort = adminPortFrom(flags['admin-port'] ?? setOrUndefined(env.ADMIN_PORT));
  if (typeof adminPort === 'object') return adminPort;
  return { port, host: flags.host ?? setOrUndefined(env.HOST), workers, role: role as Role | undefined, adminPort };
}

/** An empty variable (`PORT=` in a compose file or a shell) counts as unset, not as port 0 or host ''. */
function setOrUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/**
 * The launcher's command line (`node dist/server.mjs [start] [--port n] [--host h] [--workers n|auto]
 * [--role r] [--admin-port n|off]`); `defaults` are the launcher's own (dist/worker.mjs: role worker). A bad command line
 * ends the process with code 2, as `gati start` does.
 */
export function launchOptions(argv: string[], defaults: MainOptions = {}): MainOptions {
  let flags: ServeFlags;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, workers: { type: 'string' }, role: { type: 'string' }, 'admin-port': { type: 'string' } } });
    const extra = positionals.filter((word, i) => !(i === 0 && word === 'start'));
    if (extra.length > 0) throw new Error(`unexpected argument '${extra[0]}'`);
    flags = values;
  } catch (error) {
    return usage((error as Error).message);
  }
  const options = serveOptions({ ...flags, role: flags.role ?? defaults.role });
  return 'error' in options ? usage(options.error) : options;
}

function usage(message: string): never {
  process.stderr.write(`gati: ${message}\nusage: node dist/server.mjs [start] [--port n] [--host h] [--workers n|auto] [--role all|api|worker] [--admin-port n|off]\n`);
  process.exit(2);
}
