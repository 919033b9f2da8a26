// GET /_control/api/stream: the live tail as Server-Sent Events. `log` events carry a LogLine (id:
// its seq, so a reconnect's Last-Event-ID resumes after it), `trace` events a TraceSummary when a
// trace's root ends, `metrics` events a MetricsSummary every METRICS_EVERY_MS. Holding the `traces`
// topic open makes the process record every request (telemetry.ts), not a few a second.
// In a cluster worker, and with Loki as the log source, the tail is polled (POLL_MS), since the
// lines are elsewhere (Loki's own /tail is a WebSocket: polling query_range serves the same here).
import type { EventStream } from '../endpoint.js';
import type { LogLine, MetricsSummary, StreamTopic, TraceSummary } from '../api-types.js';

export const METRICS_EVERY_MS = 2_000;
export const POLL_MS = 1_000;

export interface StreamSources {
  /** Push: new lines as they are written (this process), until the returned stop. */
  onLogs?(listener: (lines: LogLine[]) => void): () => void;
  onTraces?(listener: (traces: TraceSummary[]) => void): () => void;
  /** Pull: lines after a cursor (the backlog at start, and the poll otherwise). */
  logsAfter(after: number | undefined): Promise<LogLine[]>;
  /** Pull: traces whose root ended after `since` (epoch ms), for polling. */
  tracesSince?(since: number): Promise<TraceSummary[]>;
  /** Renews interest in every trace (a cluster's other workers), on each poll. */
  watch?(): void;
  metrics(): Promise<MetricsSummary>;
}

export function topicsOf(query: URLSearchParams): Set<StreamTopic> {
  const asked = (query.get('topics') ?? 'logs,traces,metrics').split(',').map((t) => t.trim());
  return new Set(asked.filter((t): t is StreamTopic => t === 'logs' || t === 'traces' || t === 'metrics'));
}

export function telemetryStream(topics: Set<StreamTopic>, sources: StreamSources, lastEventId: number | undefined): EventStream {
  return {
    start(send) {
      const stops: (() => void)[] = [];
      let stopped = false;
      let cursor = lastEventId;
      const sendLines = (lines: LogLine[]) => {
        for (const line of lines) {
          if (cursor !== undefined && line.seq <= cursor) continue;
          cursor = line.seq;
          send({ event: 'log', data: JSON.stringify(line), id: String(line.seq) });
        }
      };
      const sendTraces = (traces: TraceSummary[]) => {
        for (const trace of traces) send({ event: 'trace', data: JSON.stringify(trace) });
      };
      if (topics.has('logs')) {
        if (sources.onLogs) {
          // Subscribe first, then send the backlog: a line written meanwhile comes once (the cursor skips repeats).
          stops.push(sources.onLogs(sendLines));
          if (lastEventId !== undefined) void sources.logsAfter(lastEventId).then((lines) => !stopped && sendLines(lines));
        } else {
          let polling = false;
          const poll = () => {
            if (polling) return;
            polling = true;
            void sources.logsAfter(cursor).then((lines) => !stopped && sendLines(lines)).catch(() => {}).finally(() => (polling = false));
          };
          // Without a resume point the tail starts now (the list endpoint has the past).
          if (cursor === undefined) void sources.logsAfter(undefined).then((lines) => (cursor = lines.at(-1)?.seq ?? cursor ?? 0)).catch(() => (cursor ??= 0));
          else poll();
          stops.push(every(POLL_MS, poll));
        }
      }
      if (topics.has('traces')) {
        if (sources.onTraces) stops.push(sources.onTraces(sendTraces));
        if (sources.tracesSince) {
          let since = Date.now();
          const seen = new Set<string>();
          sources.watch?.();
          stops.push(every(POLL_MS, () => {
            sources.watch?.();
            const from = since;
            void sources.tracesSince!(from - POLL_MS).then((traces) => {
              if (stopped) return;
              const fresh = traces.filter((t) => !seen.has(t.traceId)).reverse();
              for (const t of fresh) seen.add(t.traceId);
              if (seen.size > 10_000) seen.clear();
              since = Math.max(since, ...traces.map((t) => t.start + t.durationMs));
              sendTraces(fresh);
            }).catch(() => {});
          }));
        }
      }
      if (topics.has('metrics')) {
        const tick = () => void sources.metrics().then((m) => !stopped && send({ event: 'metrics', data: JSON.stringify(m) })).catch(() => {});
        tick();
        stops.push(every(METRICS_EVERY_MS, tick));
      }
      return () => {
        stopped = true;
        for (const stop of stops) stop();
      };
    },
  };
}

function every(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  timer.unref?.();
  return () => clearInterval(timer);
}
