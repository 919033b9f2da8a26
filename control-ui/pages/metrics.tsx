// Metrics: rate, errors and p50/p95/p99 per route, with sparklines of the history this page has seen
// (the first answer, then an SSE `metrics` event every 2 s). ?route= highlights one route.
import { useEffect, useState } from 'preact/hooks';
import type { MetricsSummary, RouteMetrics } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { useStream } from '../stream';
import { href } from '../router';
import { Empty, Loading, PageHeader, RouteKey, Section, Stat } from '../components/ui';
import { LiveDot } from '../components/live-dot';
import { Sparkline } from '../components/sparkline';
import { ms, percent, rate } from '../format';
import type { PageProps } from './page';

const HISTORY = 60;
type History = Record<string, { rate: number[]; p95: number[] }>;

const keyOf = (r: RouteMetrics) => `${r.method} ${r.route}`;

function record(history: History, summary: MetricsSummary): History {
  const next: History = { ...history };
  for (const r of summary.routes) {
    const old = next[keyOf(r)] ?? { rate: [], p95: [] };
    next[keyOf(r)] = { rate: [...old.rate, r.rate].slice(-HISTORY), p95: [...old.p95, r.p95Ms].slice(-HISTORY) };
  }
  return next;
}

export function MetricsPage({ where }: PageProps) {
  const focus = where.query.get('route') ?? '';
  const loaded = useApi<MetricsSummary>(API_PATHS.metrics);
  const [latest, setLatest] = useState<MetricsSummary | undefined>();
  const [history, setHistory] = useState<History>({});
  useEffect(() => {
    if (loaded.data) {
      setLatest(loaded.data);
      setHistory((h) => record(h, loaded.data!));
    }
  }, [loaded.data]);
  const state = useStream(['metrics'], {
    metrics: (data) => {
      const summary = data as MetricsSummary;
      setLatest(summary);
      setHistory((h) => record(h, summary));
    },
  });
  const shown = latest ? { ...loaded, data: latest } : loaded;
  return (
    <>
      <PageHeader title="Metrics" sub={latest ? `Source: ${latest.source} · window ${latest.windowS} s` : undefined}>
        <LiveDot state={state} />
      </PageHeader>
      <Loading
        loaded={shown}
        what="metrics"
        render={(m) => {
          const total = m.routes.reduce((sum, r) => sum + r.rate, 0);
          const errors = m.routes.reduce((sum, r) => sum + r.rate * r.errorRate, 0);
          const routes = [...m.routes].sort((a, b) => Number(keyOf(b) === focus) - Number(keyOf(a) === focus) || b.count - a.count);
          return (
            <>
              <div class="stats">
                <Stat label="Requests" value={rate(total)} />
                <Stat label="5xx" value={total ? percent(errors / total) : '0%'} />
                <Stat label="In flight" value={m.activeRequests} />
                <Stat label="Routes with traffic" value={m.routes.filter((r) => r.count > 0).length} />
              </div>
              <Section title="Routes">
                {routes.length ? (
                  <table class="table hover" data-testid="metrics">
                    <thead>
                      <tr>
                        <th>Route</th>
                        <th class="num">Rate</th>
                        <th aria-label="rate history" />
                        <th class="num">Errors</th>
                        <th class="num">p50</th>
                        <th class="num">p95</th>
                        <th aria-label="p95 history" />
                        <th class="num">p99</th>
                        <th class="num">Count</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {routes.map((r) => {
                        const key = keyOf(r);
                        return (
                          <tr key={key} class={key === focus ? 'focus' : undefined}>
                            <td>
                              <RouteKey route={key} />
                            </td>
                            <td class="num">{rate(r.rate)}</td>
                            <td>
                              <Sparkline values={history[key]?.rate ?? []} label={`${key} rate`} />
                            </td>
                            <td class={`num ${r.errorRate > 0 ? 'text-error' : ''}`}>{percent(r.errorRate)}</td>
                            <td class="num">{ms(r.p50Ms)}</td>
                            <td class="num">{ms(r.p95Ms)}</td>
                            <td>
                              <Sparkline values={history[key]?.p95 ?? []} label={`${key} p95`} />
                            </td>
                            <td class="num">{ms(r.p99Ms)}</td>
                            <td class="num">{r.count}</td>
                            <td class="nowrap">
                              <a href={href('traces', { route: key })}>traces</a> · <a href={href('logs', { route: r.route })}>logs</a>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                ) : (
                  <Empty>No request in the window yet.</Empty>
                )}
              </Section>
              {m.effects.length > 0 && (
                <Section title="Effects" actions={<a href={href('effects')}>Effects page</a>}>
                  <table class="table">
                    <thead>
                      <tr>
                        <th>Effect</th>
                        <th class="num">Queued</th>
                        <th class="num">Running</th>
                        <th class="num">Dead</th>
                        <th class="num">Done</th>
                        <th class="num">Failed</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.effects.map((e) => (
                        <tr key={e.effect}>
                          <td>{e.effect}</td>
                          <td class="num">{e.queued}</td>
                          <td class="num">{e.running}</td>
                          <td class={`num ${e.dead ? 'text-error' : ''}`}>{e.dead}</td>
                          <td class="num">{rate(e.completedPerS)}</td>
                          <td class="num">{rate(e.failedPerS)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Section>
              )}
              {m.ws.length > 0 && (
                <Section title="WebSockets">
                  <table class="table">
                    <thead>
                      <tr>
                        <th>Route</th>
                        <th class="num">Connections</th>
                        <th class="num">In</th>
                        <th class="num">Out</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.ws.map((w) => (
                        <tr key={w.route}>
                          <td>
                            <code>{w.route}</code>
                          </td>
                          <td class="num">{w.connections}</td>
                          <td class="num">{rate(w.inPerS)}</td>
                          <td class="num">{rate(w.outPerS)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Section>
              )}
            </>
          );
        }}
      />
    </>
  );
}
