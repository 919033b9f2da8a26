// Which JavaScript runtime this process is: the engine adapter, the SQLite library and
// `gati start` all decide by it. Bun sets process.versions.bun; Deno has its global.
export type RuntimeName = 'node' | 'bun' | 'deno';

export function runtimeName(): RuntimeName {
  if (typeof process.versions.bun === 'string') return 'bun';
  return typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined' ? 'deno' : 'node';
}
