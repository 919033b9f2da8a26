// Deployments: the history per environment, and a rollback to any earlier one: the ChangePlan (the
// diff and the exact command) is shown first, applied only on confirm.
import type { DeploymentsInfo } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { usePlan } from '../use-plan';
import { Badge, Empty, Loading, PageHeader, Section } from '../components/ui';
import { ChangePlanView } from '../components/change-plan';
import { dateTime } from '../format';

export function DeploymentsPage() {
  const loaded = useApi<DeploymentsInfo>(API_PATHS.deployments);
  const plan = usePlan(API_PATHS.rollback, loaded.reload);
  return (
    <>
      <PageHeader title="Deployments" sub={loaded.data ? `Source: ${loaded.data.source === 'cluster' ? 'the Kubernetes API' : '.gati/deployments'}` : undefined}>
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      {(plan.plan || plan.error) && (
        <Section title="Rollback">
          {plan.error && (
            <div class="notice error" role="alert">
              {plan.error}
            </div>
          )}
          {plan.plan && <ChangePlanView plan={plan.plan} busy={plan.busy} onApply={plan.apply} onCancel={plan.cancel} />}
        </Section>
      )}
      <Section title="History">
        <Loading
          loaded={loaded}
          what="deployments"
          render={(info) =>
            info.history.length ? (
              <table class="table" data-testid="deployments">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Environment</th>
                    <th>Version</th>
                    <th>Image</th>
                    <th>Status</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {[...info.history]
                    .sort((a, b) => b.at - a.at)
                    .map((d) => (
                      <tr key={d.id} class={d.current ? 'focus' : undefined}>
                        <td class="nowrap">{dateTime(d.at)}</td>
                        <td>{d.env}</td>
                        <td>
                          <strong>{d.version}</strong>
                        </td>
                        <td class="mono dim">{d.image ?? '—'}</td>
                        <td>
                          {d.current ? <Badge tone="ok">current</Badge> : <Badge tone={d.status === 'failed' ? 'error' : 'muted'}>{d.status}</Badge>}
                        </td>
                        <td>
                          {!d.current && (
                            <button onClick={() => plan.preview({ env: d.env, to: d.id })} disabled={plan.busy}>
                              Roll back to this…
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            ) : (
              <Empty>No deployment recorded yet: `gati deploy` records each one.</Empty>
            )
          }
        />
      </Section>
    </>
  );
}
