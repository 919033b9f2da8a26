// The recent log lines of this process, as the logger wrote them (server/log.ts hands each line over
// as is): a ring bounded by line count and by bytes. Lines are kept as strings and parsed only when
// the panel asks, so a line costs the logger an array store.
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

export class LogBuffer {
  private lines: string[] = [];
  /** The seq of `lines[0]`. */
  private firstSeq = 1;
  private bytes = 0;
  /** Lines dropped from the front since the last compaction (kept in the array until then). */
  private head = 0;

  constructor(private readonly maxLines: number, private readonly maxBytes: number) {}

  /** The next line's seq. */
  get nextSeq(): number {
    return this.firstSeq + this.lines.length - this.head;
  }

  push(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.lines.length - this.head > this.maxLines || this.bytes > this.maxBytes) this.evict();
  }

  /** Matching lines, oldest first, the newest `limit` of them. */
  query(filter: LogFilter): LogLine[] {
    const out: LogLine[] = [];
    const q = filter.q?.toLowerCase();
    const minRank = filter.level ? LEVEL_RANK[filter.level] ?? 0 : 0;
    const start = filter.after === undefined ? this.head : Math.max(this.head, filter.after + 1 - this.firstSeq + this.head);
    for (let i = this.lines.length - 1; i >= start && out.length < filter.limit; i--) {
      const raw = this.lines[i]!;
      // Cheap tests on the raw line before parsing it.
      if (q !== undefined && !raw.toLowerCase().includes(q)) continue;
      if (filter.traceId !== undefined && !raw.includes(filter.traceId)) continue;
      const line = parseLogLine(raw, this.firstSeq + i - this.head);
      if (line === undefined) continue;
      if (minRank && (LEVEL_RANK[line.level] ?? 0) < minRank) continue;
      if (filter.traceId !== undefined && line.trace_id !== filter.traceId) continue;
      if (filter.route !== undefined && !routeMatches(line.fields, filter.route)) continue;
      out.push(line);
    }
    return out.reverse();
  }

  /** Memory held, about (UTF-16 code units). */
  get size(): { lines: number; bytes: number } {
    return { lines: this.lines.length - this.head, bytes: this.bytes };
  }

  private evict(): void {
    // Drop a tenth at once, so that eviction is rare and the array is compacted seldom.
    const target = Math.floor(Math.min(this.maxLines, this.lines.length - this.head) * 0.9);
    while (this.lines.length - this.head > target || this.bytes > this.maxBytes * 0.9) {
      if (this.head >= this.lines.length) break;
      this.bytes -= this.lines[this.head]!.length;
      this.head++;
    }
    this.firstSeq += this.head;
    this.lines = this.lines.slice(this.head);
    this.head = 0;
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
