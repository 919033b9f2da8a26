// A ChangePlan (rollback, scaling, config): the diff and the command, then a confirm step that applies it.
import type { ChangePlan } from '../../runtime-shim/control/api-types';
import { DiffView } from './diff-view';

export function ChangePlanView(props: { plan: ChangePlan; onApply?: () => void; onCancel: () => void; busy?: boolean }) {
  const { plan } = props;
  return (
    <div class="plan" role="region" aria-label="change preview">
      {plan.errors && plan.errors.length > 0 && (
        <ul class="notice error" role="alert">
          {plan.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      {plan.applied ? (
        <div class="notice ok" role="status">
          Applied.{plan.note ? ` ${plan.note}` : ''}
        </div>
      ) : plan.note ? (
        <p class="muted small">{plan.note}</p>
      ) : null}
      <h3>What changes</h3>
      {plan.diff ? <DiffView diff={plan.diff} /> : <p class="muted">Nothing changes.</p>}
      <h3>The same by hand</h3>
      <pre class="command">
        <code>{plan.command}</code>
      </pre>
      <div class="row">
        {!plan.applied && !plan.manual && props.onApply && !(plan.errors && plan.errors.length) && (
          <button class="primary" onClick={props.onApply} disabled={props.busy}>
            {props.busy ? 'Applying…' : 'Confirm and apply'}
          </button>
        )}
        <button onClick={props.onCancel}>{plan.applied ? 'Close' : 'Cancel'}</button>
      </div>
    </div>
  );
}
