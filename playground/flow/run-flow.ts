// Runs a flow: for each step in order, build the request from the variables, run the pre-request
// script (which may edit it), send it with fetch, check the body against the route's declared type,
// run the post-response script (its tests, its gati.env.set for the next steps). A failing step
// does not stop the flow: every step is reported. Runs in Node and in the browser alike.
import { loadSandbox, type Sandbox } from '../sandbox/run-script.js';
import type { Json, ScriptLimits, ScriptRequest, ScriptResponse, ScriptResult } from '../sandbox/script-api.js';
import { buildRequest } from './build-request.js';
import { scriptText, type Flow, type FlowStep } from './flow.js';
import type { CheckResult, FlowEvent, FlowResult, ResponseCheck, StepResult } from './flow-result.js';

export interface RunFlowOptions {
  /** Where the app listens, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Variables that override the flow's own. */
  variables?: Record<string, Json>;
  /** The type check of each response (the CLI's reads dist/validators). */
  checkResponse?: ResponseCheck;
  sandbox?: Sandbox;
  fetch?: typeof fetch;
  limits?: Partial<ScriptLimits>;
  onEvent?: (event: FlowEvent) => void;
}

const SCRIPT_NAMES: Record<'pre' | 'post', string> = { pre: 'pre-request script', post: 'post-response script' };

export async function runFlow(flow: Flow, name: string, options: RunFlowOptions): Promise<FlowResult> {
  const started = performance.now();
  const sandbox = options.sandbox ?? (await loadSandbox());
  let env: Record<string, Json> = { ...flow.variables, ...options.variables };
  const steps: StepResult[] = [];
  for (const step of flow.steps) {
    const { result, env: after } = await runStep(step, env, sandbox, options);
    env = after;
    steps.push(result);
    options.onEvent?.({ type: 'step', flow: name, step: result });
  }
  const result: FlowResult = { name, steps, passed: steps.every((s) => s.passed), env, durationMs: performance.now() - started };
  options.onEvent?.({ type: 'flow', result });
  return result;
}

async function runStep(step: FlowStep, envBefore: Record<string, Json>, sandbox: Sandbox, options: RunFlowOptions): Promise<{ result: StepResult; env: Record<string, Json> }> {
  let env = envBefore;
  const checks: CheckResult[] = [];
  const done = (extra: Partial<StepResult> = {}) => ({ result: { name: step.name, route: step.route, ...extra, checks, passed: checks.every((c) => c.passed) }, env });
  let request: ScriptRequest;
  try {
    request = buildRequest(step, env, options.baseUrl);
  } catch (error) {
    checks.push({ name: 'request', source: 'request', passed: false, error: (error as Error).message });
    return done();
  }
  const pre = scriptText(step.pre);
  if (pre.trim()) {
    const ran = sandbox.runScript(pre, { request, env }, options.limits);
    addScriptChecks(checks, 'pre', ran);
    env = ran.env;
    if (ran.error) return done({ request });
    request = ran.request;
  }
  let response: ScriptResponse;
  try {
    response = await send(request, options.fetch ?? fetch);
  } catch (error) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    const hint = cause?.code === 'ECONNREFUSED' ? `: nothing listens at ${options.baseUrl} (start the app, or give the URL it listens on)` : cause?.message ? ` (${cause.message})` : '';
    checks.push({ name: 'request', source: 'request', passed: false, error: `${request.method} ${request.url} failed${hint || `: ${(error as Error).message}`}` });
    return done({ request });
  }
  const answered = { request, status: response.status, timeMs: response.timeMs, body: response.body };
  if (options.checkResponse) {
    const check = options.checkResponse(step.route, response.status, response.body, response.headers['content-type'] ?? '');
    if (check.checked) checks.push({ name: `the ${response.status} body matches the declared type`, source: 'type', passed: check.errors.length === 0, ...(check.errors.length ? { error: check.errors.join('; ') } : {}) });
  }
  const post = scriptText(step.post);
  if (post.trim()) {
    const ran = sandbox.runScript(post, { request, response, env }, options.limits);
    addScriptChecks(checks, 'post', ran);
    env = ran.env;
  }
  return done(answered);
}

function addScriptChecks(checks: CheckResult[], source: 'pre' | 'post', ran: ScriptResult): void {
  for (const test of ran.tests) checks.push({ ...test, source });
  if (ran.error) checks.push({ name: SCRIPT_NAMES[source], source, passed: false, error: ran.error.message, ...(ran.error.line !== undefined ? { line: ran.error.line } : {}) });
}

/** Sends the request and reads the whole response (JSON parsed when it says it is JSON). */
async function send(request: ScriptRequest, fetchFn: typeof fetch): Promise<ScriptResponse> {
  const contentType = request.headers['content-type'] ?? '';
  const body = request.body === undefined ? undefined : typeof request.body === 'string' && !/json/i.test(contentType) ? request.body : JSON.stringify(request.body);
  const started = performance.now();
  const response = await fetchFn(request.url, { method: request.method, headers: request.headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const timeMs = performance.now() - started;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return { status: response.status, headers, body: parseBody(text, headers['content-type'] ?? ''), timeMs };
}

function parseBody(text: string, contentType: string): Json {
  if (!text) return null;
  if (!/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
