// How numbers and times read in the panel: short, aligned, in the reader's locale and time zone.

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 1) return `${(value * 1000).toFixed(0)} µs`;
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(unit === 0 || n >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function rate(perSecond: number): string {
  return perSecond >= 100 ? `${perSecond.toFixed(0)}/s` : perSecond >= 1 ? `${perSecond.toFixed(1)}/s` : `${perSecond.toFixed(2)}/s`;
}

export function percent(share: number): string {
  return share === 0 ? '0%' : share < 0.001 ? '<0.1%' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

export function count(n: number): string {
  return n.toLocaleString();
}

export function clock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function dateTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString([], { hour12: false, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function ago(epochMs: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function duration(fromMs: number, now = Date.now()): string {
  return ago(fromMs, now).replace(' ago', '');
}
