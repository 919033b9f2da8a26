// Which requests the panel records when tracing is for the panel alone: every one while a client
// holds the traces stream open; otherwise a few a second per path (and a cap for all paths), so an
// idle panel costs a field read and a Map lookup per request (the counts are reset by a timer, not
// by reading the clock on each request). Failed and slow requests are kept anyway, as one-span
// traces (tracer.ts's MissedRequestTrace).

export class IdleSampler {
  private total = 0;
  private readonly perPath = new Map<string, number>();
  /**
   * The last path refused, per path length (mod 16): a busy path is refused again by one string
   * comparison (~30 ns) instead of a Map lookup that hashes the request's fresh path string (~70 ns).
   */
  private readonly refused: string[] = new Array<string>(16).fill('');
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
    this.refused.fill('');
  }

  admit(path: string): boolean {
    if (this.watching) return true;
    if (this.total >= this.perSecond) return false;
    const slot = path.length & 15;
    if (this.refused[slot] === path) return false;
    const n = this.perPath.get(path) ?? 0;
    // A flood of distinct paths (ids in them) shares the global cap, not the map.
    if (n >= this.perPathPerSecond || (n === 0 && this.perPath.size >= this.maxPaths)) {
      this.refused[slot] = path;
      return false;
    }
    this.perPath.set(path, n + 1);
    this.total++;
    return true;
  }
}
