// A container module run as a local process (`modules.<name>.dev.command`) by `gati dev` and
// `gati start`: started from the app root with PORT set to a free port, ready once `GET /_health`
// answers 200, restarted with backoff when it dies (calls meanwhile find no connection: 503, and
// recover when it is back), stopped at shutdown. The port stays the same across restarts, so the
// module's URL never changes.
//
// The processes live in a registry on globalThis, counted by who uses them: `gati dev` initialises
// each new build before it closes the old one, so a build that keeps the same command keeps the
// same process (and its state), while a changed command starts a new one.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import type { Logger } from '../types.js';
import { MODULE_DEFAULTS } from '../defaults.js';

export interface ModuleProcessOptions {
  name: string;
  command: string[];
  cwd: string;
  log: Logger;
  startTimeoutMs?: number;
}

/** A process that lived this long healthy starts its next restart from the shortest delay again. */
const STABLE_MS = 10_000;
const HEALTH_POLL_MS = 100;

export class ModuleProcess {
  private child: ChildProcess | undefined;
  private port = 0;
  private stopping = false;
  private restarts = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Settles when the current child's health check ends (true: answered 200). */
  private healthy: Promise<boolean> = Promise.resolve(false);

  constructor(private readonly options: ModuleProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id of the running child (tests kill it), or undefined. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for its health (up to startTimeoutMs; a process still not healthy is logged, and keeps being checked). */
  async start(): Promise<void> {
    this.port ||= await freePort();
    this.spawn();
    if (!(await this.healthy)) this.options.log.error({ module: this.options.name, command: this.options.command }, `module ${this.options.name}: GET /_health did not answer 200 in time (or the process exited); calls answer 503 until it does`);
  }

  private spawn(): void {
    const { name, command, cwd, log } = this.options;
    this.startedAt = Date.now();
    // Its output goes to the server's stderr, beside the server's own log lines on stdout.
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, PORT: String(this.port) }, stdio: ['ignore', 2, 2] });
    this.child = child;
    let exited = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return; // 'error' (it could not start) and 'exit' may both come
      exited = true;
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      if (Date.now() - this.startedAt > STABLE_MS) this.restarts = 0;
      const delay = Math.min(MODULE_DEFAULTS.restartMaxMs, MODULE_DEFAULTS.restartMinMs * 2 ** this.restarts++);
      log.warn({ module: name, code, signal, restartInMs: delay }, `module ${name} exited; restarting`);
      this.restartTimer = setTimeout(() => this.spawn(), delay);
    };
    child.once('error', (error) => {
      log.error({ module: name, err: error }, `module ${name}: ${command[0]} could not be started`);
      ended(null, null);
    });
    child.once('exit', ended);
    this.healthy = waitHealthy(this.url, this.options.startTimeoutMs ?? MODULE_DEFAULTS.startTimeoutMs, () => exited || this.stopping).then((ok) => {
      if (ok) log.info({ module: name, url: this.url, pid: child.pid }, `module ${name} is up`);
      return ok;
    });
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and its restarts. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** At process exit (a crash included): no module process outlives its server. */
  killNow(): void {
    this.stopping = true;
    this.child?.kill('SIGTERM');
  }
}

/** Polls `GET <url>/_health` until 200, `timeoutMs`, or `gone()`. */
async function waitHealthy(url: string, timeoutMs: number, gone: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    if (await healthOk(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  return false;
}

function healthOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/_health`, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Held {
  process: ModuleProcess;
  users: number;
  started: Promise<void>;
}

const KEY = Symbol.for('gati.moduleProcesses');
type Holder = { [KEY]?: Map<string, Held> };

function registry(): Map<string, Held> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const map = new Map<string, Held>();
    holder[KEY] = map;
    process.once('exit', () => {
      for (const held of map.values()) held.process.killNow();
    });
  }
  return holder[KEY];
}

/** The running process of this module and command (started if none), counted as used until `release`. */
export async function acquireModuleProcess(options: ModuleProcessOptions): Promise<ModuleProcess> {
  const key = JSON.stringify([options.name, options.command, options.cwd]);
  const map = registry();
  let held = map.get(key);
  if (!held) {
    const moduleProcess = new ModuleProcess(options);
    map.set(key, (held = { process: moduleProcess, users: 0, started: moduleProcess.start() }));
  }
  held.users++;
  await held.started;
  return held.process;
}

/** One user fewer; the last one stops the process. */
export async function releaseModuleProcess(moduleProcess: ModuleProcess): Promise<void> {
  const map = registry();
  for (const [key, held] of map) {
    if (held.process !== moduleProcess) continue;
    if (--held.users > 0) return;
    map.delete(key);
    await moduleProcess.stop();
  }
}

/** The module processes running in this process (tests find the pid to kill). */
export function runningModuleProcesses(): { name: string; process: ModuleProcess }[] {
  return [...registry().entries()].map(([key, held]) => ({ name: (JSON.parse(key) as string[])[0]!, process: held.process }));
}
