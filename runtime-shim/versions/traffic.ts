// Requests served per API version since the process started (the control panel's versions page):
// one counter object per semver, shared by every build the process loads (`gati dev` reloads), so a
// request costs one property increment on the pin it already resolved.
export interface TrafficCounter {
  count: number;
}

const counters = new Map<string, TrafficCounter>();

/** The counter of `semver`, made on first use (at start, once per version). */
export function trafficCounter(semver: string): TrafficCounter {
  let c = counters.get(semver);
  if (!c) counters.set(semver, (c = { count: 0 }));
  return c;
}

/** semver → requests so far. */
export function versionTraffic(): Record<string, number> {
  return Object.fromEntries([...counters].map(([semver, c]) => [semver, c.count]));
}
