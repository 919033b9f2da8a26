// Writes a flow as its file holds it: two-space JSON with a fixed key order (the flow's, each
// step's; variables, params, query and headers sorted by name; a body as written), scripts of more
// than one line as arrays of lines, empty parts left out, and a final newline. The same flow always
// gives the same bytes, and an edit to one script line is a one-line diff.
import type { Json } from '../sandbox/script-api.js';
import { scriptText, type Flow, type FlowStep, type ScriptSource } from './flow.js';

export function serializeFlow(flow: Flow): string {
  const out: Record<string, unknown> = {};
  if (flow.description) out.description = flow.description;
  if (flow.variables && Object.keys(flow.variables).length) out.variables = sorted(flow.variables);
  out.steps = flow.steps.map(serializeStep);
  return `${JSON.stringify(out, null, 2)}\n`;
}

function serializeStep(step: FlowStep): Record<string, unknown> {
  const out: Record<string, unknown> = { name: step.name, route: step.route };
  for (const part of ['params', 'query', 'headers'] as const) {
    const value = step[part];
    if (value && Object.keys(value).length) out[part] = sorted(value);
  }
  if (step.body !== undefined) out.body = step.body;
  for (const part of ['pre', 'post'] as const) {
    const script = lines(step[part]);
    if (script !== undefined) out[part] = script;
  }
  return out;
}

const sorted = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** One line stays a string; more become an array of lines; an empty script is left out. */
function lines(source: ScriptSource | undefined): Json | undefined {
  const text = scriptText(source);
  if (!text.trim()) return undefined;
  const split = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  return split.length === 1 ? split[0]! : split;
}
