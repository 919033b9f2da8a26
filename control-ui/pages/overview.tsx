// Overview: the app, its version, instances, uptime and readiness, with links into every page.
import type { Overview } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { href } from '../router';
import { Badge, Loading, PageHeader, Section, Stat } from '../components/ui';
import { bytes, count, dateTime, duration } from '../format';
import { useNow } from '../use-now';

export function OverviewPage() {
  const loaded = useApi<Overview>(API_PATHS.overview);
  const now = useNow(1000);
  return (
    <>
      <PageHeader title={loaded.data?.app ?? 'Overview'} sub={loaded.data ? `${loaded.data.engine} ${loaded.data.runtimeVersion} · gati ${loaded.data.mode}` : undefined}>
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      <Loading
        loaded={loaded}
        what="the overview"
        render={(o) => (
          <>
            <div class="stats">
              <Stat label="Status" value={o.ready ? <Badge tone="ok">ready</Badge> : <Badge tone="warn">starting</Badge>} />
              <Stat label="API version" value={o.version ?? '—'} hint={o.version ? undefined : 'no release yet'} />
              <Stat label="Uptime" value={duration(o.startedAt, now)} hint={`since ${dateTime(o.startedAt)}`} />
              <Stat label="Instances" value={o.instances.length} hint={`${o.instances.filter((i) => i.ready).length} ready`} />
            </div>
            <div class="stats">
              <Stat label="Routes" value={<a href={href('topology')}>{count(o.counts.routes)}</a>} />
              <Stat label="Middleware" value={count(o.counts.middleware)} />
              <Stat label="Modules" value={count(o.counts.modules)} />
              <Stat label="Effects" value={<a href={href('effects')}>{count(o.counts.effects)}</a>} />
              <Stat label="Versions" value={<a href={href('versions')}>{count(o.counts.versions)}</a>} />
            </div>
            <Section title="Instances">
              <table class="table">
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Role</th>
                    <th class="num">PID</th>
                    <th>Up</th>
                    <th>Ready</th>
                    <th class="num">RSS</th>
                    <th class="num">Heap</th>
                    <th class="num">In flight</th>
                  </tr>
                </thead>
                <tbody>
                  {o.instances.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <code>{i.id}</code>
                      </td>
                      <td>{i.role}</td>
                      <td class="num">{i.pid}</td>
                      <td>{duration(i.startedAt, now)}</td>
                      <td>{i.ready ? <Badge tone="ok">ready</Badge> : <Badge tone="warn">not ready</Badge>}</td>
                      <td class="num">{bytes(i.rssBytes)}</td>
                      <td class="num">{bytes(i.heapUsedBytes)}</td>
                      <td class="num">{i.inFlight}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          </>
        )}
      />
      <div class="grid-links">
        <a class="tile" href={href('traces')}>
          <strong>Traces</strong>
          <span>recent requests as span waterfalls</span>
        </a>
        <a class="tile" href={href('logs')}>
          <strong>Logs</strong>
          <span>live tail, filtered</span>
        </a>
        <a class="tile" href={href('metrics')}>
          <strong>Metrics</strong>
          <span>rate, errors, latency per route</span>
        </a>
        <a class="tile" href={href('topology')}>
          <strong>Topology</strong>
          <span>the compiled app as a graph</span>
        </a>
      </div>
    </>
  );
}
