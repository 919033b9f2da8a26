// The watch path builds a new checker on every update, and nearly all it allocates dies before the
// next one. A young generation larger than V8's default lets that garbage die in cheap scavenges
// instead of being promoted and swept by full collections: measured 15–20% faster updates on the
// 500-handler bench (bench/RESULTS.md) for a few MB more RSS.
import v8 from 'node:v8';

let tuned = false;

export function tuneHeapForAnalysis(): void {
  if (tuned || process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return;
  tuned = true;
  v8.setFlagsFromString('--max-semi-space-size=32');
}
