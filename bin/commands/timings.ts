// `--verbose`: the time each build stage took (driver/stages.ts), on one line.
import type { StageTiming } from '../../driver/stages.js';
import type { Terminal } from '../terminal.js';

export function reportTimings(term: Terminal, timings: readonly StageTiming[]): void {
  if (timings.length === 0) return;
  term.detail(`  stages   ${timings.map((t) => `${t.stage} ${Math.round(t.ms)} ms`).join(', ')}`);
}
