// A module loaded in this process (a file of src/modules, an npm package): its functions are called
// directly, a synchronous one answering synchronously. The fast path of `gati start`.
import type { ModuleClient } from './http-module-client.js';
import { moduleError } from './module-errors.js';

export class InProcessModuleClient implements ModuleClient {
  constructor(
    private readonly name: string,
    private readonly methods: Record<string, unknown>,
    private readonly closeModule: () => unknown,
  ) {}

  invoke(fn: string, args: unknown[]): unknown {
    const f = Object.hasOwn(this.methods, fn) ? this.methods[fn] : undefined;
    if (typeof f !== 'function') throw moduleError(500, this.name, fn, `module ${this.name} has no function ${fn}`);
    return (f as (...a: unknown[]) => unknown)(...args);
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
