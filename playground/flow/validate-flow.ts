// Reads a flow file: JSON, then its shape, each problem named by the file and a JSON pointer
// (`checkout.flow.json: /steps/1/route: ...`). Every problem of the file is collected, not only the
// first. Unknown keys are problems too: a misspelled `psot` must not silently skip a script.
import { METHODS, parseRouteKey } from './route-key.js';
import type { Flow } from './flow.js';

export interface FlowProblem {
  file: string;
  /** JSON pointer to the value at fault ('' for the whole file). */
  pointer: string;
  message: string;
}

export const formatProblem = (p: FlowProblem): string => `${p.file}: ${p.pointer || '/'}: ${p.message}`;

export type FlowRead = { flow: Flow; problems?: undefined } | { flow?: undefined; problems: FlowProblem[] };

const FLOW_KEYS = ['description', 'variables', 'steps'];
const STEP_KEYS = ['name', 'route', 'params', 'query', 'headers', 'body', 'pre', 'post'];

/** Parses and checks a flow file's text. */
export function parseFlow(text: string, file: string): FlowRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [{ file, pointer: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validateFlow(value, file);
}

/** Checks a parsed flow. */
export function validateFlow(value: unknown, file: string): FlowRead {
  const problems: FlowProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ file, pointer, message });
  if (!isObject(value)) {
    problem('', `a flow is an object with "steps", got ${kind(value)}`);
    return { problems };
  }
  unknownKeys(value, FLOW_KEYS, '', problem);
  if (value.description !== undefined && typeof value.description !== 'string') problem('/description', `must be a string, got ${kind(value.description)}`);
  if (value.variables !== undefined && !isObject(value.variables)) problem('/variables', `must be an object of variables, got ${kind(value.variables)}`);
  if (!Array.isArray(value.steps) || value.steps.length === 0) problem('/steps', `must be a non-empty array of steps, got ${kind(value.steps)}`);
  else {
    const names = new Set<string>();
    value.steps.forEach((step, i) => checkStep(step, `/steps/${i}`, names, problem));
  }
  return problems.length ? { problems } : { flow: value as unknown as Flow };
}

function checkStep(step: unknown, at: string, names: Set<string>, problem: (pointer: string, message: string) => void): void {
  if (!isObject(step)) return void problem(at, `a step is an object with "name" and "route", got ${kind(step)}`);
  unknownKeys(step, STEP_KEYS, at, problem);
  if (typeof step.name !== 'string' || !step.name.trim()) problem(`${at}/name`, `must be a non-empty string, got ${kind(step.name)}`);
  else if (names.has(step.name)) problem(`${at}/name`, `"${step.name}" names an earlier step too: step names are unique in a flow`);
  else names.add(step.name);
  const route = typeof step.route === 'string' ? parseRouteKey(step.route) : null;
  if (!route) problem(`${at}/route`, `must be "METHOD /path" with METHOD one of ${METHODS.join(', ')} (e.g. "POST /payments/:id/capture"), got ${JSON.stringify(step.route) ?? 'nothing'}`);
  const params = step.params;
  if (params !== undefined && !recordOf(params, isScalar)) problem(`${at}/params`, 'must be an object of strings, numbers or booleans');
  if (route) {
    const given = isObject(params) ? Object.keys(params) : [];
    for (const name of route.params) if (!given.includes(name)) problem(`${at}/params`, `the route ${step.route as string} needs "${name}"`);
    for (const name of given) if (!route.params.includes(name)) problem(`${at}/params/${escapePointer(name)}`, `the route ${step.route as string} has no parameter "${name}"${route.params.length ? ` (it has ${route.params.join(', ')})` : ''}`);
  }
  if (step.query !== undefined && !recordOf(step.query, (v) => isScalar(v) || (Array.isArray(v) && v.every(isScalar)))) problem(`${at}/query`, 'must be an object of strings, numbers, booleans or arrays of them');
  if (step.headers !== undefined && !recordOf(step.headers, (v) => typeof v === 'string')) problem(`${at}/headers`, 'must be an object of strings');
  for (const name of ['pre', 'post'] as const) {
    const script = step[name];
    if (script !== undefined && typeof script !== 'string' && !(Array.isArray(script) && script.every((line) => typeof line === 'string'))) problem(`${at}/${name}`, `must be the script's text, or an array of its lines, got ${kind(script)}`);
  }
}

function unknownKeys(value: Record<string, unknown>, known: string[], at: string, problem: (pointer: string, message: string) => void): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) problem(`${at}/${escapePointer(key)}`, `unknown key "${key}" (expected ${known.join(', ')})`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const recordOf = (v: unknown, check: (item: unknown) => boolean) => isObject(v) && Object.values(v).every(check);
const kind = (v: unknown) => (v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`);
const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
