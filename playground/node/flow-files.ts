// The flows of an app on disk: `playground/<name>.flow.json`, read and checked, or written in the
// stable form. CLI only (node:fs); the browser gets flows through the control panel's API.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FLOW_DIR, FLOW_SUFFIX, type Flow } from '../flow/flow.js';
import { serializeFlow } from '../flow/serialize-flow.js';
import { parseFlow, type FlowRead } from '../flow/validate-flow.js';

/** The path of a flow file in an app. */
export const flowPath = (root: string, name: string): string => join(root, FLOW_DIR, `${name}${FLOW_SUFFIX}`);

/** The names of the app's flows, sorted. */
export function listFlows(root: string): string[] {
  const dir = join(root, FLOW_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(FLOW_SUFFIX))
    .map((file) => file.slice(0, -FLOW_SUFFIX.length))
    .sort();
}

/** A flow file, parsed and checked; problems name the file relative to the app. */
export function readFlow(root: string, name: string): FlowRead {
  const path = flowPath(root, name);
  const file = relative(root, path);
  if (!existsSync(path)) return { problems: [{ file, pointer: '', message: `no such flow (the app's flows: ${listFlows(root).join(', ') || 'none'})` }] };
  return parseFlow(readFileSync(path, 'utf8'), file);
}

export function writeFlow(root: string, name: string, flow: Flow): string {
  const path = flowPath(root, name);
  mkdirSync(join(root, FLOW_DIR), { recursive: true });
  writeFileSync(path, serializeFlow(flow));
  return path;
}
