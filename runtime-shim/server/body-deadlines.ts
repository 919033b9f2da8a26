// Body-read deadlines for an engine without a timeout of its own (Deno.serve), kept by one coarse
// timer for every read in flight instead of a setTimeout and a Promise.race per request: on Deno a
// timer armed and cleared per POST cost more than the rest of the adapter (bench/RESULTS.md,
// "Bun and Deno at their ceilings"). A read is failed with BodyTimeoutError between `ms` and
// `ms` plus one tick (a tenth of `ms`, at most 1 s) after it started. The timer runs only while
// reads are in flight, so an idle server (or a test's handler) holds no timer.
import { BodyTimeoutError } from './body.js';

/** One read in flight: settles once, by the read or by the sweep, whichever comes first. */
class PendingRead<C, T> {
  settled = false;
  constructor(
    readonly deadline: number,
    private readonly owner: Set<PendingRead<unknown, unknown>>,
    private readonly ctx: C,
    private readonly done: (ctx: C, value: T) => void,
    private readonly failed: (ctx: C, error: unknown) => void,
  ) {}

  succeed(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.owner.delete(this as PendingRead<unknown, unknown>);
    this.done(this.ctx, value);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.owner.delete(this as PendingRead<unknown, unknown>);
    this.failed(this.ctx, error);
  }
}

export class BodyDeadlines {
  private readonly pending = new Set<PendingRead<unknown, unknown>>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;

  constructor(private readonly ms: number) {
    this.tickMs = Math.max(1, Math.min(1_000, Math.floor(ms / 10)));
  }

  /** `work`, failed with BodyTimeoutError if it has not settled by its deadline. */
  guard<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.watch(work, undefined, (_ctx, value: T) => resolve(value), (_ctx, error) => reject(error)));
  }

  /**
   * The callback form (the fetch engines' `readBodyTo`): `done(ctx, value)` when `work` settles in
   * time, else `failed(ctx, error)` with its error or BodyTimeoutError; once. No promise of its own
   * per read (on Deno each POST paid one, its executor and two more closures).
   */
  watch<C, T>(work: Promise<T>, ctx: C, done: (ctx: C, value: T) => void, failed: (ctx: C, error: unknown) => void): void {
    const read = new PendingRead(Date.now() + this.ms, this.pending, ctx, done, failed);
    this.pending.add(read as PendingRead<unknown, unknown>);
    this.timer ??= setInterval(() => this.sweep(), this.tickMs);
    work.then(
      (value) => read.succeed(value),
      (error: unknown) => read.fail(error),
    );
  }

  private sweep(): void {
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    for (const read of this.pending) {
      if (read.deadline > now) continue;
      read.fail(new BodyTimeoutError());
    }
  }
}
