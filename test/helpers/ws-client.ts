// Real WebSocket clients for the WS runtime tests: the `ws` package's client with a message queue,
// a raw TCP client that completes the handshake and then never answers a ping, and the test
// server (test/helpers/ws-server.ts) spawned on an engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { REPO } from './paths.js';
import type { Engine } from './server.js';

export const WS_SERVER = join(REPO, 'lib/test/helpers/ws-server.js');

export interface WsTestServer {
  ports: number[];
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the test server on `engine` and waits for `count` `{"port":N}` lines. */
export function startWsServer(engine: Engine, env: Record<string, string> = {}, count = 1): Promise<WsTestServer> {
  return new Promise((resolve, reject) => {
    const args = engine.name === 'deno' ? ['run', '-A', WS_SERVER] : [WS_SERVER];
    const child = spawn(engine.executable, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const ports: number[] = [];
    const timer = setTimeout(() => reject(new Error(`ws server did not start:\n${text}`)), 30_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      for (const m of chunk.toString().matchAll(/\{"port":(\d+)\}/g)) ports.push(Number(m[1]));
      if (ports.length === count) {
        clearTimeout(timer);
        resolve({
          ports,
          child,
          output: () => text,
          stop: (signal = 'SIGTERM') => new Promise((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
            child.once('exit', (code) => res(code));
            child.kill(signal);
          }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ws server exited with ${code}:\n${text}`));
    });
  });
}

export interface TestSocket {
  ws: WebSocket;
  /** The next message (parsed), within `ms`. */
  next(ms?: number): Promise<Record<string, unknown>>;
  send(msg: unknown): void;
  /** The close code and reason the client saw. */
  closed: Promise<{ code: number; reason: string }>;
}

export function openSocket(port: number, path = '/test'): Promise<TestSocket> {
  return openSocketAt(`ws://127.0.0.1:${port}${path}`);
}

/** Opens `url` with the upgrade request's `headers`; a refused upgrade rejects with its HTTP `status`. */
export function openSocketAt(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const path = new URL(url).pathname;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    const queue: Record<string, unknown>[] = [];
    const waiting: ((m: Record<string, unknown>) => void)[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(msg);
      else queue.push(msg);
    });
    // Rejects when nothing closed the socket within 20 s, so a test fails instead of hanging.
    const closed = new Promise<{ code: number; reason: string }>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`socket ${path} not closed within 20 s`)), 20_000);
      timer.unref();
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        res({ code, reason: reason.toString() });
      });
    });
    closed.catch(() => {});
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
        next: (ms = 5000) =>
          new Promise((res, rej) => {
            const queued = queue.shift();
            if (queued) return res(queued);
            const waiter = (m: Record<string, unknown>) => {
              clearTimeout(timer);
              res(m);
            };
            // A waiter that timed out leaves the queue, so the next message is not lost to it.
            const timer = setTimeout(() => {
              waiting.splice(waiting.indexOf(waiter), 1);
              rej(new Error(`no message within ${ms} ms`));
            }, ms);
            waiting.push(waiter);
          }),
      }),
    );
  });
}

/** No message arrives within `ms` (the "not delivered" side of a pub/sub assertion). */
export async function silent(socket: TestSocket, ms = 300): Promise<boolean> {
  try {
    await socket.next(ms);
    return false;
  } catch {
    return true;
  }
}

/** A client that completes the handshake, then reads nothing and answers no ping; resolves when the server drops it. */
export function deafClient(port: number, path = '/test'): Promise<{ upgraded: boolean; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let upgraded = false;
    const socket = tcpConnect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) upgraded = true;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ upgraded, closedAfterMs: Date.now() - started }));
  });
}
