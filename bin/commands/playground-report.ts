// The reports of `gati playground run`: a human one (a line per step and per check, as they end)
// and JUnit XML for CI (a testsuite per flow, a testcase per check).
import type { Style } from '../../compiler/diagnostics/format.js';
import type { CheckResult, FlowResult, StepResult } from '../../playground/flow/flow-result.js';

const SOURCES: Record<CheckResult['source'], string> = { pre: 'pre-request script', post: 'post-response script', type: 'type check', request: 'request' };

export function stepLines(step: StepResult, style: Style): string[] {
  const mark = step.passed ? style.green('✓') : style.red('✗');
  const answer = step.status === undefined ? style.red('no response') : `${step.status} ${style.gray(`${Math.round(step.timeMs ?? 0)} ms`)}`;
  return [`  ${mark} ${style.bold(step.name)}  ${style.gray(step.route)} → ${answer}`, ...step.checks.map((check) => `      ${checkLine(check, style)}`)];
}

function checkLine(check: CheckResult, style: Style): string {
  if (check.passed) return `${style.green('✓')} ${check.name}`;
  const where = check.line !== undefined ? `${SOURCES[check.source]}, line ${check.line}` : SOURCES[check.source];
  return `${style.red('✗')} ${check.name}: ${check.error ?? 'failed'} ${style.gray(`(${where})`)}`;
}

export function summaryLine(results: FlowResult[], style: Style): string {
  const steps = results.flatMap((r) => r.steps);
  const checks = steps.flatMap((s) => s.checks);
  const failedSteps = steps.filter((s) => !s.passed).length;
  const failedChecks = checks.filter((c) => !c.passed).length;
  const ms = results.reduce((sum, r) => sum + r.durationMs, 0);
  const text = `${results.length} flow${results.length === 1 ? '' : 's'}, ${steps.length} steps (${failedSteps} failed), ${checks.length} checks (${failedChecks} failed) in ${Math.round(ms)} ms`;
  return failedSteps ? style.red(text) : style.green(text);
}

/** JUnit XML: one testsuite per flow, one testcase per check (a step without checks is one testcase). */
export function junitReport(results: FlowResult[]): string {
  const suites = results.map((flow) => {
    const cases = flow.steps.flatMap((step) => {
      const classname = `${flow.name}.${step.name}`;
      const time = ((step.timeMs ?? 0) / 1000).toFixed(3);
      if (!step.checks.length) return [`    <testcase classname="${xml(classname)}" name="${xml(step.name)}" time="${time}"/>`];
      return step.checks.map((check) => {
        const open = `    <testcase classname="${xml(classname)}" name="${xml(check.name)}" time="${time}"`;
        if (check.passed) return `${open}/>`;
        const where = check.line !== undefined ? `${SOURCES[check.source]}, line ${check.line}` : SOURCES[check.source];
        return `${open}>\n      <failure message="${xml(check.error ?? 'failed')}" type="${check.source}">${xml(`${step.route}: ${check.error ?? 'failed'} (${where})`)}</failure>\n    </testcase>`;
      });
    });
    const tests = cases.length;
    const failures = flow.steps.flatMap((s) => s.checks).filter((c) => !c.passed).length;
    return `  <testsuite name="${xml(flow.name)}" tests="${tests}" failures="${failures}" errors="0" time="${(flow.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = results.reduce((n, r) => n + r.steps.reduce((m, s) => m + Math.max(1, s.checks.length), 0), 0);
  const failures = results.flatMap((r) => r.steps.flatMap((s) => s.checks)).filter((c) => !c.passed).length;
  const time = (results.reduce((sum, r) => sum + r.durationMs, 0) / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gati playground" tests="${tests}" failures="${failures}" errors="0" time="${time}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Text for an XML attribute or element (control characters XML 1.0 forbids are dropped). */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
