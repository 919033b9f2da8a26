// Body-read deadlines for an engine without a timeout of its own (Deno.serve), kept by one coarse
// timer for every read in flight instead of a setTimeout and a Promise.race per request: on Deno a
// timer armed and cleared per POST cost more than the rest of the adapter (bench/RESULTS.md,
// "Bun and Deno at their ceilings"). A read is failed with BodyTimeoutError between `ms` and
// `ms` plus one tick (a tenth of `ms`, at most 1 s) after it started. The timer runs only while
// reads are in flight, so an idle server (or a test's handler) holds no timer.
import { BodyTimeoutError } from './body.js';

interface PendingRead {
  deadline: number;
  fail(error: unknown): void;
}

export class BodyDeadlines {
  private readonly pending = new Set<PendingRead>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;

  constructor(private readonly ms: number) {
    this.tickMs = Math.max(1, Math.min(1_000, Math.floor(ms / 10)));
  }

  /** `work`, failed with BodyTimeoutError if it has not settled by its deadline. */
  guard<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const read: PendingRead = { deadline: Date.now() + this.ms, fail: reject };
      this.pending.add(read);
      this.timer ??= setInterval(() => this.sweep(), this.tickMs);
      work.then(
        (value) => {
          this.pending.delete(read);
          resolve(value);
        },
        (error) => {
          this.pending.delete(read);
          reject(error);
        },
      );
    });
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
      this.pending.delete(read);
      read.fail(new BodyTimeoutError());
    }
  }
}
