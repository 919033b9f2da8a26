// Modules: each module of the serving process (kind, where its instance comes from, state, circuit,
// calls and errors) and a hot swap to another source, confirmed first (POST …/modules/:name/swap:
// the new instance is started and health-checked before it takes calls; a source that does not come
// up changes nothing and the error says why).
import { useEffect, useState } from 'preact/hooks';
import type { List, ModuleStatus, SwapResult } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { ApiError, postJson } from '../api';
import { useApi } from '../use-api';
import { href, navigate } from '../router';
import { Badge, Empty, Loading, PageHeader, Section } from '../components/ui';
import type { PageProps } from './page';

/** The counts move with traffic: read again this often while the page is open. */
const REFRESH_MS = 5_000;

const CIRCUIT_TONE = { closed: 'ok', 'half-open': 'warn', open: 'error' } as const;

export function ModulesPage({ where }: PageProps) {
  const selected = where.query.get('module') ?? '';
  const loaded = useApi<List<ModuleStatus>>(API_PATHS.modules);
  const { reload } = loaded;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const module = loaded.data?.items.find((m) => m.name === selected);
  return (
    <>
      <PageHeader title="Modules" sub="In-process, npm, HTTP, container and swapped-in instances of gctx.modules">
        <button onClick={reload}>Refresh</button>
      </PageHeader>
      <Section title="Modules">
        <Loading
          loaded={loaded}
          what="modules"
          render={(list) => (list.items.length ? <ModuleTable modules={list.items} selected={selected} /> : <Empty>This app has no module.</Empty>)}
        />
      </Section>
      {module && <SwapForm key={module.name} module={module} onSwapped={reload} />}
    </>
  );
}

function ModuleTable({ modules, selected }: { modules: ModuleStatus[]; selected: string }) {
  return (
    <table class="table hover" data-testid="modules">
      <thead>
        <tr>
          <th>Module</th>
          <th>Kind</th>
          <th>Source</th>
          <th>State</th>
          <th>Circuit</th>
          <th class="num">Calls</th>
          <th class="num">Errors</th>
          <th class="num">In flight</th>
          <th class="num">Swaps</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {modules.map((m) => (
          <tr key={m.name} class={m.name === selected ? 'focus' : undefined}>
            <td>
              <strong>{m.name}</strong>
            </td>
            <td>
              <Badge tone="info">{m.kind}</Badge>
            </td>
            <td class="mono dim wrap" data-testid="module-source">
              {m.source}
            </td>
            <td>
              <Badge tone={m.state === 'serving' ? 'ok' : 'warn'}>{m.state}</Badge>
            </td>
            <td>{m.circuit ? <Badge tone={CIRCUIT_TONE[m.circuit]}>{m.circuit}</Badge> : <span class="muted">—</span>}</td>
            <td class="num">{m.calls ?? '—'}</td>
            <td class={`num ${m.errors ? 'text-error' : ''}`}>{m.errors ?? '—'}</td>
            <td class="num">{m.inFlight}</td>
            <td class="num">{m.swaps}</td>
            <td>
              <a class="button" href={href('modules', { module: m.name === selected ? undefined : m.name })}>
                {m.name === selected ? 'Close' : 'Swap…'}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Outcome = { tone: 'ok' | 'error'; text: string };

/** The source, then a confirmation naming what will change, then the swap's result or error. */
function SwapForm({ module, onSwapped }: { module: ModuleStatus; onSwapped: () => void }) {
  const [to, setTo] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const swap = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const result = await postJson<SwapResult>(API_PATHS.swapModule(module.name), { to: to.trim() });
      const failed = result.processes?.filter((p) => !p.ok) ?? [];
      const across = result.processes ? ` in ${result.processes.length - failed.length} of ${result.processes.length} processes` : '';
      const left = failed.map((p) => ` Process ${p.pid} kept its previous instance: ${p.detail ?? 'it failed'}.`).join('');
      setOutcome({ tone: failed.length ? 'error' : 'ok', text: `${result.name} now runs ${result.source} (${result.kind})${across}, swapped in ${Math.round(result.ms)} ms.${left}` });
      setTo('');
      onSwapped();
    } catch (error) {
      setOutcome({ tone: 'error', text: `Swap refused: ${error instanceof ApiError ? error.message : String(error)}` });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <Section title={<>Swap {module.name}</>} actions={<button class="link" aria-label="Close" onClick={() => navigate(href('modules'), true)}>×</button>}>
      <p class="small muted">
        The new instance is started and health-checked first; calls in flight finish on the current one ({module.source}). From the panel: an http(s) URL of a
        running service, <code>npm:&lt;package&gt;</code> or a module file inside the app.
      </p>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          if (to.trim()) setConfirming(true);
        }}
      >
        <label>
          New source
          <input name="to" size={48} value={to} disabled={busy || confirming} placeholder="http://host:port, npm:package or ./file.mjs" onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        {!confirming && (
          <button type="submit" disabled={busy || !to.trim()}>
            Swap…
          </button>
        )}
      </form>
      {confirming && (
        <div class="notice" role="alertdialog" aria-label="Confirm the swap">
          <p>
            Swap <strong>{module.name}</strong> from <code>{module.source}</code> to <code>{to.trim()}</code>?
          </p>
          <div class="row">
            <button class="primary" onClick={swap} disabled={busy}>
              {busy ? 'Swapping…' : 'Confirm swap'}
            </button>
            <button onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {outcome && (
        <div class={`notice ${outcome.tone}`} role="status" data-testid="swap-outcome">
          {outcome.text}
        </div>
      )}
    </Section>
  );
}
