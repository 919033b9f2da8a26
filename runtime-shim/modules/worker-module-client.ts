// A module (an ES module file or an npm package) loaded in a worker thread of its own: a hot swap
// loads each new instance in a fresh worker, and closing the old one ends its thread, so the
// process does not keep every version it ever loaded (Node cannot unload an ES module from an
// isolate; it can end the isolate). Calls cross as structured clones (Dates, Maps and binary data
// survive; functions do not). The module's `init(gctx)` runs in the worker with the config and a
// log that writes through the server's; `close()` runs there when the client closes.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../types.js';
import type { ModuleClient } from './http-module-client.js';
import { HttpError } from '../http-error.js';
import { moduleError } from './module-errors.js';
import { checkArgsInProcess, checkResultInProcess, checkedResult, encodeArgs, inProcessChecks } from './module-boundary.js';
import type { RemoteModuleValidators } from '../server/app.js';

export interface WorkerModuleOptions {
  name: string;
  /** The module's URL (file: or an absolute path made one). */
  url: string;
  config: unknown;
  log: Logger;
  /** How long import + init may take. */
  startTimeoutMs: number;
  /** A module with an interface file: its calls are checked at the boundary in their JSON form, as over HTTP. */
  validators?: RemoteModuleValidators;
  /**
   * An npm module, which runs in-process until swapped: its values keep crossing as structured
   * clones (Dates stay Dates) and are checked as the in-process client checks them.
   */
  inProcessBoundary?: boolean;
}

/**
 * Run with `eval`: a string, so that it works the same from lib/ and from the one-file server
 * bundle. It waits for its first message, `{ load: { name, url, config } }`, so that a worker can
 * be started before it is needed (see takeWorker).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let name;
parentPort.once('message', ({ load }) => { name = load.name; start(load.url, load.config); });
const post = (message) => { try { parentPort.postMessage(message); } catch (e) { parentPort.postMessage({ ...message, fields: {}, value: undefined, error: { message: String(e && e.message) } }); } };
const makeLog = (bindings) => {
  const say = (level) => (a, b) => post({ log: level, fields: { ...bindings, ...(typeof a === 'object' && a !== null ? a : {}) }, msg: typeof a === 'string' ? a : b });
  return { trace: say('debug'), debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error'), fatal: say('error'), child: (more) => makeLog({ ...bindings, ...more }) };
};
const errorOf = (e) => ({ status: e && typeof e.status === 'number' ? e.status : undefined, body: e && e.body, headers: e && e.headers, message: String((e && e.message) || e) });
let mod;
let started;
const start = (url, config) => started = (async () => {
  const ns = await import(url);
  const own = Object.keys(ns).filter((k) => k !== 'default' && k !== 'module.exports');
  mod = own.length === 0 && ns.default && typeof ns.default === 'object' ? ns.default : ns;
  const gctx = { config, log: makeLog({ module: name }), modules: {}, effects: { enqueue: () => Promise.reject(new Error('effects cannot be enqueued from a module running in a worker')) }, ws: { publish() {} } };
  if (typeof mod.init === 'function') await mod.init(gctx);
  post({ ready: Object.keys(mod).filter((k) => typeof mod[k] === 'function' && k !== 'init' && k !== 'close') });
})().catch((e) => post({ failed: String((e && e.stack) || e) }));
parentPort.on('message', async (m) => {
  if (m.load) return;
  if (m.close) {
    await started;
    try { if (mod && typeof mod.close === 'function') await mod.close(); } catch (e) { post({ log: 'error', fields: { module: name, err: String(e && e.stack || e) }, msg: 'module close failed' }); }
    post({ closed: true });
    return;
  }
  const { id, fn, args } = m;
  try {
    const f = mod && fn !== 'init' && fn !== 'close' && Object.prototype.hasOwnProperty.call(mod, fn) ? mod[fn] : undefined;
    if (typeof f !== 'function') throw Object.assign(new Error('module ' + name + ' has no function ' + fn), { status: 500 });
    const value = await f(...args);
    parentPort.postMessage({ id, value });
  } catch (e) {
    post({ id, error: errorOf(e) });
  }
});
`;

/** A worker started ahead of the next swap, once there has been one: a swap then waits only for the module's import and init. */
let spare: Worker | undefined;

function newWorker(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
}

function takeWorker(): Worker {
  const worker = spare ?? newWorker();
  worker.ref();
  const next = newWorker();
  // Idle, it keeps no process alive; if it dies it is simply not used.
  next.unref();
  next.once('exit', () => {
    if (spare === next) spare = undefined;
  });
  spare = next;
  return worker;
}

interface Pending {
  fn: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type FromWorker =
  | { ready: string[] }
  | { failed: string }
  | { closed: true }
  | { log: 'debug' | 'info' | 'warn' | 'error'; fields: Record<string, unknown>; msg?: string }
  | { id: number; value?: unknown; error?: { status?: number; body?: unknown; headers?: Record<string, string>; message: string } };

export class WorkerModuleClient implements ModuleClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private gone: string | undefined;
  private onClosed: (() => void) | undefined;
  /** The module's functions, as the worker found them. */
  functions: string[] = [];

  private constructor(private readonly worker: Worker, private readonly options: WorkerModuleOptions) {}

  /** Starts the worker and waits for the module's import and init; throws with the reason when they fail. */
  static async start(options: WorkerModuleOptions): Promise<WorkerModuleClient> {
    const worker = takeWorker();
    worker.postMessage({ load: { name: options.name, url: options.url, config: JSON.parse(JSON.stringify(options.config ?? {})) } });
    const client = new WorkerModuleClient(worker, options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not load and init within ${options.startTimeoutMs} ms`), options.startTimeoutMs);
      const fail = (why: string) => {
        clearTimeout(timer);
        void worker.terminate();
        reject(new Error(why));
      };
      worker.on('message', (m: FromWorker) => {
        if ('ready' in m) {
          clearTimeout(timer);
          client.functions = m.ready;
          resolve();
        } else if ('failed' in m) fail(m.failed.split('\n')[0]!);
        else client.received(m);
      });
      worker.once('error', (error) => fail(error.message));
      worker.once('exit', (code) => {
        client.ended(`its worker exited (${code})`);
        fail(`its worker exited (${code})`);
      });
    });
    return client;
  }

  call(fn: string, args: unknown[]): Promise<unknown> {
    const { name } = this.options;
    if (this.gone) return Promise.reject(moduleError(503, name, fn, `module ${name} unavailable (${this.gone})`));
    const { validators, inProcessBoundary } = this.options;
    let sent = args;
    if (validators) {
      try {
        if (inProcessBoundary) checkArgsInProcess(name, fn, args, inProcessChecks(validators, fn));
        else sent = JSON.parse(encodeArgs(name, fn, args, validators)) as unknown[];
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const settle = !validators
        ? resolve
        : inProcessBoundary
          ? (value: unknown) => {
              checkResultInProcess(name, fn, value, inProcessChecks(validators, fn));
              resolve(value);
            }
          : (value: unknown) => resolve(checkedResult(name, fn, value === undefined ? undefined : JSON.parse(JSON.stringify(value)), validators));
      this.pending.set(id, { fn, resolve: (value) => { try { settle(value); } catch (error) { reject(error); } }, reject });
      try {
        this.worker.postMessage({ id, fn, args: sent });
      } catch (error) {
        this.pending.delete(id);
        reject(moduleError(500, name, fn, `module ${name}.${fn} was called with an argument that cannot be sent to it: ${(error as Error).message}`));
      }
    });
  }

  /** Runs the module's close() in the worker, then ends the worker (after 5 s at most). */
  async close(): Promise<void> {
    if (this.gone) return;
    const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
    this.worker.postMessage({ close: true });
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.ended('it was closed');
    await this.worker.terminate();
  }

  private received(m: FromWorker): void {
    if ('closed' in m) return this.onClosed?.();
    if ('log' in m) return this.options.log[m.log](m.fields, m.msg);
    if (!('id' in m)) return;
    const call = this.pending.get(m.id);
    if (!call) return;
    this.pending.delete(m.id);
    if (!m.error) return call.resolve(m.value);
    const { status, body, headers, message } = m.error;
    // An HttpError thrown by the module keeps its status and body; anything else is the module's bug: a 500 without its message on the wire.
    call.reject(status !== undefined && status >= 400 && status <= 599 ? new HttpError(status, body ?? message, { headers }) : new Error(`module ${this.options.name}.${call.fn} failed: ${message}`));
  }

  private ended(why: string): void {
    this.gone ??= why;
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.reject(moduleError(503, this.options.name, call.fn, `module ${this.options.name} unavailable (${why})`));
    }
  }
}
