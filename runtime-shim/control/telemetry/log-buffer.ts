// The recent log lines of this process, as the log writer encoded them (server/line-writer.ts hands
// over each flushed batch): copied as UTF-8 into one preallocated ring of bytes, bounded by line count and by bytes,
// and parsed only when the panel asks. Keeping the strings themselves would hold tens of thousands
// of objects that each survive the young generation: the collector's copying and marking of them
// cost more per request than the copy into the ring (bench/control-idle.mjs).
import type { LogLine } from '../api-types.js';

export interface LogFilter {
  level?: LogLine['level'];
  /** Substring of the raw line (case-insensitive). */
  q?: string;
  route?: string;
  traceId?: string;
  /** Only lines after this seq (the SSE stream's resume point). */
  after?: number;
  limit: number;
}

const LEVEL_RANK: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50 };
/** A longer line is kept cut to this many bytes (it then fails to parse and is left out of answers). */
const MAX_LINE_BYTES = 64 * 1024;

export class LogBuffer {
  private readonly bytes: Buffer;
  /** Per entry (a ring of maxLines): its virtual offset (grows forever; the byte ring holds [end - size, end)) and length. */
  private readonly starts: Float64Array;
  private readonly lengths: Int32Array;
  /** The ring index of the oldest entry, and how many there are. */
  private head = 0;
  private count = 0;
  /** The seq of the oldest entry. */
  private firstSeq = 1;
  /** The virtual offset the next line is written at. */
  private end = 0;

  constructor(private readonly maxLines: number, maxBytes: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(maxBytes, 1024));
    this.starts = new Float64Array(maxLines);
    this.lengths = new Int32Array(maxLines);
  }

  /** The next line's seq. */
  get nextSeq(): number {
    return this.firstSeq + this.count;
  }

  /**
   * Whole lines as the log writer encoded them (each ending in '\n'). The lines that fit before the
   * ring's end go in with one copy (a copy per line was a call into C++ per request), then get an
   * entry each; a line that does not fit starts over at the ring's beginning (pushBytes).
   */
  pushLines(lines: Buffer): void {
    const size = this.bytes.length;
    let start = 0;
    while (start < lines.length) {
      const phys = this.end % size;
      // Up to the last line end that fits before the ring's end (a trailing part without '\n' is not a line).
      const stop = lines.lastIndexOf(10, Math.min(lines.length, start + size - phys) - 1) + 1;
      if (stop <= start) {
        const nl = lines.indexOf(10, start);
        if (nl === -1) return;
        this.pushBytes(lines, start, nl);
        start = nl + 1;
        continue;
      }
      lines.copy(this.bytes, phys, start, stop);
      const base = this.end - start;
      for (let from = start; from < stop; ) {
        const nl = lines.indexOf(10, from);
        // A line longer than MAX_LINE_BYTES keeps its first bytes (it then fails to parse, as in pushBytes).
        this.append(base + from, Math.min(nl - from, MAX_LINE_BYTES));
        from = nl + 1;
      }
      // The newlines were copied too: the last one may cover an old line's first byte.
      this.end = base + stop;
      this.dropOverwritten();
      start = stop;
    }
  }

  private pushBytes(source: Buffer, from: number, to: number): void {
    const size = this.bytes.length;
    const length = Math.min(to - from, MAX_LINE_BYTES, size);
    let at = this.end;
    let phys = at % size;
    // A line is kept whole: one that does not fit before the ring's end starts at its beginning.
    if (phys + length > size) {
      at += size - phys;
      phys = 0;
    }
    const written = source.copy(this.bytes, phys, from, from + length);
    this.append(at, written);
  }

  private append(at: number, written: number): void {
    if (this.count === this.maxLines) this.dropOldest();
    const slot = (this.head + this.count) % this.maxLines;
    this.starts[slot] = at;
    this.lengths[slot] = written;
    this.count++;
    this.end = at + written;
    this.dropOverwritten();
  }

  /** Drops the lines whose bytes the newest ones overwrote. */
  private dropOverwritten(): void {
    const kept = this.end - this.bytes.length;
    while (this.count > 1 && this.starts[this.head]! < kept) this.dropOldest();
  }

  /** Matching lines, oldest first, the newest `limit` of them. */
  query(filter: LogFilter): LogLine[] {
    const out: LogLine[] = [];
    const q = filter.q?.toLowerCase();
    const minRank = filter.level ? LEVEL_RANK[filter.level] ?? 0 : 0;
    const size = this.bytes.length;
    for (let i = this.count - 1; i >= 0 && out.length < filter.limit; i--) {
      const seq = this.firstSeq + i;
      if (filter.after !== undefined && seq <= filter.after) break;
      const slot = (this.head + i) % this.maxLines;
      const phys = this.starts[slot]! % size;
      const raw = this.bytes.toString('utf8', phys, phys + this.lengths[slot]!);
      // Cheap tests on the raw line before parsing it.
      if (q !== undefined && !raw.toLowerCase().includes(q)) continue;
      if (filter.traceId !== undefined && !raw.includes(filter.traceId)) continue;
      const line = parseLogLine(raw, seq);
      if (line === undefined) continue;
      if (minRank && (LEVEL_RANK[line.level] ?? 0) < minRank) continue;
      if (filter.traceId !== undefined && line.trace_id !== filter.traceId) continue;
      if (filter.route !== undefined && !routeMatches(line.fields, filter.route)) continue;
      out.push(line);
    }
    return out.reverse();
  }

  /** Lines held, and the bytes of the ring they are in. */
  get size(): { lines: number; bytes: number } {
    return { lines: this.count, bytes: this.count === 0 ? 0 : this.end - this.starts[this.head]! };
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.maxLines;
    this.count--;
    this.firstSeq++;
  }
}

/** A logged line as the panel shows it; undefined for a line that is not a JSON object. */
export function parseLogLine(raw: string, seq: number): LogLine | undefined {
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    fields = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return logLineOf(fields, seq);
}

export function logLineOf(fields: Record<string, unknown>, seq: number): LogLine {
  const level = typeof fields.level === 'string' && fields.level in LEVEL_RANK ? (fields.level as LogLine['level']) : 'info';
  const line: LogLine = { seq, time: typeof fields.time === 'number' ? fields.time : Date.now(), level, msg: typeof fields.msg === 'string' ? fields.msg : '', fields };
  if (typeof fields.reqId === 'string') line.reqId = fields.reqId;
  if (typeof fields.trace_id === 'string') line.trace_id = fields.trace_id;
  if (typeof fields.span_id === 'string') line.span_id = fields.span_id;
  return line;
}

/** A request line's route is `METHOD /template` or the path; a filter matches either part. */
function routeMatches(fields: Record<string, unknown>, route: string): boolean {
  const value = fields.route;
  if (typeof value !== 'string') return false;
  return value === route || value.slice(value.indexOf(' ') + 1) === route;
}
