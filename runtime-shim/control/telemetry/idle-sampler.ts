// Which requests the panel records when tracing is for the panel alone: every one while a client
// holds the traces stream open; otherwise a few a second per path (and a cap for all paths), so an
// idle panel costs a Map lookup per request. Failed and slow requests are kept anyway, as one-span
// traces (tracer.ts's MissedRequestTrace).

export class IdleSampler {
  private second = -1;
  private total = 0;
  private readonly perPath = new Map<string, number>();
  /** Set while a client watches (telemetry.ts keeps it up to date, so the hot path reads a field). */
  watching = false;

  constructor(private readonly perPathPerSecond: number, private readonly perSecond: number, private readonly maxPaths = 1000) {}

  admit(path: string): boolean {
    if (this.watching) return true;
    const second = Math.floor(performance.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.total = 0;
      this.perPath.clear();
    }
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
