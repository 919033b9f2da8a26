// The checks of a step (type check, the scripts' tests, their errors with the line), pass or fail.
import type { CheckResult } from '../../playground/index';

const SOURCE: Record<string, string> = { pre: 'pre-request script', post: 'post-response script', type: 'type check', request: 'request' };

export function CheckList(props: { checks: CheckResult[] }) {
  if (!props.checks.length) return <p class="muted small">No checks.</p>;
  return (
    <ul class="pg-checks">
      {props.checks.map((check, i) => (
        <li key={i} class={check.passed ? 'pass' : 'fail'} data-passed={String(check.passed)}>
          <span aria-hidden="true">{check.passed ? '✓' : '✗'}</span> {check.name}
          {!check.passed && check.error && (
            <span class="pg-error">
              : {check.error}
              {check.line !== undefined && ` (${SOURCE[check.source] ?? check.source}, line ${check.line})`}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
