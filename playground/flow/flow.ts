// A flow: an ordered list of requests with their scripts, saved as `playground/<name>.flow.json`
// in the app. Plain JSON, written with a stable key order (serialize-flow.ts) so that a saved flow
// diffs line by line.
import type { Json } from '../sandbox/script-api.js';

/** The folder of an app that holds its flows, and the suffix of a flow file. */
export const FLOW_DIR = 'playground';
export const FLOW_SUFFIX = '.flow.json';

/** A script as saved: one string, or its lines (what the writer uses for readable diffs). */
export type ScriptSource = string | string[];

export interface FlowStep {
  name: string;
  /** The route's key: method and path template, e.g. `POST /payments/:id/capture`. */
  route: string;
  /** Values of the path's `:name` (and `*`) segments. */
  params?: Record<string, string | number | boolean>;
  query?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  headers?: Record<string, string>;
  /** The JSON body. `{{var}}` is replaced in its strings; a string that is exactly `{{var}}` takes the variable's value (a number stays a number). */
  body?: Json;
  /** Runs before the request is sent: may edit `gati.request`. */
  pre?: ScriptSource;
  /** Runs after the response: `gati.test`, `gati.expect`, `gati.env.set`. */
  post?: ScriptSource;
}

export interface Flow {
  description?: string;
  /** The flow's starting variables (`gati.env`); steps add to them with `gati.env.set`. */
  variables?: Record<string, Json>;
  steps: FlowStep[];
}

/** The text of a saved script. */
export const scriptText = (source: ScriptSource | undefined): string => (Array.isArray(source) ? source.join('\n') : source ?? '');

/** A flow's name from its file name (`checkout.flow.json` → `checkout`). */
export const flowName = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.flow\.json$/, '');
