// gati modules [dir]: the modules of a running `gati start` (kind, source, calls in flight, swaps).
// gati modules swap <name> --to <source> [dir]: a hot swap in that server, without a failed request
// (runtime-shim/modules/module-swapper.ts). The CLI reaches the server through its local control
// socket(s) in <dir>/.gati/run/ (runtime-shim/control/local-socket.ts): one per server process,
// so under `--workers N` every worker swaps. A TypeScript module file is compiled here first
// (esbuild, into .gati/run/modules/), as the server itself carries no compiler.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Terminal } from '../terminal.js';
import { RUN_DIR } from '../../runtime-shim/control/local-socket.js';
import { askControlSocket, controlSockets, type ControlSocket } from '../../runtime-shim/control/local-socket-client.js';
import type { ModuleState, SwapOutcome } from '../../runtime-shim/modules/module-swapper.js';

export async function modulesCommand(args: string[], to: string | undefined, term: Terminal, json: boolean): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'swap') {
    const [name, dir] = rest;
    if (!name || to === undefined) {
      term.error("gati: 'gati modules swap' needs a module and a source: gati modules swap <name> --to <url | command:… | npm:<package> | file> [dir]");
      return 2;
    }
    return swap(resolve(dir ?? '.'), name, to, term, json);
  }
  if (sub !== undefined && sub !== 'list' && rest.length > 0) {
    term.error("gati: 'gati modules' takes swap or list (gati modules swap <name> --to <source> [dir])");
    return 2;
  }
  return list(resolve((sub === 'list' ? rest[0] : sub) ?? '.'), term, json);
}

async function list(root: string, term: Terminal, json: boolean): Promise<number> {
  const sockets = findSockets(root, term);
  if (!sockets) return 1;
  for (const socket of sockets) {
    const answer = await askControlSocket<{ items: ModuleState[] }>(socket.path, 'GET', '/modules');
    if (answer === 'gone') continue;
    if (json) {
      term.info(JSON.stringify({ pid: socket.pid, ...answer.body }));
      continue;
    }
    term.info(term.style.bold(`process ${socket.pid}`));
    for (const m of answer.body.items) term.info(`  ${m.name.padEnd(16)} ${m.kind.padEnd(9)} ${m.state.padEnd(8)} in flight ${m.inFlight}, swaps ${m.swaps}  ${m.source}`);
  }
  return 0;
}

async function swap(root: string, name: string, to: string, term: Terminal, json: boolean): Promise<number> {
  const sockets = findSockets(root, term);
  if (!sockets) return 1;
  let source: string;
  try {
    source = await compiledIfTypeScript(root, name, to);
  } catch (error) {
    term.error(`gati modules swap: ${to} could not be compiled: ${(error as Error).message}`);
    return 1;
  }
  let failed = false;
  let reached = 0;
  for (const socket of sockets) {
    const answer = await askControlSocket<SwapOutcome & { detail?: string }>(socket.path, 'POST', `/modules/${encodeURIComponent(name)}/swap`, { to: source });
    if (answer === 'gone') continue;
    reached++;
    if (answer.status !== 200) {
      failed = true;
      term.error(`gati modules swap: ${answer.body.detail ?? `the server answered ${answer.status}`}${sockets.length > 1 ? ` (process ${socket.pid})` : ''}`);
      continue;
    }
    const done = answer.body;
    if (json) term.info(JSON.stringify({ pid: socket.pid, ...done }));
    else term.info(`swapped ${done.name} to ${done.kind} ${done.source} in ${Math.round(done.ms)} ms (process ${socket.pid}); calls in flight finish on the previous instance`);
  }
  if (reached === 0) {
    term.error(`gati modules swap: no running gati start found for ${root} (its sockets in ${RUN_DIR}/ are stale)`);
    return 1;
  }
  return failed ? 1 : 0;
}

function findSockets(root: string, term: Terminal): ControlSocket[] | undefined {
  const found = controlSockets(root);
  if (found.length === 0) {
    term.error(`gati modules: no running gati start found for ${root} (no control socket in ${RUN_DIR}/); start it with gati start ${root}`);
    return undefined;
  }
  return found;
}

/** A module file given as TypeScript: bundled into .gati/run/modules/<name>-<hash>.mjs (its packages stay imports), the path the server loads. */
async function compiledIfTypeScript(root: string, name: string, to: string): Promise<string> {
  const file = resolve(to);
  if (!/\.(m|c)?ts$/.test(to) || !existsSync(file)) return /^\.{0,2}[/\\]/.test(to) && existsSync(file) ? file : to;
  const esbuild = await import('esbuild');
  const outfile = join(root, RUN_DIR, 'modules', `${name}-${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)}.mjs`);
  mkdirSync(join(root, RUN_DIR, 'modules'), { recursive: true, mode: 0o700 });
  await esbuild.build({ entryPoints: [file], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent', absWorkingDir: root });
  return outfile;
}
