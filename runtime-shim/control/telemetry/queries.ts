// What this process answers about itself: the panel's endpoint asks it directly, and in a cluster
// (`--workers N`) every worker answers the same questions for the primary to gather (cluster.ts).
import type { Instance, LogLine, Trace, TraceSummary } from '../api-types.js';
import { activeMetrics } from '../../metrics/registry.js';
import type { WindowCounts } from './metrics-window.js';
import type { Telemetry } from './telemetry.js';
import type { LogFilter } from './log-buffer.js';
import type { TraceFilter } from './trace-buffer.js';
import { traceView } from './views.js';

export interface Queries {
  instance: { args: Record<string, never>; result: Instance };
  logs: { args: LogFilter; result: LogLine[] };
  traces: { args: TraceFilter; result: TraceSummary[] };
  trace: { args: { traceId: string }; result: Trace | null };
  metrics: { args: { windowS: number }; result: WindowCounts };
  /** A client watches on another process: record every request for a few seconds. */
  watch: { args: Record<string, never>; result: true };
}
export type QueryKind = keyof Queries;

export async function answerLocally<K extends QueryKind>(telemetry: Telemetry, kind: K, args: Queries[K]['args']): Promise<Queries[K]['result']> {
  type R = Queries[K]['result'];
  switch (kind) {
    case 'instance': return instanceOf(telemetry) as R;
    case 'logs': return telemetry.logs.query(args as LogFilter) as R;
    case 'traces': return telemetry.traces.query(args as TraceFilter) as R;
    case 'trace': {
      const trace = telemetry.traces.get((args as { traceId: string }).traceId);
      return (trace ? traceView(trace) : null) as R;
    }
    case 'metrics': return (await telemetry.metrics.window((args as { windowS: number }).windowS)) as R;
    case 'watch':
      telemetry.watchFor();
      return true as R;
    default: throw new Error(`unknown telemetry query ${String(kind)}`);
  }
}

export function instanceOf(telemetry: Telemetry, role: Instance['role'] = telemetry.process.role): Instance {
  const memory = process.memoryUsage();
  return {
    id: `${hostname()}:${process.pid}`,
    pid: process.pid,
    role,
    startedAt: telemetry.startedAt,
    ready: telemetry.process.ready(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    inFlight: activeMetrics()?.http.activeRequests() ?? 0,
  };
}

function hostname(): string {
  return process.env.HOSTNAME || 'local';
}
