// The response of the last request: status, time, headers, body, and its checks (the body against
// the type the route declares for that status, the scripts' tests and errors).
import type { StepResult } from '../../playground/index';
import { Section, StatusBadge } from '../components/ui';
import { CheckList } from './check-list';

export function ResponseView(props: { step?: StepResult; headers?: Record<string, string>; sending: boolean }) {
  const step = props.step;
  return (
    <Section title="Response" class="pg-response">
      {props.sending && <p class="muted">Sending…</p>}
      {!props.sending && !step && <p class="muted small">Send a request to see its response.</p>}
      {step && (
        <div data-testid="pg-response">
          <div class="row">
            {step.status !== undefined ? <StatusBadge status={step.status} /> : <StatusBadge error />}
            {step.timeMs !== undefined && <span class="muted">{Math.round(step.timeMs)} ms</span>}
            {step.request && <span class="mono small">{step.request.method} {step.request.url}</span>}
          </div>
          <CheckList checks={step.checks} />
          {props.headers && (
            <details>
              <summary>Headers ({Object.keys(props.headers).length})</summary>
              <pre class="pg-pre">{Object.entries(props.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
            </details>
          )}
          {step.body !== undefined && <pre class="pg-pre" data-testid="pg-body">{typeof step.body === 'string' ? step.body : JSON.stringify(step.body, null, 2)}</pre>}
        </div>
      )}
    </Section>
  );
}
