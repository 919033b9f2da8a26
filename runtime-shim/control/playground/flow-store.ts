// The app's flows on disk: playground/<name>.flow.json, listed, read and written for the panel's
// playground page. The page validates a flow fully with the engine (playground/flow/validate-flow.ts)
// before it saves; this side checks what protects the disk and the file's use: a plain name (no
// path), a size cap, JSON of a flow's shape, and routes the app has. (runtime-shim cannot import
// the engine: the runtime ships without it.)
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaygroundFlowFile } from './playground-types.js';

export const FLOW_DIR = 'playground';
const SUFFIX = '.flow.json';
/** A file name's stem: letters, digits, '-', '_' and inner dots; nothing that walks a path. */
export const FLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
const MAX_NAME = 64;
export const MAX_FLOW_BYTES = 200 * 1024;
const FLOW_KEYS = new Set(['description', 'variables', 'steps']);
const STEP_KEYS = new Set(['name', 'route', 'params', 'query', 'headers', 'body', 'pre', 'post']);

export function listFlows(root: string): PlaygroundFlowFile[] {
  const dir = join(root, FLOW_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(SUFFIX) && FLOW_NAME.test(file.slice(0, -SUFFIX.length)))
    .sort()
    .map((file) => ({ name: file.slice(0, -SUFFIX.length), file: `${FLOW_DIR}/${file}`, text: readFileSync(join(dir, file), 'utf8') }));
}

export function readFlow(root: string, name: string): PlaygroundFlowFile | undefined {
  if (!validName(name)) return undefined;
  const file = join(root, FLOW_DIR, name + SUFFIX);
  return existsSync(file) ? { name, file: `${FLOW_DIR}/${name}${SUFFIX}`, text: readFileSync(file, 'utf8') } : undefined;
}

export const validName = (name: unknown): name is string => typeof name === 'string' && name.length <= MAX_NAME && FLOW_NAME.test(name);

/** What is wrong with a flow's text (empty: nothing); `routes` are the app's route keys. */
export function flowTextProblems(text: string, routes: ReadonlySet<string>): string[] {
  if (Buffer.byteLength(text) > MAX_FLOW_BYTES) return [`the flow is larger than ${MAX_FLOW_BYTES / 1024} KB`];
  let flow: unknown;
  try {
    flow = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (!isObject(flow)) return ['a flow is a JSON object with "steps"'];
  const problems: string[] = [];
  for (const key of Object.keys(flow)) if (!FLOW_KEYS.has(key)) problems.push(`/${key}: unknown key "${key}"`);
  if (flow.variables !== undefined && !isObject(flow.variables)) problems.push('/variables: an object of values');
  if (!Array.isArray(flow.steps) || flow.steps.length === 0) return [...problems, '/steps: at least one step'];
  const names = new Set<string>();
  flow.steps.forEach((step: unknown, i: number) => {
    const at = `/steps/${i}`;
    if (!isObject(step)) return void problems.push(`${at}: a step is an object`);
    for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) problems.push(`${at}/${key}: unknown key "${key}"`);
    if (typeof step.name !== 'string' || !step.name.trim()) problems.push(`${at}/name: a name is needed`);
    else if (names.has(step.name)) problems.push(`${at}/name: "${step.name}" is the name of an earlier step`);
    else names.add(step.name);
    if (typeof step.route !== 'string') problems.push(`${at}/route: a route key is needed (e.g. "GET /payments")`);
    else if (!routes.has(step.route)) problems.push(`${at}/route: the app has no route ${step.route}`);
    for (const script of ['pre', 'post'] as const) {
      const s = step[script];
      if (s !== undefined && typeof s !== 'string' && !(Array.isArray(s) && s.every((line) => typeof line === 'string'))) problems.push(`${at}/${script}: a script is a string or an array of lines`);
    }
  });
  return problems;
}

/** Writes the flow (a temporary file renamed over the old one: a reader never sees half a flow). */
export function writeFlow(root: string, name: string, text: string): PlaygroundFlowFile {
  const dir = join(root, FLOW_DIR);
  mkdirSync(dir, { recursive: true });
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const file = join(dir, name + SUFFIX);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, file);
  return { name, file: `${FLOW_DIR}/${name}${SUFFIX}`, text: body };
}

const isObject = (value: unknown): value is Record<string, any> => !!value && typeof value === 'object' && !Array.isArray(value);
