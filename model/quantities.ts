// Kubernetes resource quantities, as far as the config allows them (`250m`, `1.5`, `256Mi`, `1G`).

export function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

export function memoryBytes(q: string): number {
  const m = /^([0-9]+)([A-Za-z]*)$/.exec(q);
  return m ? Number(m[1]) * (UNITS[m[2]!] ?? 1) : Number.NaN;
}
