// Logs: the recent lines, then a live tail over SSE; filtered by level (that level and above), text
// and route; pause holds the view while lines keep arriving; a trace id opens that trace.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { List, LogLine } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { useStream } from '../stream';
import { href, navigate } from '../router';
import { Badge, Loading, PageHeader, Section } from '../components/ui';
import { LiveDot } from '../components/live-dot';
import { clock } from '../format';
import type { PageProps } from './page';

const MAX_LINES = 1000;
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const TONE = { debug: 'muted', info: 'info', warn: 'warn', error: 'error' } as const;

interface Filter {
  level: string;
  q: string;
  route: string;
  traceId: string;
}

function routeOf(line: LogLine): string | undefined {
  const route = line.fields.route;
  return typeof route === 'string' ? route : undefined;
}

function matches(line: LogLine, filter: Filter): boolean {
  if (filter.level && LEVELS.indexOf(line.level) < LEVELS.indexOf(filter.level as LogLine['level'])) return false;
  if (filter.traceId && line.trace_id !== filter.traceId) return false;
  if (filter.route) {
    // As the server filters: the whole `METHOD /route`, or its path.
    const route = routeOf(line) ?? '';
    if (route !== filter.route && route.slice(route.indexOf(' ') + 1) !== filter.route) return false;
  }
  if (filter.q) {
    const q = filter.q.toLowerCase();
    if (!line.msg.toLowerCase().includes(q) && !JSON.stringify(line.fields).toLowerCase().includes(q)) return false;
  }
  return true;
}

export function LogsPage({ where }: PageProps) {
  const query = where.query;
  const filter: Filter = { level: query.get('level') ?? '', q: query.get('q') ?? '', route: query.get('route') ?? '', traceId: query.get('traceId') ?? '' };
  const loaded = useApi<List<LogLine>>(API_PATHS.logs({ ...filter, limit: 300 }));
  const [lines, setLines] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const pending = useRef<LogLine[]>([]);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (loaded.data) setLines(loaded.data.items.filter((line) => matches(line, filterRef.current)).slice(-MAX_LINES));
  }, [loaded.data]);

  const state = useStream(['logs'], {
    log: (data) => {
      const line = data as LogLine;
      if (!matches(line, filterRef.current)) return;
      if (pausedRef.current) {
        pending.current.push(line);
        setHeld(pending.current.length);
      } else setLines((old) => append(old, [line]));
    },
  });

  const resume = () => {
    setLines((old) => append(old, pending.current));
    pending.current = [];
    setHeld(0);
    setPaused(false);
  };
  const setFilter = (key: keyof Filter, value: string) => navigate(href('logs', { ...filter, [key]: value }), true);

  return (
    <>
      <PageHeader title="Logs" sub="Recent lines, then the live tail (oldest at the top)">
        <LiveDot state={state} paused={paused} />
        {paused ? (
          <button class="primary" onClick={resume}>
            Resume{held ? ` (${held} new)` : ''}
          </button>
        ) : (
          <button onClick={() => setPaused(true)}>Pause</button>
        )}
        <button onClick={() => setLines([])}>Clear</button>
      </PageHeader>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter logs">
        <label>
          Level
          <select value={filter.level} onChange={(e) => setFilter('level', e.currentTarget.value)}>
            <option value="">all</option>
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}+
              </option>
            ))}
          </select>
        </label>
        <label>
          Text
          <input type="search" placeholder="search messages and fields" value={filter.q} onChange={(e) => setFilter('q', e.currentTarget.value)} />
        </label>
        <label>
          Route
          <input type="search" placeholder="/payments" value={filter.route} onChange={(e) => setFilter('route', e.currentTarget.value)} />
        </label>
        {filter.traceId && (
          <span class="chip">
            trace <code>{filter.traceId.slice(0, 12)}</code>
            <button class="link" aria-label="Remove the trace filter" onClick={() => setFilter('traceId', '')}>
              ×
            </button>
          </span>
        )}
      </form>
      <Section>
        <Loading
          loaded={loaded}
          what="logs"
          render={() => (lines.length ? <LogTable lines={lines} /> : <div class="empty">No log line{filter.level || filter.q || filter.route || filter.traceId ? ' matches these filters' : ' yet'}.</div>)}
        />
      </Section>
    </>
  );
}

function append(old: LogLine[], more: LogLine[]): LogLine[] {
  if (!more.length) return old;
  const last = old.length ? old[old.length - 1]!.seq : -1;
  const fresh = more.filter((line) => line.seq > last);
  return fresh.length ? [...old, ...fresh].slice(-MAX_LINES) : old;
}

function LogTable({ lines }: { lines: LogLine[] }) {
  const [open, setOpen] = useState<number | undefined>();
  return (
    <table class="table logs" data-testid="logs">
      <thead>
        <tr>
          <th>Time</th>
          <th>Level</th>
          <th>Message</th>
          <th>Route</th>
          <th>Trace</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.seq} class={`lvl-${line.level}`} onClick={(e) => !(e.target as Element).closest('a') && setOpen(open === line.seq ? undefined : line.seq)}>
            <td class="mono nowrap">{clock(line.time)}</td>
            <td>
              <Badge tone={TONE[line.level]}>{line.level}</Badge>
            </td>
            <td class="msg">
              {line.msg}
              {open === line.seq && <pre class="fields">{JSON.stringify(line.fields, null, 2)}</pre>}
            </td>
            <td class="mono dim nowrap">{routeOf(line) ?? ''}</td>
            <td>
              {line.trace_id && (
                <a class="mono" href={href(`traces/${line.trace_id}`)}>
                  {line.trace_id.slice(0, 12)}
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
