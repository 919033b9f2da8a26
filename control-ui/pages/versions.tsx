// Versions: every released API version with its traffic, and the diff of any two (?from=&to=).
// ?route= highlights that route's changes.
import type { VersionDiff, VersionsInfo } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { href, navigate } from '../router';
import { Badge, Empty, Loading, PageHeader, RouteKey, Section } from '../components/ui';
import { count } from '../format';
import type { PageProps } from './page';

const CHANGE_TONE = { added: 'ok', removed: 'error', breaking: 'error', compatible: 'info' } as const;

export function VersionsPage({ where }: PageProps) {
  const loaded = useApi<VersionsInfo>(API_PATHS.versions);
  const route = where.query.get('route') ?? '';
  return (
    <>
      <PageHeader title="Versions" sub={loaded.data ? `Current: ${loaded.data.current ?? 'none released'}` : undefined} />
      <Loading
        loaded={loaded}
        what="versions"
        render={(info) => {
          if (!info.versions.length) return <Empty>No version released yet: `gati build` records the first.</Empty>;
          const newest = [...info.versions].reverse();
          const from = where.query.get('from') ?? newest[1]?.semver ?? newest[0]!.semver;
          const to = where.query.get('to') ?? newest[0]!.semver;
          const trafficTotal = Object.values(info.traffic).reduce((a, b) => a + b, 0);
          return (
            <>
              <Section title="Released versions">
                <table class="table" data-testid="versions">
                  <thead>
                    <tr>
                      <th>Version</th>
                      <th>Released</th>
                      <th class="num">Routes</th>
                      <th>Removed</th>
                      <th class="num">Traffic</th>
                      <th class="bar-col" aria-hidden="true" />
                    </tr>
                  </thead>
                  <tbody>
                    {newest.map((v) => {
                      const traffic = info.traffic[v.semver] ?? 0;
                      return (
                        <tr key={v.semver}>
                          <td>
                            <strong>{v.semver}</strong> {v.semver === info.current && <Badge tone="ok">current</Badge>}
                          </td>
                          <td class="mono dim">{v.timestamp}</td>
                          <td class="num">{v.routes}</td>
                          <td>{v.removed.length ? v.removed.map((r) => <RouteKey key={r} route={r} />) : <span class="dim">—</span>}</td>
                          <td class="num">{count(traffic)}</td>
                          <td class="bar-col">
                            <span class="bar" style={{ width: `${trafficTotal ? ((traffic / trafficTotal) * 100).toFixed(1) : 0}%` }} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {Object.keys(info.traffic).some((v) => !info.versions.some((x) => x.semver === v)) && (
                  <p class="muted small">Other requested versions: {Object.entries(info.traffic).filter(([v]) => !info.versions.some((x) => x.semver === v)).map(([v, n]) => `${v} (${n})`).join(', ')}</p>
                )}
              </Section>
              <Section
                title="Compare"
                actions={
                  <form class="filters inline" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
                    <label>
                      From
                      <select value={from} onChange={(e) => navigate(href('versions', { from: e.currentTarget.value, to, route }), true)}>
                        {newest.map((v) => (
                          <option key={v.semver}>{v.semver}</option>
                        ))}
                      </select>
                    </label>
                    <label>
                      To
                      <select value={to} onChange={(e) => navigate(href('versions', { from, to: e.currentTarget.value, route }), true)}>
                        {newest.map((v) => (
                          <option key={v.semver}>{v.semver}</option>
                        ))}
                      </select>
                    </label>
                  </form>
                }
              >
                {from === to ? <Empty>Pick two different versions.</Empty> : <Diff from={from} to={to} route={route} />}
              </Section>
            </>
          );
        }}
      />
    </>
  );
}

function Diff({ from, to, route }: { from: string; to: string; route: string }) {
  const loaded = useApi<VersionDiff>(API_PATHS.versionDiff(from, to));
  return (
    <Loading
      loaded={loaded}
      what="the diff"
      render={(diff) => (
        <div data-testid="version-diff">
          <p>
            {diff.from} → {diff.to}: <Badge tone={diff.bump === 'major' ? 'error' : diff.bump === 'none' ? 'muted' : 'info'}>{diff.bump}</Badge>
          </p>
          {diff.changes.length ? (
            <table class="table">
              <thead>
                <tr>
                  <th>Route</th>
                  <th>Change</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.map((c, i) => (
                  <tr key={i} class={route && c.route === route ? 'focus' : undefined}>
                    <td>
                      <RouteKey route={c.route} />
                    </td>
                    <td>
                      <Badge tone={CHANGE_TONE[c.kind]}>{c.kind}</Badge>
                    </td>
                    <td>{c.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No change between these versions.</Empty>
          )}
        </div>
      )}
    />
  );
}
