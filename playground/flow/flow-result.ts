// What running a flow gives: per step, the request sent, the response, and its checks (the
// scripts' tests, their errors, and the check of the body against the route's declared type).
import type { Json, ScriptRequest } from '../sandbox/script-api.js';

/** Where a check comes from: a script's gati.test, a script that failed, the response type check, or the request itself. */
export type CheckSource = 'pre' | 'post' | 'type' | 'request';

export interface CheckResult {
  name: string;
  source: CheckSource;
  passed: boolean;
  error?: string;
  /** The line in the step's script. */
  line?: number;
}

export interface StepResult {
  name: string;
  route: string;
  /** The request as sent (after interpolation and the pre-request script). */
  request?: ScriptRequest;
  status?: number;
  timeMs?: number;
  /** The response body (parsed JSON, else text). */
  body?: Json;
  checks: CheckResult[];
  passed: boolean;
}

export interface FlowResult {
  name: string;
  steps: StepResult[];
  passed: boolean;
  /** The variables at the end (flow variables and what the scripts set). */
  env: Record<string, Json>;
  durationMs: number;
}

/**
 * The check of a response body against the route's declared type for its status: `checked` false
 * when nothing is declared to check against (a status the route does not declare, answered with
 * the framework's problem+json); errors empty when the body matches.
 */
export type ResponseCheck = (route: string, status: number, body: Json, contentType: string) => { checked: boolean; errors: string[] };

/** Progress while a flow runs (a reporter prints each step as it ends). */
export type FlowEvent = { type: 'step'; flow: string; step: StepResult } | { type: 'flow'; result: FlowResult };
