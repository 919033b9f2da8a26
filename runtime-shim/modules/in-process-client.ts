// A module loaded in this process (a file of src/modules, an npm package): its functions are called
// directly, a synchronous one answering synchronously. The fast path of `gati start`. An npm
// module's calls are checked at the boundary against its types (module-boundary.ts): an invalid
// argument is a 500 (the caller's bug), an invalid result a 502 (the package's), as over HTTP.
import type { ModuleClient } from './http-module-client.js';
import type { RemoteModuleValidators } from '../server/app.js';
import { moduleError } from './module-errors.js';
import { checkArgsInProcess, checkResultInProcess, inProcessChecks, type InProcessChecks } from './module-boundary.js';

export class InProcessModuleClient implements ModuleClient {
  private readonly checks = new Map<string, InProcessChecks>();

  constructor(
    private readonly name: string,
    private readonly methods: Record<string, unknown>,
    private readonly closeModule: () => unknown,
    private readonly validators?: RemoteModuleValidators,
  ) {}

  invoke(fn: string, args: unknown[]): unknown {
    const f = Object.hasOwn(this.methods, fn) ? this.methods[fn] : undefined;
    if (typeof f !== 'function') throw moduleError(500, this.name, fn, `module ${this.name} has no function ${fn}`);
    if (!this.validators) return (f as (...a: unknown[]) => unknown)(...args);
    let checks = this.checks.get(fn);
    if (!checks) this.checks.set(fn, (checks = inProcessChecks(this.validators, fn)));
    checkArgsInProcess(this.name, fn, args, checks);
    const result = (f as (...a: unknown[]) => unknown)(...args);
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      return (result as PromiseLike<unknown>).then((value) => {
        checkResultInProcess(this.name, fn, value, checks);
        return value;
      });
    }
    checkResultInProcess(this.name, fn, result, checks);
    return result;
  }

  call(fn: string, args: unknown[]): Promise<unknown> {
    try {
      return Promise.resolve(this.invoke(fn, args));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async close(): Promise<void> {
    await this.closeModule();
  }
}
