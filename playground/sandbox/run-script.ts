// Runs one pre-request or post-response script in a fresh QuickJS runtime: its own 16 MB heap, a
// 100 ms deadline checked by QuickJS's interrupt handler, and only `gati` (prelude.ts) in scope.
// Whatever the script does (throws, loops, allocates, breaks the sandbox) comes back as a result
// with the line: runScript never throws.
import { type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import { PRELUDE, SCRIPT_FILE } from './prelude.js';
import { dropQuickJS, quickJS, type QuickJSOptions } from './quickjs.js';
import { DEFAULT_LIMITS, type Json, type ScriptApi, type ScriptError, type ScriptLimits, type ScriptRequest, type ScriptResult, type TestResult } from './script-api.js';

/** QuickJS's own C stack budget: deep recursion is a RangeError well before the WebAssembly stack ends. */
const STACK_BYTES = 512 * 1024;
/** The host reads the results back after the deadline; a hostile toJSON gets this much more. */
const COLLECT_MS = 20;
/**
 * How often the heap is measured while a script runs. QuickJS's own limit (setMemoryLimit) refuses
 * one allocation bigger than the limit, but in this WebAssembly build it cannot see the size of the
 * allocations it has made (no malloc_usable_size), so many small ones would add up past it
 * unnoticed: the interrupt handler measures the heap by walking it (JS_ComputeMemoryUsage) instead.
 */
const MEMORY_CHECK_MS = 2;
/** However the CPU clock reads, a run never holds its caller longer than this (wall time). */
const WALL_CAP_MS = 5000;

/**
 * The clock of the 100 ms budget: CPU time where the host has one (Node's process.cpuUsage), so a
 * busy machine that keeps the process waiting does not stop a script that has not run its 100 ms;
 * wall time in the browser.
 */
const host = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
const cpuMs: () => number = typeof host?.cpuUsage === 'function'
  ? () => {
      const used = host.cpuUsage!();
      return (used.user + used.system) / 1000;
    }
  : () => performance.now();

export interface Sandbox {
  runScript(source: string, api: ScriptApi, limits?: Partial<ScriptLimits>): ScriptResult;
}

/** A sandbox on the shared QuickJS module (loaded on the first call). */
export async function loadSandbox(options: QuickJSOptions = {}): Promise<Sandbox> {
  const module = await quickJS(options);
  if (!warmed.has(module)) {
    // The first run of a module pays for compiling QuickJS's hot WebAssembly paths: pay it here,
    // not in the first script's 100 ms.
    warmed.add(module);
    runIn(module, "gati.test('warm', () => gati.expect([1]).toEqual([1]));", { request: { method: 'GET', url: '/', headers: {} }, env: {} }, DEFAULT_LIMITS);
  }
  return { runScript: (source, api, limits) => runIn(module, source, api, { ...DEFAULT_LIMITS, ...limits }) };
}

const warmed = new WeakSet<QuickJSWASMModule>();

/** One run on the shared sandbox; only a failure to load QuickJS itself comes back as a `sandbox` error. */
export async function runScript(source: string, api: ScriptApi, limits?: Partial<ScriptLimits>): Promise<ScriptResult> {
  const started = performance.now();
  let sandbox: Sandbox;
  try {
    sandbox = await loadSandbox();
  } catch (error) {
    return failed(api, { kind: 'sandbox', message: `QuickJS did not load: ${(error as Error).message}` }, started);
  }
  return sandbox.runScript(source, api, limits);
}

function runIn(module: QuickJSWASMModule, source: string, api: ScriptApi, limits: ScriptLimits): ScriptResult {
  const started = performance.now();
  let runtime: QuickJSRuntime | undefined;
  let context: QuickJSContext | undefined;
  const handles: QuickJSHandle[] = [];
  try {
    runtime = module.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(STACK_BYTES);
    context = runtime.newContext();
    const ctx = context;
    const watch = memoryWatch(runtime, ctx, limits.memoryBytes);
    const deadline = cpuMs() + limits.timeMs;
    const wallCap = Date.now() + Math.max(WALL_CAP_MS, limits.timeMs);
    runtime.setInterruptHandler(() => cpuMs() > deadline || Date.now() > wallCap || watch.exceeded());
    const keep = (handle: QuickJSHandle) => (handles.push(handle), handle);
    const prelude = ctx.evalCode(PRELUDE, 'gati-prelude.js');
    const classify = (handle: QuickJSHandle) => (keep(handle), watch.over ? overMemory(limits) : scriptError(ctx, handle, limits));
    if (prelude.error) return failed(api, classify(prelude.error), started);
    const input = keep(ctx.newString(JSON.stringify({ request: api.request, response: api.response ?? null, env: api.env })));
    const made = ctx.callFunction(keep(prelude.value), ctx.undefined, input);
    if (made.error) return failed(api, classify(made.error), started);
    const collect = keep(made.value);

    let error: ScriptError | undefined;
    const ran = ctx.evalCode(source, SCRIPT_FILE);
    if (ran.error) error = classify(ran.error);
    else keep(ran.value);
    // A few large allocations made in C (typed arrays) run too few bytecodes to reach the handler.
    if (!error && watch.exceeded(true)) error = overMemory(limits);
    if (!error) {
      // Async tests: promises settle here (the sandbox has no timers or I/O, so nothing waits).
      const jobs = runtime.executePendingJobs();
      if (jobs.error) error = classify(jobs.error);
    }
    const collectBy = Math.max(deadline, cpuMs()) + COLLECT_MS;
    runtime.setInterruptHandler(() => cpuMs() > collectBy || Date.now() > wallCap + COLLECT_MS);
    const out = ctx.callFunction(collect, ctx.undefined);
    if (out.error) return failed(api, error ?? classify(out.error), started);
    const collected = readBack(ctx.getString(keep(out.value)), api);
    const ok = !error && collected.tests.every((test) => test.passed);
    return { ok, ...(error ? { error } : {}), ...collected, elapsedMs: performance.now() - started };
  } catch (error) {
    // A trap inside QuickJS (not a script error): this module may be corrupt, the next run gets a new one.
    dropQuickJS(module);
    return failed(api, { kind: 'sandbox', message: `the sandbox failed: ${(error as Error).message}` }, started);
  } finally {
    try {
      for (const handle of handles) if (handle.alive) handle.dispose();
      context?.dispose();
      runtime?.dispose();
    } catch {
      dropQuickJS(module);
    }
  }
}

/** Measures the heap at most every MEMORY_CHECK_MS; `over` once it passed the limit. */
function memoryWatch(runtime: QuickJSRuntime, ctx: QuickJSContext, limit: number) {
  // The usage object is made in the script's own context (else QuickJS makes a second one for it).
  runtime.context = ctx;
  let next = Date.now() + MEMORY_CHECK_MS;
  const watch = {
    over: false,
    exceeded(force = false): boolean {
      const now = Date.now();
      if (watch.over || (now < next && !force)) return watch.over;
      next = now + MEMORY_CHECK_MS;
      const usage = runtime.computeMemoryUsage();
      const used = ctx.getProp(usage, 'memory_used_size');
      watch.over = ctx.getNumber(used) > limit;
      used.dispose();
      usage.dispose();
      return watch.over;
    },
  };
  return watch;
}

const overMemory = (limits: ScriptLimits): ScriptError => ({ kind: 'memory', message: `out of memory (the limit is ${megabytes(limits.memoryBytes)})` });

function failed(api: ScriptApi, error: ScriptError, started: number): ScriptResult {
  return { ok: false, error, tests: [], request: api.request, env: api.env, elapsedMs: performance.now() - started };
}

/** A thrown value, dumped to JSON and classified: time-out, memory or the script's own error. */
function scriptError(ctx: QuickJSContext, handle: QuickJSHandle, limits: ScriptLimits): ScriptError {
  let dumped: unknown;
  try {
    dumped = ctx.dump(handle);
  } catch {
    return overMemory(limits);
  }
  const e = (dumped && typeof dumped === 'object' ? dumped : {}) as { name?: unknown; message?: unknown; stack?: unknown };
  const line = lineOf(e.stack);
  const at = line === undefined ? {} : { line };
  if (e.name === 'InternalError' && e.message === 'interrupted') return { kind: 'timeout', message: `the script ran longer than ${limits.timeMs} ms and was stopped`, ...at };
  if (e.name === 'InternalError' && e.message === 'out of memory') return { ...overMemory(limits), ...at };
  if (dumped === null || typeof dumped !== 'object') return { kind: 'error', message: `threw ${JSON.stringify(dumped) ?? String(dumped)}` };
  const message = typeof e.message === 'string' ? e.message : JSON.stringify(dumped);
  return { kind: 'error', message: typeof e.name === 'string' && e.name !== 'AssertionError' ? `${e.name}: ${message}` : message, ...at };
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

const FRAME = new RegExp(`[( ]${SCRIPT_FILE.replace('.', '\\.')}:(\\d+)`);

/** The first frame of the user's script in a QuickJS stack (`at f (script.js:3:7)`; a syntax error: `at script.js:2:7`). */
function lineOf(stack: unknown): number | undefined {
  const m = typeof stack === 'string' ? FRAME.exec(stack) : null;
  return m ? Number(m[1]) : undefined;
}

/** The script's results, checked: whatever it left in gati.request is coerced back to a request. */
function readBack(text: string, api: ScriptApi): { request: ScriptRequest; env: Record<string, Json>; tests: TestResult[] } {
  const raw = JSON.parse(text) as { request?: Partial<ScriptRequest> | null; env?: Record<string, Json> | null; tests?: TestResult[] };
  const r = raw.request && typeof raw.request === 'object' ? raw.request : {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers && typeof r.headers === 'object' ? r.headers : {})) if (value !== undefined && value !== null) headers[name] = String(value);
  const request: ScriptRequest = {
    method: typeof r.method === 'string' && r.method ? r.method.toUpperCase() : api.request.method,
    url: typeof r.url === 'string' ? r.url : api.request.url,
    headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
  };
  const env = raw.env && typeof raw.env === 'object' && !Array.isArray(raw.env) ? raw.env : {};
  const tests = Array.isArray(raw.tests) ? raw.tests.map((t) => ({ name: String(t.name), passed: t.passed === true, ...(t.error ? { error: String(t.error) } : {}), ...(typeof t.line === 'number' ? { line: t.line } : {}) })) : [];
  return { request, env, tests };
}
