// Counters per effect name, read by metrics() (and later the /metrics endpoint): `<name>.enqueued`,
// `.completed`, `.failed` (an attempt that threw, retried or not), `.dead`, `.durationMsSum` and
// `.durationCount` (runs that ended, either way).
export class EffectMetrics {
  private readonly counters = new Map<string, number>();

  add(effect: string, counter: 'enqueued' | 'deduped' | 'completed' | 'failed' | 'dead' | 'durationMsSum' | 'durationCount', by = 1): void {
    const key = `${effect}.${counter}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
