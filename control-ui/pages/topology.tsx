// Topology: the compiled app as a graph (routes by folder → middleware → handlers → modules → effects
// → queue) beside each environment's regions and components. Selecting a node (click, or Enter on a
// focused one) highlights its edges; a route shows its metrics, recent traces and versions.
import { useMemo, useState } from 'preact/hooks';
import type { List, MetricsSummary, Topology, TopologyNode, TraceSummary } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { href } from '../router';
import { Badge, Empty, Loading, PageHeader, RouteKey, Section, StatusBadge } from '../components/ui';
import { clock, ms, percent, rate } from '../format';
import { edgeKey, edgePath, layoutTopology } from './topology-layout';

export function TopologyPage() {
  const loaded = useApi<Topology>(API_PATHS.topology);
  const [selected, setSelected] = useState<string | undefined>();
  return (
    <>
      <PageHeader title="Topology" sub="The compiled app, and where each environment runs it" />
      <Loading
        loaded={loaded}
        what="the topology"
        render={(topology) => (
          <div class="topology">
            <Section class="graph-card">
              {topology.nodes.length ? <Graph topology={topology} selected={selected} onSelect={setSelected} /> : <Empty>No route yet.</Empty>}
            </Section>
            <aside class="side">
              {selected && <NodeDetail node={topology.nodes.find((n) => n.id === selected)} topology={topology} onClose={() => setSelected(undefined)} />}
              <Environments topology={topology} />
            </aside>
          </div>
        )}
      />
    </>
  );
}

function Graph({ topology, selected, onSelect }: { topology: Topology; selected: string | undefined; onSelect: (id: string | undefined) => void }) {
  const placed = useMemo(() => layoutTopology(topology), [topology]);
  const linked = useMemo(() => {
    const set = new Set<string>();
    if (!selected) return set;
    const byId = new Map(topology.nodes.map((n) => [n.id, n]));
    // A route's (or handler's) own path: a shared middleware leads to every handler of its folder,
    // so other routes' routes and handlers are left out of the walk.
    const own = byId.get(selected)?.route;
    const onPath = (id: string) => {
      const node = byId.get(id);
      return !own || !node?.route || node.route === own;
    };
    // Everything reachable downstream of the selection, and what leads to it upstream.
    const walk = (id: string, forward: boolean) => {
      for (const e of topology.edges) {
        const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
        if (a === id && !set.has(b) && e.kind !== 'contains' && onPath(b)) {
          set.add(b);
          walk(b, forward);
        }
      }
    };
    set.add(selected);
    walk(selected, true);
    walk(selected, false);
    return set;
  }, [topology, selected]);
  const drawn = topology.edges.filter((e) => e.kind !== 'contains' && placed.nodes.has(e.from) && placed.nodes.has(e.to));
  return (
    <div class="graph-scroll">
      <svg class="graph" width={placed.width} height={placed.height} viewBox={`0 0 ${placed.width} ${placed.height}`} role="group" aria-label="App topology" data-testid="topology">
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0,0 L8,4 L0,8 z" class="arrowhead" />
          </marker>
        </defs>
        {placed.columns.map((c) => (
          <text key={c.label} x={c.x} y={16} class="col-label">
            {c.label}
          </text>
        ))}
        {placed.groups.map((g) => (
          <g key={g.id} class="group">
            <rect x={g.box.x} y={g.box.y} width={g.box.width} height={g.box.height} rx={8} />
            <text x={g.box.x + 8} y={g.box.y + 15}>
              {g.label}
            </text>
          </g>
        ))}
        {drawn.map((e) => (
          <path
            key={edgeKey(e)}
            d={placed.paths.get(edgeKey(e)) ?? edgePath(placed.nodes.get(e.from)!, placed.nodes.get(e.to)!)}
            class={`edge e-${e.kind} ${selected ? (linked.has(e.from) && linked.has(e.to) ? 'hot' : 'cold') : ''}`}
            marker-end="url(#arrow)"
          />
        ))}
        {topology.nodes.map((n) => {
          const box = placed.nodes.get(n.id);
          if (!box) return null;
          const state = selected ? (n.id === selected ? 'selected' : linked.has(n.id) ? 'hot' : 'cold') : '';
          const toggle = () => onSelect(n.id === selected ? undefined : n.id);
          return (
            <g
              key={n.id}
              class={`node n-${n.kind} ${state}`}
              transform={`translate(${box.x},${box.y})`}
              tabIndex={0}
              role="button"
              aria-pressed={n.id === selected}
              aria-label={`${n.kind} ${n.label}`}
              data-node={n.id}
              onClick={toggle}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggle())}
            >
              <rect width={box.width} height={box.height} rx={6} />
              <text x={10} y={box.height / 2 + 4}>
                {n.kind === 'route' && n.route && !placed.precomputed ? n.route : n.label}
              </text>
              {n.variant && n.kind !== 'route' && !placed.precomputed && (
                <text x={box.width - 8} y={box.height / 2 + 4} class="variant">
                  {n.variant}
                </text>
              )}
              <title>{[n.label, n.variant, n.file].filter(Boolean).join(' · ')}</title>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function NodeDetail({ node, topology, onClose }: { node: TopologyNode | undefined; topology: Topology; onClose: () => void }) {
  if (!node) return null;
  const out = topology.edges.filter((e) => e.from === node.id && e.kind !== 'contains');
  const into = topology.edges.filter((e) => e.to === node.id && e.kind !== 'contains');
  const label = (id: string) => topology.nodes.find((n) => n.id === id)?.label ?? id;
  return (
    <Section title={<>{node.kind === 'route' && node.route ? <RouteKey route={node.route} /> : node.label}</>} actions={<button class="link" aria-label="Close" onClick={onClose}>×</button>} class="detail">
      <p>
        <Badge tone="info">{node.kind}</Badge> {node.variant && <Badge>{node.variant}</Badge>} {node.file && <code class="dim">{node.file}</code>}
      </p>
      {into.length > 0 && <p class="small">From: {into.map((e) => `${label(e.from)} (${e.kind})`).join(', ')}</p>}
      {out.length > 0 && <p class="small">To: {out.map((e) => `${label(e.to)} (${e.kind})`).join(', ')}</p>}
      {node.kind === 'route' && node.route && <RouteLive route={node.route} />}
      {node.kind === 'module' && (
        <p>
          <a class="button" href={href('modules', { module: node.id.slice('module:'.length) })}>
            Module status and swap
          </a>
        </p>
      )}
    </Section>
  );
}

function RouteLive({ route }: { route: string }) {
  const metrics = useApi<MetricsSummary>(API_PATHS.metrics);
  const traces = useApi<List<TraceSummary>>(API_PATHS.traces({ route, limit: 5 }));
  const m = metrics.data?.routes.find((r) => `${r.method} ${r.route}` === route);
  return (
    <>
      <h3>Metrics</h3>
      <Loading
        loaded={metrics}
        what="metrics"
        render={() =>
          m ? (
            <p class="small">
              {rate(m.rate)} · {percent(m.errorRate)} errors · p50 {ms(m.p50Ms)} · p95 {ms(m.p95Ms)} · p99 {ms(m.p99Ms)}
            </p>
          ) : (
            <p class="muted small">No request in the last {metrics.data?.windowS ?? 60} s.</p>
          )
        }
      />
      <h3>Recent traces</h3>
      <Loading
        loaded={traces}
        what="traces"
        render={(list) =>
          list.items.length ? (
            <ul class="mini-list">
              {list.items.map((t) => (
                <li key={t.traceId}>
                  <a class="mono" href={href(`traces/${t.traceId}`)}>
                    {clock(t.start)}
                  </a>
                  <StatusBadge status={t.status} error={t.error} />
                  <span class="num">{ms(t.durationMs)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted small">None yet.</p>
          )
        }
      />
      <p class="row">
        <a class="button" href={href('metrics', { route })}>
          Metrics
        </a>
        <a class="button" href={href('traces', { route })}>
          Traces
        </a>
        <a class="button" href={href('logs', { route: route.slice(route.indexOf(' ') + 1) })}>
          Logs
        </a>
        <a class="button" href={href('versions', { route })}>
          Versions
        </a>
      </p>
    </>
  );
}

function Environments({ topology }: { topology: Topology }) {
  if (!topology.environments.length) return <Section title="Environments"><p class="muted small">No deploy environment in gati.config.</p></Section>;
  return (
    <>
      {topology.environments.map((env) => (
        <Section key={env.name} title={<>{env.name} <Badge>{env.provider}</Badge></>} class="env">
          {env.regions.length > 0 && (
            <p class="small">
              Regions:{' '}
              {env.regions.map((r) => (
                <Badge key={r} tone="info">
                  {r}
                </Badge>
              ))}
            </p>
          )}
          <table class="table compact">
            <thead>
              <tr>
                <th>Component</th>
                <th>Kind</th>
                <th class="num">Replicas</th>
                <th class="num">Min–max</th>
              </tr>
            </thead>
            <tbody>
              {env.components.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td>{c.kind}</td>
                  <td class="num">{c.replicas}</td>
                  <td class="num">{c.min !== undefined || c.max !== undefined ? `${c.min ?? '–'}–${c.max ?? '–'}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ))}
      <p class="small">
        <a href={href('scaling')}>Change scaling</a> · <a href={href('deployments')}>Deployments</a>
      </p>
    </>
  );
}
