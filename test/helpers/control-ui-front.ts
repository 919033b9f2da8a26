// For the panel's browser tests and bench, until the runtime serves the built app itself: a front on
// a free port that serves lib/control-ui under /_control (index.html for every page path, the assets,
// the panel's CSP) and passes everything else (the API, the auth endpoints, the app) to the server
// behind it. When that server already serves the panel's pages, the front is not used: its own URL
// is returned. A `/_control/auth/session` it does not answer yet reads as `gati dev`'s open session.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from './paths.js';
import { CONTROL_HEADERS } from '../../runtime-shim/control/panel.js';

export const CONTROL_UI_DIR = join(REPO, 'lib', 'control-ui');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
const DEV_SESSION = { mode: 'dev', authenticated: true, user: 'dev', methods: { passkey: false, totp: false } };

export interface ControlFront {
  /** The base URL to open /_control/... on. */
  url: string;
  /** Whether this front serves the files (false: the server does). */
  serving: boolean;
  close(): Promise<void>;
}

export async function controlFront(upstream: string): Promise<ControlFront> {
  const page = await fetch(`${upstream}/_control/`).catch(() => undefined);
  if (page?.ok && (page.headers.get('content-type') ?? '').startsWith('text/html')) return { url: upstream, serving: false, close: async () => {} };
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://front').pathname;
    const underPanel = path === '/_control' || path.startsWith('/_control/');
    if (underPanel && path.startsWith('/_control/assets/')) return serveFile(res, join(CONTROL_UI_DIR, 'assets', normalize(path.slice('/_control/assets/'.length)).replace(/^(\.\.[/\\])+/, '')));
    if (underPanel && !path.startsWith('/_control/api/') && !path.startsWith('/_control/auth/')) return serveFile(res, join(CONTROL_UI_DIR, 'index.html'));
    proxy(req, res, target, path === '/_control/auth/session' ? DEV_SESSION : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serving: true,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveFile(res: ServerResponse, file: string): void {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    res.writeHead(404, CONTROL_HEADERS).end();
    return;
  }
  res.writeHead(200, { ...CONTROL_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}

/** Passes the request on; `fallback` answers in its place when the server has no such endpoint (404). */
function proxy(req: IncomingMessage, res: ServerResponse, target: URL, fallback?: unknown): void {
  const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer: IncomingMessage) => {
    if (fallback !== undefined && answer.statusCode === 404) {
      answer.resume();
      res.writeHead(200, { ...CONTROL_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(fallback));
      return;
    }
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
  res.on('close', () => out.destroy());
  req.pipe(out);
}
