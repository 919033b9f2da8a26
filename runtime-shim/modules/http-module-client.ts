// The client of one HTTP or container module: `POST <base>/<function>` with the JSON array of
// arguments, answered 200 with the JSON result or with a problem+json error (re-raised as an
// HttpError of that status and detail). Connections are kept alive; each call has a deadline;
// only a refused connection (nothing was sent) is tried again; a circuit breaker answers 503 at
// once while the service is down. Arguments and results are checked against the interface file's
// types when there is one (validators generated at build time: dist/validators/modules/).
import http from 'node:http';
import https from 'node:https';
import type { RemoteModuleValidators } from '../server/app.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { moduleError } from './module-errors.js';
import { checkedResult, encodeArgs } from './module-boundary.js';
import { activeTracing } from '../tracing/index.js';
import { activeMetrics } from '../metrics/registry.js';
import type { ModuleCallOutcome } from '../metrics/module-metrics.js';
import { MODULE_DEFAULTS } from '../defaults.js';

/** What `gctx.modules.<name>.<fn>(...)` calls: one per module, replaceable (see ModuleSlot). */
export interface ModuleClient {
  call(fn: string, args: unknown[]): Promise<unknown>;
  /** An in-process module: the function's own answer, a plain value when it is synchronous (the fast path). */
  invoke?(fn: string, args: unknown[]): unknown;
  /** Ends the client once its calls are done (idle connections, a worker, a process, the module's close). */
  close(): void | Promise<void>;
  /** A client with a circuit breaker (HTTP): its state, for GET /_control/api/modules. */
  circuit?(): 'closed' | 'open' | 'half-open';
}

export interface HttpModuleOptions {
  name: string;
  /** `http://host:port[/prefix]`. */
  baseUrl: string;
  timeoutMs: number;
  validators?: RemoteModuleValidators;
  breakerFailures?: number;
  breakerResetMs?: number;
  connectRetries?: number;
}

interface Answer {
  status: number;
  text: string;
}

const TIMEOUT = new Error('module call timed out');
const TOO_LARGE = new Error('module answer too large');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpModuleClient implements ModuleClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly breaker: CircuitBreaker;
  private readonly retries: number;
  /** After close(): a connection is closed as soon as its call ends, instead of being kept. */
  private closed = false;

  constructor(private readonly options: HttpModuleOptions) {
    const url = new URL(options.baseUrl);
    const secure = url.protocol === 'https:';
    this.request = secure ? https.request : http.request;
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, scheduling: 'lifo' });
    this.agent.on('free', (socket: import('node:net').Socket) => {
      if (this.closed) socket.destroy();
    });
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || (secure ? 443 : 80));
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.breaker = new CircuitBreaker(options.breakerFailures ?? MODULE_DEFAULTS.breakerFailures, options.breakerResetMs ?? MODULE_DEFAULTS.breakerResetMs);
    this.retries = options.connectRetries ?? MODULE_DEFAULTS.connectRetries;
  }

  call(fn: string, args: unknown[]): Promise<unknown> {
    const tracer = activeTracing();
    return tracer ? tracer.moduleCall(this.options.name, fn, (traceparent) => this.measured(fn, args, traceparent)) : this.measured(fn, args, undefined);
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.breaker.current;
  }

  close(): void {
    this.closed = true;
    for (const sockets of Object.values(this.agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  private async measured(fn: string, args: unknown[], traceparent: string | undefined): Promise<unknown> {
    const metrics = activeMetrics();
    if (metrics === undefined) return this.exchange(fn, args, traceparent, undefined);
    const started = performance.now();
    const outcome = { value: 'ok' as ModuleCallOutcome };
    try {
      return await this.exchange(fn, args, traceparent, outcome);
    } finally {
      metrics.modules.called(this.options.name, fn, outcome.value, performance.now() - started);
    }
  }

  private async exchange(fn: string, args: unknown[], traceparent: string | undefined, outcome: { value: ModuleCallOutcome } | undefined): Promise<unknown> {
    const { name, validators } = this.options;
    const fail = (o: ModuleCallOutcome, error: Error) => {
      if (outcome) outcome.value = o;
      return error;
    };
    let body: string;
    try {
      body = encodeArgs(name, fn, args, validators);
    } catch (error) {
      throw fail('bad_arguments', error as Error);
    }
    if (!this.breaker.allow()) throw fail('unavailable', moduleError(503, name, fn, `module ${name} unavailable`));
    let answer: Answer;
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await this.post(`${this.prefix}/${encodeURIComponent(fn)}`, body, traceparent);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED' && attempt < this.retries) {
          await sleep(50 * 2 ** attempt); // nothing reached the service: safe to send again
          continue;
        }
        this.breaker.failed();
        if (error === TIMEOUT) throw fail('timeout', moduleError(504, name, fn, `module ${name}.${fn} did not answer within ${this.options.timeoutMs} ms`));
        if (error === TOO_LARGE) throw fail('invalid', moduleError(502, name, fn, `module ${name}.${fn} answered more than ${MODULE_DEFAULTS.maxAnswerBytes} bytes`));
        throw fail('unavailable', moduleError(503, name, fn, `module ${name} unavailable (${code ?? (error as Error).message})`));
      }
    }
    if (answer.status !== 200) {
      const unavailable = answer.status === 502 || answer.status === 503 || answer.status === 504;
      if (unavailable) this.breaker.failed();
      else this.breaker.succeeded(); // the service is up; the error is the call's
      const problem = parseJson(answer.text) as { detail?: unknown; title?: unknown } | undefined;
      const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : `module ${name}.${fn} answered ${answer.status}`;
      const status = answer.status >= 400 && answer.status <= 599 ? answer.status : 502;
      throw fail(unavailable ? 'unavailable' : 'error', moduleError(status, name, fn, detail));
    }
    this.breaker.succeeded();
    const result = answer.text === '' ? undefined : parseJson(answer.text, INVALID);
    if (result === INVALID) throw fail('invalid', moduleError(502, name, fn, `module ${name}.${fn} answered 200 without a JSON result`));
    try {
      return checkedResult(name, fn, result, validators);
    } catch (error) {
      throw fail('invalid', error as Error);
    }
  }

  private post(path: string, body: string, traceparent: string | undefined): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' };
      if (traceparent) headers.traceparent = traceparent;
      const req = this.request({ host: this.host, port: this.port, path, method: 'POST', agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > MODULE_DEFAULTS.maxAnswerBytes) {
            clearTimeout(timer);
            reject(TOO_LARGE);
            req.destroy();
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      // Rejected first: a deadline that passes while the body is arriving is a timeout too, not the reset destroy() causes.
      const timer = setTimeout(() => {
        reject(TIMEOUT);
        req.destroy();
      }, this.options.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string, invalid: unknown = undefined): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return invalid;
  }
}
