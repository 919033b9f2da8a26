// The local control channel of a running server: HTTP over a unix socket,
// `<app>/.gati/run/control-<pid>.sock`, which `gati modules swap` talks to. Why a socket and not a
// port: it is reachable only from this machine, and only by the user who runs the server (the
// folder is 0700, the socket 0600), so there is no token to store, leak or compare, and nothing
// listens on the network. One socket per process (`--workers N`: each worker has its own modules
// and its own socket; the CLI swaps in every one).
//   GET  /modules               → { items: ModuleState[] }
//   POST /modules/<name>/swap   { to } → SwapOutcome, or a problem document (404, 400, 502)
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../types.js';
import { SwapError, type ModuleSwapper } from '../modules/module-swapper.js';

export const RUN_DIR = '.gati/run';

export interface LocalSocket {
  path: string;
  close(): Promise<void>;
}

/** Listens on the control socket; undefined (and a warning) when it cannot (a read-only folder, a path too long for a socket). */
export async function openLocalSocket(root: string, swapper: ModuleSwapper, log: Logger): Promise<LocalSocket | undefined> {
  const dir = join(root, RUN_DIR);
  const path = join(dir, `control-${process.pid}.sock`);
  const server = http.createServer((req, res) => void answer(req, res, swapper));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    rmSync(path, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path, exclusive: true }, resolve);
    });
    chmodSync(path, 0o600);
  } catch (error) {
    log.warn({ err: error, path }, 'the local control socket could not be opened: gati modules swap cannot reach this process');
    return undefined;
  }
  server.unref();
  const remove = () => rmSync(path, { force: true });
  process.once('exit', remove);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('exit', remove);
        server.close(() => resolve());
        server.closeAllConnections();
        remove();
      }),
  };
}

async function answer(req: http.IncomingMessage, res: http.ServerResponse, swapper: ModuleSwapper): Promise<void> {
  const send = (status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const problem = (status: number, detail: string) => send(status, { title: http.STATUS_CODES[status], status, detail }, 'application/problem+json');
  const url = new URL(req.url ?? '/', 'http://local');
  if (req.method === 'GET' && url.pathname === '/modules') return send(200, { items: swapper.list() });
  const swap = /^\/modules\/([^/]+)\/swap$/.exec(url.pathname);
  if (req.method !== 'POST' || !swap) return problem(404, 'GET /modules or POST /modules/<name>/swap');
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) return problem(413, 'the body is too large');
  }
  let to: unknown;
  try {
    to = (JSON.parse(text) as { to?: unknown }).to;
  } catch {
    return problem(400, 'the body must be JSON: { "to": "<source>" }');
  }
  if (typeof to !== 'string') return problem(400, 'the body must be JSON: { "to": "<source>" }');
  try {
    send(200, await swapper.swap(decodeURIComponent(swap[1]!), to));
  } catch (error) {
    problem(error instanceof SwapError ? error.status : 500, (error as Error).message);
  }
}
