// Scaling: replicas and autoscaling bounds per component and environment; an edit is previewed as a
// ChangePlan (the diff and the command) and applied on confirm.
import { useState } from 'preact/hooks';
import type { ScalingInfo } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { usePlan } from '../use-plan';
import { Empty, Loading, PageHeader, Section } from '../components/ui';
import { ChangePlanView } from '../components/change-plan';

type Component = ScalingInfo['components'][number];
type Edit = { replicas: string; min: string; max: string };

const keyOf = (c: Component) => `${c.env}/${c.name}`;
const text = (n: number | undefined) => (n === undefined ? '' : String(n));

export function ScalingPage() {
  const loaded = useApi<ScalingInfo>(API_PATHS.scaling);
  const plan = usePlan(API_PATHS.scaling, loaded.reload);
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const edit = (c: Component, field: keyof Edit, value: string) => {
    const old = edits[keyOf(c)] ?? { replicas: text(c.replicas), min: text(c.min), max: text(c.max) };
    setEdits({ ...edits, [keyOf(c)]: { ...old, [field]: value } });
  };
  const preview = (c: Component) => {
    const e = edits[keyOf(c)];
    if (!e) return;
    // Only what was changed: a config-sourced component's replicas follow its bounds, say.
    const changes: Record<string, unknown> = { env: c.env, name: c.name };
    for (const field of ['replicas', 'min', 'max'] as const) if (e[field] !== text(c[field]) && e[field] !== '') changes[field] = Number(e[field]);
    plan.preview(changes);
  };
  return (
    <>
      <PageHeader title="Scaling" sub={loaded.data ? `Source: ${loaded.data.source === 'cluster' ? 'the Kubernetes API' : 'gati.config'}` : undefined}>
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      {(plan.plan || plan.error) && (
        <Section title="Change preview">
          {plan.error && (
            <div class="notice error" role="alert">
              {plan.error}
            </div>
          )}
          {plan.plan && (
            <ChangePlanView
              plan={plan.plan}
              busy={plan.busy}
              onApply={plan.apply}
              onCancel={() => {
                plan.cancel();
                if (plan.plan?.applied) setEdits({});
              }}
            />
          )}
        </Section>
      )}
      <Section title="Components">
        <Loading
          loaded={loaded}
          what="scaling"
          render={(info) =>
            info.components.length ? (
              <table class="table" data-testid="scaling">
                <thead>
                  <tr>
                    <th>Environment</th>
                    <th>Component</th>
                    <th class="num">Replicas</th>
                    <th class="num">Min</th>
                    <th class="num">Max</th>
                    <th class="num">CPU target</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {info.components.map((c) => {
                    const e = edits[keyOf(c)];
                    const changed = e && (e.replicas !== text(c.replicas) || e.min !== text(c.min) || e.max !== text(c.max));
                    return (
                      <tr key={keyOf(c)} class={changed ? 'focus' : undefined}>
                        <td>{c.env}</td>
                        <td>
                          <strong>{c.name}</strong>
                        </td>
                        {(['replicas', 'min', 'max'] as const).map((field) => (
                          <td key={field} class="num">
                            <input
                              type="number"
                              min="0"
                              class="short num"
                              aria-label={`${c.env} ${c.name} ${field}`}
                              value={e ? e[field] : text(c[field])}
                              onInput={(ev) => edit(c, field, ev.currentTarget.value)}
                            />
                          </td>
                        ))}
                        <td class="num">{c.targetCpuPercent !== undefined ? `${c.targetCpuPercent}%` : '—'}</td>
                        <td>
                          <button onClick={() => preview(c)} disabled={!changed || plan.busy}>
                            Preview…
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : (
              <Empty>No deploy environment is configured (`deploy` in gati.config).</Empty>
            )
          }
        />
      </Section>
    </>
  );
}
