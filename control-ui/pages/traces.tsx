// Traces: recent requests (newest first, new ones arrive live), filtered by route, status and
// duration; /traces/<traceId> shows one as a span waterfall.
import { useEffect, useState } from 'preact/hooks';
import type { List, TraceSummary } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { useStream } from '../stream';
import { href, navigate } from '../router';
import { Empty, Loading, PageHeader, RouteKey, Section, StatusBadge } from '../components/ui';
import { LiveDot } from '../components/live-dot';
import { clock, ms } from '../format';
import type { PageProps } from './page';
import { TraceView } from './trace-view';

const MAX_ROWS = 200;

export function TracesPage({ where }: PageProps) {
  const traceId = where.path.split('/')[1];
  return traceId ? <TraceView traceId={decodeURIComponent(traceId)} /> : <TraceList query={where.query} />;
}

interface Filter {
  route: string;
  status: string;
  minMs: string;
  maxMs: string;
}

/** `METHOD /route` when the trace has both, as the metrics and the topology name routes. */
export function routeOf(trace: TraceSummary): string | undefined {
  return trace.route === undefined ? undefined : trace.method && !trace.route.includes(' ') ? `${trace.method} ${trace.route}` : trace.route;
}

function matches(trace: TraceSummary, filter: Filter): boolean {
  if (filter.route && trace.route !== filter.route && trace.name !== filter.route && routeOf(trace) !== filter.route) return false;
  if (filter.status === 'error') return trace.error;
  if (filter.status) {
    const status = trace.status ?? 0;
    const wanted = filter.status;
    if (/^\dxx$/.test(wanted) ? Math.floor(status / 100) !== Number(wanted[0]) : String(status) !== wanted) return false;
  }
  if (filter.minMs && trace.durationMs < Number(filter.minMs)) return false;
  if (filter.maxMs && trace.durationMs > Number(filter.maxMs)) return false;
  return true;
}

function TraceList({ query }: { query: URLSearchParams }) {
  const filter: Filter = { route: query.get('route') ?? '', status: query.get('status') ?? '', minMs: query.get('minMs') ?? '', maxMs: query.get('maxMs') ?? '' };
  const loaded = useApi<List<TraceSummary>>(API_PATHS.traces({ ...filter, limit: MAX_ROWS }));
  const [live, setLive] = useState<TraceSummary[]>([]);
  useEffect(() => setLive([]), [loaded.data]);
  const state = useStream(['traces'], {
    trace: (data) => {
      const trace = data as TraceSummary;
      if (matches(trace, filter)) setLive((old) => [trace, ...old].slice(0, MAX_ROWS));
    },
  });
  const setFilter = (key: keyof Filter, value: string) => navigate(href('traces', { ...filter, [key]: value }), true);
  return (
    <>
      <PageHeader title="Traces" sub="Recent requests, newest first">
        <LiveDot state={state} />
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter traces">
        <label>
          Route
          <input type="search" placeholder="POST /payments" value={filter.route} onChange={(e) => setFilter('route', e.currentTarget.value)} />
        </label>
        <label>
          Status
          <select value={filter.status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="">any</option>
            <option value="2xx">2xx</option>
            <option value="3xx">3xx</option>
            <option value="4xx">4xx</option>
            <option value="5xx">5xx</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Min ms
          <input type="number" min="0" class="short" value={filter.minMs} onChange={(e) => setFilter('minMs', e.currentTarget.value)} />
        </label>
        <label>
          Max ms
          <input type="number" min="0" class="short" value={filter.maxMs} onChange={(e) => setFilter('maxMs', e.currentTarget.value)} />
        </label>
      </form>
      <Section>
        <Loading
          loaded={loaded}
          what="traces"
          render={(list) => {
            const seen = new Set<string>();
            const rows = [...live, ...list.items].filter((t) => !seen.has(t.traceId) && (seen.add(t.traceId), true)).slice(0, MAX_ROWS);
            if (!rows.length) return <Empty>No trace yet{filter.route || filter.status || filter.minMs || filter.maxMs ? ' matches these filters' : ''}: send the app a request.</Empty>;
            const longest = Math.max(...rows.map((t) => t.durationMs), 1);
            return <TraceTable rows={rows} longest={longest} />;
          }}
        />
      </Section>
    </>
  );
}

export function TraceTable({ rows, longest }: { rows: TraceSummary[]; longest: number }) {
  return (
    <table class="table hover" data-testid="traces">
      <thead>
        <tr>
          <th>Time</th>
          <th>Request</th>
          <th>Status</th>
          <th class="num">Duration</th>
          <th class="bar-col" aria-hidden="true" />
          <th class="num">Spans</th>
          <th>Trace</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.traceId} class={t.error ? 'row-error' : undefined}>
            <td class="mono">{clock(t.start)}</td>
            <td>
              <a href={href(`traces/${t.traceId}`)}>{routeOf(t) ? <RouteKey route={routeOf(t)!} /> : t.name}</a>
            </td>
            <td>
              <StatusBadge status={t.status} error={t.error} />
            </td>
            <td class="num">{ms(t.durationMs)}</td>
            <td class="bar-col">
              <span class="bar" style={barStyle(t.durationMs / longest)} />
            </td>
            <td class="num">{t.spanCount}</td>
            <td>
              <a class="mono dim" href={href(`traces/${t.traceId}`)}>
                {t.traceId.slice(0, 12)}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Widths are set through the CSSOM (allowed by a `style-src 'self'` CSP), never as inline style text. */
export function barStyle(share: number, offset = 0): Record<string, string> {
  return { width: `${Math.max(0.5, share * 100).toFixed(2)}%`, marginLeft: `${(offset * 100).toFixed(2)}%` };
}
