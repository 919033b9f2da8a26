// For the hot-swap tests: a steady load (autocannon) that runs until stopped, a server process's
// RSS, and one request over a server's local control socket (.gati/run/control-<pid>.sock).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { GATI_BIN } from './server.js';

export interface LoadResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  requests: { total: number };
}

type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: LoadResult) => void) => { stop(): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Starts `connections` keep-alive connections sending GET `url` back to back; `stop()` ends them and gives the totals. */
export function steadyLoad(url: string, connections = 8): { stop(): Promise<LoadResult> } {
  let finished!: Promise<LoadResult>;
  const instance = (() => {
    let made!: ReturnType<Autocannon>;
    finished = new Promise((resolve, reject) => {
      made = autocannon({ url, connections, duration: 3600, timeout: 30 }, (error, result) => (error ? reject(error) : resolve(result)));
    });
    return made;
  })();
  return {
    stop: () => {
      instance.stop();
      return finished;
    },
  };
}

/** The resident set of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** One request to the control socket of process `pid` of the app in `dir`. */
export function askSocket(dir: string, pid: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath: join(dir, '.gati/run', `control-${pid}.sock`), path, method, headers: text ? { 'content-type': 'application/json' } : {} }, (res) => {
      let answer = '';
      res.on('data', (chunk) => (answer += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(answer) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** `gati <args>` without blocking this process (the load generator runs in it meanwhile). */
export function gati(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [GATI_BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * fixtures/polyglot's text-stats package as a service of the module wire protocol, for swaps of the
 * npm module to a URL (this server, in the test's process) or a `command:` (TEXT_STATS_SERVICE, the
 * same function as a script listening on PORT). wordsSince reads its dates as the ISO strings JSON
 * carries; while `wrong()`, topWords answers numbers where the package's types say strings.
 * `onCall` sees each call's arguments as the service read them.
 */
export function serveTextStats(port: number, wrong: () => boolean, onCall: (fn: string, args: unknown[]) => void = () => {}): http.Server {
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  const functions: Record<string, (...args: never[]) => unknown> = {
    wordsSince: (entries: { at: string; text: string }[], since: string) => ({ since, words: entries.filter((e) => Date.parse(e.at) >= Date.parse(since)).reduce((n, e) => n + words(e.text).length, 0) }),
    topWords: (text: string, options: { limit: number }) => (wrong() ? [1] : [...new Set(words(text))]).slice(0, options.limit),
  };
  return http
    .createServer((req, res) => {
      if (req.url === '/_health') return void res.end('ok');
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const fn = req.url!.slice(1);
        const args = JSON.parse(body) as never[];
        onCall(fn, args);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(functions[fn]!(...args)));
      });
    })
    .listen(port, '127.0.0.1');
}

/** serveTextStats as a script for `command:node <file> [wrong]`. */
export const TEXT_STATS_SERVICE = `import http from 'node:http';\n(${serveTextStats.toString()})(Number(process.env.PORT), () => process.argv[2] === 'wrong');\n`;
