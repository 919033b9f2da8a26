// A unified diff (`diff -u` format, 3 lines of context) of two texts, for the panel's change
// previews of gati.config and of a deployment's files. Config files are small: a plain LCS table,
// after trimming the common head and tail, is enough.
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

export function unifiedDiff(before: string, after: string, name: string, newName = name): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  const ops = lineOps(a, b);
  const out = [`--- a/${name}`, `+++ b/${newName}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change within reach.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== ' ') end = j;
      else if (j - end > 2 * CONTEXT) break;
    }
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    const hunk = ops.slice(start, stop);
    const aLines = hunk.filter((o) => o.kind !== '+').length;
    const bLines = hunk.filter((o) => o.kind !== '-').length;
    const aStart = hunk[0]!.a + (aLines ? 1 : 0);
    const bStart = hunk[0]!.b + (bLines ? 1 : 0);
    out.push(`@@ -${aStart},${aLines} +${bStart},${bLines} @@`, ...hunk.map((o) => `${o.kind}${o.line}`));
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

/** Each line kept, removed or added, with the 0-based line numbers in a and b where it sits. */
function lineOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
  const lcs: Uint32Array[] = Array.from({ length: am.length + 1 }, () => new Uint32Array(bm.length + 1));
  for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: ' ', line: a[k]!, a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < am.length || j < bm.length) {
    if (i < am.length && j < bm.length && am[i] === bm[j]) {
      ops.push({ kind: ' ', line: am[i]!, a: head + i++, b: head + j++ });
    } else if (i < am.length && (j === bm.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: '-', line: am[i]!, a: head + i++, b: head + j });
    } else {
      ops.push({ kind: '+', line: bm[j]!, a: head + i, b: head + j++ });
    }
  }
  for (let k = 0; k < tail; k++) ops.push({ kind: ' ', line: a[a.length - tail + k]!, a: a.length - tail + k, b: b.length - tail + k });
  return ops;
}
