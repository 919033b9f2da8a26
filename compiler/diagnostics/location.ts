// Where a diagnostic (or one of its notes) points, with the source line copied when the
// diagnostic is made. The code frame is printed from this copy, never by reading the file again:
// in `gati dev` the file may have been saved again between the analysis and the print.
import type { Span } from '../../model/gtype.js';

export interface SourceLocation {
  /** Relative to the app root. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Characters underlined from `column` (at least 1; the frame clips it to the line). */
  length: number;
  /** The text of `line` as analysed; absent when the text was not at hand (the frame is then left out). */
  lineText?: string;
  /** The lines around it, shown in the frame; absent at the start or past the end of the file. */
  previousLine?: string;
  nextLine?: string;
}

/** The text of a file by its path relative to the app root, as the phase that reports read it. */
export type SourceText = (file: string) => string | undefined;

/**
 * A location at `span`, copying its line (and neighbours) from `text`, the file's content.
 * `lineStarts` (offsets of each line, as TypeScript keeps them) saves scanning the text.
 */
export function locate(span: Span, text: string | undefined, length = 1, lineStarts?: readonly number[]): SourceLocation {
  const location: SourceLocation = { file: span.file, line: span.line, column: span.column, length: Math.max(1, length) };
  if (text === undefined) return location;
  const lines = linesAround(text, span.line, lineStarts);
  if (!lines) return location;
  location.lineText = lines.line;
  if (lines.previous !== undefined) location.previousLine = lines.previous;
  if (lines.next !== undefined) location.nextLine = lines.next;
  return location;
}

/** A location at a character offset of `text` (TypeScript's positions). */
export function locateOffset(file: string, text: string, offset: number, length: number, lineStarts?: readonly number[]): SourceLocation {
  const starts = lineStarts ?? computeLineStarts(text);
  let low = 0, high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return locate({ file, line: low + 1, column: offset - starts[low]! + 1 }, text, length, starts);
}

/**
 * Lines `line - 1`, `line` and `line + 1` (1-based) of `text`, split as `text.split(/\r?\n/)` would:
 * a file ending in a newline has an empty last line. Scans only up to the line after `line`.
 */
function linesAround(text: string, line: number, lineStarts?: readonly number[]): { previous?: string; line: string; next?: string } | undefined {
  if (line < 1) return undefined;
  const first = Math.max(1, line - 1);
  let start = 0;
  let n = 1;
  if (lineStarts) {
    if (first > lineStarts.length) return undefined;
    start = lineStarts[first - 1]!;
    n = first;
  }
  for (; n < first; n++) {
    const end = text.indexOf('\n', start);
    if (end < 0) return undefined;
    start = end + 1;
  }
  const wanted: string[] = [];
  for (n = first; n <= line + 1; n++) {
    if (start > text.length) break;
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    wanted.push(text.slice(start, stop > start && text[stop - 1] === '\r' && end >= 0 ? stop - 1 : stop));
    start = end < 0 ? text.length + 1 : end + 1;
  }
  const at = line - first;
  if (wanted.length <= at) return undefined;
  return { previous: at > 0 ? wanted[0] : undefined, line: wanted[at]!, next: wanted[at + 1] };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
