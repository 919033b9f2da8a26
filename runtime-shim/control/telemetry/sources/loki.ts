// Logs from Loki (`control.loki.url`): `/loki/api/v1/query_range` over the app's stream selector
// (`control.loki.query`, default `{app="<name>"}`), the panel's filters as LogQL line filters. A
// line's seq is its Loki timestamp in microseconds: monotonic, so the stream resumes after it.
import type { LogLine } from '../../api-types.js';
import { logLineOf, type LogFilter } from '../log-buffer.js';

const TIMEOUT_MS = 5_000;
/** Without a resume point, the list looks this far back. */
const LOOKBACK_MS = 60 * 60_000;

export interface LokiSource {
  url: string;
  selector: string;
}

export function lokiSource(url: string, selector: string | undefined, appName: string): LokiSource {
  return { url: url.replace(/\/+$/, ''), selector: selector ?? `{app=${JSON.stringify(appName)}}` };
}

export function logQuery(selector: string, filter: LogFilter): string {
  let query = selector;
  if (filter.q) query += ` |= ${JSON.stringify(filter.q)}`;
  if (filter.traceId) query += ` |= ${JSON.stringify(filter.traceId)}`;
  if (filter.route) query += ` |= ${JSON.stringify(filter.route)}`;
  if (filter.level) {
    const levels = ['debug', 'info', 'warn', 'error'];
    const from = levels.indexOf(filter.level);
    if (from > 0) query += ` |~ ${JSON.stringify(`"level":"(${levels.slice(from).join('|')})"`)}`;
  }
  return query;
}

/** Lines matching `filter`, oldest first, the newest `limit` of them. */
export async function lokiLogs(source: LokiSource, filter: LogFilter): Promise<LogLine[]> {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const startNs = filter.after !== undefined ? BigInt(filter.after + 1) * 1000n : nowNs - BigInt(LOOKBACK_MS) * 1_000_000n;
  const params = new URLSearchParams({
    query: logQuery(source.selector, filter),
    limit: String(filter.limit),
    direction: filter.after !== undefined ? 'forward' : 'backward',
    start: String(startNs),
    end: String(nowNs + 1_000_000_000n),
  });
  const res = await fetch(`${source.url}/loki/api/v1/query_range?${params}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`Loki answered ${res.status}`);
  const body = (await res.json()) as { data?: { result?: { stream?: Record<string, string>; values?: [string, string][] }[] } };
  const entries: { ns: bigint; line: string; labels: Record<string, string> }[] = [];
  for (const stream of body.data?.result ?? []) {
    for (const [ns, line] of stream.values ?? []) entries.push({ ns: BigInt(ns), line, labels: stream.stream ?? {} });
  }
  entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  const lines: LogLine[] = [];
  for (const entry of entries.slice(-filter.limit)) {
    const seq = Number(entry.ns / 1000n);
    let fields: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(entry.line);
      fields = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { msg: entry.line };
    } catch {
      fields = { msg: entry.line, ...('level' in entry.labels ? { level: entry.labels.level } : {}) };
    }
    fields.time ??= Number(entry.ns / 1_000_000n);
    const line = logLineOf(fields, seq);
    if (filter.traceId !== undefined && line.trace_id !== filter.traceId) continue;
    lines.push(line);
  }
  return lines;
}
