// The flow being built: its steps (added from the editor, or loaded from playground/<name>.flow.json),
// run here in the page, and saved to the app with serializeFlow. Each step's result shows its checks.
import type { FlowResult, FlowStep } from '../../playground/index';
import type { PlaygroundFlowFile } from '../../runtime-shim/control/playground/playground-types';
import { Section, StatusBadge } from '../components/ui';
import { CheckList } from './check-list';

export interface FlowPanelProps {
  name: string;
  steps: FlowStep[];
  result?: FlowResult;
  running: boolean;
  message?: { ok: boolean; text: string };
  saved: PlaygroundFlowFile[];
  onName(name: string): void;
  onRun(): void;
  onSave(): void;
  onLoad(name: string): void;
  onEdit(index: number): void;
  onRemove(index: number): void;
}

export function FlowPanel(props: FlowPanelProps) {
  const result = props.result;
  return (
    <Section
      title="Flow"
      class="pg-flow"
      actions={
        <>
          <button data-testid="pg-run-flow" disabled={!props.steps.length || props.running} onClick={props.onRun}>
            Run flow
          </button>
          <button data-testid="pg-save-flow" class="primary" disabled={!props.steps.length || !props.name} onClick={props.onSave}>
            Save
          </button>
        </>
      }
    >
      <label class="pg-field">
        Name <span class="muted small">saved as playground/{props.name || '<name>'}.flow.json</span>
        <input aria-label="Flow name" value={props.name} onInput={(e) => props.onName((e.target as HTMLInputElement).value)} />
      </label>
      {props.message && (
        <div class={`notice ${props.message.ok ? 'ok' : 'error'}`} role="status" data-testid="pg-flow-message">
          {props.message.text}
        </div>
      )}
      {props.steps.length === 0 && <p class="muted small">Add the request in the editor as a step ("Add to flow"), or open a saved flow.</p>}
      <ol class="pg-steps" data-testid="pg-steps">
        {props.steps.map((step, i) => {
          const ran = result?.steps[i];
          return (
            <li key={`${i}-${step.name}`} data-step={step.name} class={ran ? (ran.passed ? 'pass' : 'fail') : ''}>
              <div class="row">
                <strong>{step.name}</strong> <span class="mono small">{step.route}</span>
                {ran && (ran.status !== undefined ? <StatusBadge status={ran.status} /> : <StatusBadge error />)}
                <button class="link" onClick={() => props.onEdit(i)}>
                  edit
                </button>
                <button class="link" onClick={() => props.onRemove(i)}>
                  remove
                </button>
              </div>
              {ran && <CheckList checks={ran.checks} />}
            </li>
          );
        })}
      </ol>
      {props.running && <p class="muted small">Running…</p>}
      {result && !props.running && (
        <p class={result.passed ? 'pg-ok' : 'pg-error'} data-testid="pg-flow-result" data-passed={String(result.passed)}>
          {result.passed ? '✓ every check passed' : '✗ a check failed'} · {result.steps.length} steps in {Math.round(result.durationMs)} ms
        </p>
      )}
      {props.saved.length > 0 && (
        <>
          <h3>Saved flows</h3>
          <ul class="pg-saved" data-testid="pg-saved-flows">
            {props.saved.map((flow) => (
              <li key={flow.name}>
                <button class="link" data-flow={flow.name} onClick={() => props.onLoad(flow.name)}>
                  {flow.name}
                </button>{' '}
                <span class="muted small">{flow.file}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
