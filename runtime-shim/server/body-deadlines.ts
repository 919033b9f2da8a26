// Body-read deadlines for an engine without a timeout of its own (Deno.serve), kept by one coarse
// timer for every read in flight instead of a setTimeout and a Promise.race per request: on Deno a
// timer armed and cleared per POST cost more than the rest of the adapter (bench/RESULTS.md,
// "Bun and Deno at their ceilings"). A read is failed with BodyTimeoutError between `ms` and
// `ms` plus one tick (a tenth of `ms`, at most 1 s; two when `ms` is not a multiple of the tick)
// after it started, later only when the timer itself runs late. The timer runs only while
// reads are in flight, so an idle server (or a test's handler) holds no timer.
//
// The reads in flight are a linked list in the order they started, and a read remembers the tick
// it started in, not a time: starting or settling a read is a few field writes, no clock call and
// no hashing. A Set of the reads (what this was) cost Deno ~9 µs per POST with 50 reads in flight,
// as wrk's 50 connections keep them (bench/RESULTS.md, issue 24, fetch24c).
import { BodyTimeoutError } from './body.js';

/** One read in flight: settles once, by the read or by the sweep, whichever comes first. */
class PendingRead<C, T> {
  settled = false;
  prev: PendingRead<unknown, unknown> | undefined = undefined;
  next: PendingRead<unknown, unknown> | undefined = undefined;
  constructor(
    /** The sweep count when it started: it is failed at the sweep `startTick + ticksToFail`. */
    readonly startTick: number,
    private readonly owner: BodyDeadlines,
    private ctx: C,
    private readonly done: (ctx: C, value: T) => void,
    private readonly failed: (ctx: C, error: unknown) => void,
  ) {}

  succeed(value: T): void {
    if (this.settled) return;
    this.settle();
    this.done(this.ctx, value);
    this.ctx = undefined as C;
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.failed(this.ctx, error);
    this.ctx = undefined as C;
  }

  private settle(): void {
    this.settled = true;
    this.owner.unlink(this as PendingRead<unknown, unknown>);
  }
}

export class BodyDeadlines {
  private head: PendingRead<unknown, unknown> | undefined = undefined;
  private tail: PendingRead<unknown, unknown> | undefined = undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;
  /** Sweeps so far. A read that started at sweep count s started after sweep s and before s + 1. */
  private ticks = 0;
  /**
   * Sweeps from a read's start to its failure: a read started just before sweep s + 1 has waited
   * (n − 1) ticks at sweep s + n, so n − 1 ticks must cover `ms`. A late timer only makes it later.
   */
  private readonly ticksToFail: number;

  constructor(ms: number) {
    this.tickMs = Math.max(1, Math.min(1_000, Math.floor(ms / 10)));
    this.ticksToFail = Math.ceil(ms / this.tickMs) + 1;
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
    const read = new PendingRead(this.ticks, this, ctx, done, failed);
    const pending = read as PendingRead<unknown, unknown>;
    const tail = this.tail;
    if (tail === undefined) this.head = pending;
    else {
      tail.next = pending;
      pending.prev = tail;
    }
    this.tail = pending;
    this.timer ??= setInterval(() => this.sweep(), this.tickMs);
    work.then(
      (value) => read.succeed(value),
      (error: unknown) => read.fail(error),
    );
  }

  /** Takes a settled read out of the list (PendingRead calls it once). */
  unlink(read: PendingRead<unknown, unknown>): void {
    const { prev, next } = read;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    read.prev = read.next = undefined;
  }

  private sweep(): void {
    if (this.head === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const tick = ++this.ticks;
    // The list is in start order, so the reads due are at its head.
    for (let read = this.head; read !== undefined && tick - read.startTick >= this.ticksToFail; read = this.head) read.fail(new BodyTimeoutError());
  }
}
