// Which requests the panel records when tracing is for the panel alone: every one while a client
// holds the traces stream open; otherwise a few a second per path (and a cap for all paths), so an
// idle panel costs a field read and a Map lookup per request (the counts are reset by a timer, not
// by reading the clock on each request). Failed and slow requests are kept anyway, as one-span
// traces (tracer.ts's MissedRequestTrace).

export class IdleSampler {
  private total = 0;
  private readonly perPath = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Set while a client watches (telemetry.ts keeps it up to date, so the hot path reads a field). */
  watching = false;

  constructor(private readonly perPathPerSecond: number, private readonly perSecond: number, private readonly maxPaths = 1000) {}

  /** Starts the once-a-second reset (unref: it keeps no process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.reset(), 1000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A new second: every path may be recorded again. */
  reset(): void {
    this.total = 0;
    this.perPath.clear();
  }

  admit(path: string): boolean {
    if (this.watching) return true;
    if (this.total >= this.perSecond) return false;
    const n = this.perPath.get(path) ?? 0;
    if (n >= this.perPathPerSecond) return false;
    // A flood of distinct paths (ids in them) shares the global cap, not the map.
    if (n === 0 && this.perPath.size >= this.maxPaths) return false;
    this.perPath.set(path, n + 1);
    this.total++;
    return true;
  }
}
