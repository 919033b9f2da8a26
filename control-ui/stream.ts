// The live feed: one EventSource on /_control/api/stream per page that wants it. Events are `log`
// (LogLine), `trace` (TraceSummary) and `metrics` (MetricsSummary); the browser reconnects by itself
// and sends Last-Event-ID, so the log tail resumes where it stopped.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StreamTopic } from '../runtime-shim/control/api-types';
import { API_PATHS } from './api-paths';

export type StreamState = 'connecting' | 'live' | 'retrying' | 'unavailable';
export type StreamHandlers = Partial<Record<'log' | 'trace' | 'metrics', (data: unknown) => void>>;

export function useStream(topics: readonly StreamTopic[], handlers: StreamHandlers, enabled = true): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  const key = topics.join(',');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(API_PATHS.stream(topics));
    let failures = 0;
    source.onopen = () => {
      failures = 0;
      setState('live');
    };
    source.onerror = () => {
      // CLOSED: the answer was not an event stream (no such endpoint, or no session): stop trying.
      if (source.readyState === EventSource.CLOSED || ++failures > 20) {
        source.close();
        setState('unavailable');
      } else setState('retrying');
    };
    for (const name of ['log', 'trace', 'metrics'] as const) {
      source.addEventListener(name, (event) => {
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        latest.current[name]?.(data);
      });
    }
    return () => source.close();
  }, [key, enabled]);
  return state;
}
