// The other end of local-socket.ts: finds the control sockets of the processes serving an app
// (`<app>/.gati/run/control-<pid>.sock`, one per process: `--workers N` has N) and sends one request
// to one of them. Used by `gati modules` on the machine, and by the panel's swap endpoint to carry a
// swap made on the worker it reached to the worker's siblings.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { RUN_DIR } from './local-socket.js';

const SOCKET = /^control-(\d+)\.sock$/;

export interface ControlSocket {
  path: string;
  pid: number;
}

/** Every control socket of the app in `root` (some may be stale: `askControlSocket` answers 'gone' for those). */
export function controlSockets(root: string): ControlSocket[] {
  const dir = join(root, RUN_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((file) => {
    const m = SOCKET.exec(file);
    return m ? [{ path: join(dir, file), pid: Number(m[1]) }] : [];
  });
}

/** One request over the socket; 'gone' when no process listens there any more (the stale socket file is removed). */
export function askControlSocket<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T } | 'gone'> {
  return new Promise((done, fail) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, path, method, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}, timeout: 120_000 }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (answer += chunk));
      res.on('end', () => {
        try {
          done({ status: res.statusCode ?? 0, body: JSON.parse(answer) as T });
        } catch {
          fail(new Error(`the server answered ${res.statusCode} without JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('the server did not answer within 120 s')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') {
        rmSync(socketPath, { force: true }); // left by a process that ended without closing it
        done('gone');
      } else fail(error);
    });
    req.end(text);
  });
}
