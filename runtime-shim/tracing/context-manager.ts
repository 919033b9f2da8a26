// OpenTelemetry's context manager on AsyncLocalStorage, made only when tracing is on: how the span
// of a `gctx.modules.<m>.<fn>` call or an `enqueue` finds its parent (the handler's or the effect's
// span) without the caller passing anything. @opentelemetry/context-async-hooks does the same; these
// few lines spare a dependency.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';

export class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  constructor(private readonly root: Context) {}

  active(): Context {
    return this.als.getStore() ?? this.root;
  }

  /** The active context, or undefined outside any span (cheaper than `active()` for the log lines). */
  current(): Context | undefined {
    return this.als.getStore();
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(context, thisArg === undefined ? fn : fn.bind(thisArg), ...args) as ReturnType<F>;
  }

  /** `with` for one argument and no `this` (the pipeline's steps): no argument arrays of its own. */
  run<A, R>(context: Context, fn: (arg: A) => R, arg: A): R {
    return this.als.run(context, fn, arg);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (this_: unknown, args: unknown[]) => this.als.run(context, () => (target as (...a: unknown[]) => unknown).apply(this_, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  /**
   * Turns the storage's hooks off until the next `with` (getStore() is undefined meanwhile). On Node,
   * an enabled AsyncLocalStorage costs every promise of the process a hook call, recorded or not:
   * tracing for the control panel alone (lean) turns it off while no recorded work is in flight.
   */
  pause(): void {
    this.als.disable?.();
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.als.disable();
    return this;
  }
}
