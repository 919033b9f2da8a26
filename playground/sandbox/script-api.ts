// The shapes a playground script sees and gives back. Plain JSON both ways: nothing of the host
// crosses into the sandbox but these values, copied.

/** A JSON value (what flows carry in bodies and variables). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `gati.request`: editable in a pre-request script. */
export interface ScriptRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The JSON body (or text); undefined when the request has none. */
  body?: Json;
}

/** `gati.response`: read in a post-response script. */
export interface ScriptResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else its text. */
  body: Json;
  timeMs: number;
}

/** What a script is given: the request (pre) or also the response (post), and the flow's variables. */
export interface ScriptApi {
  request: ScriptRequest;
  response?: ScriptResponse;
  env: Record<string, Json>;
}

export interface ScriptLimits {
  /** CPU budget of one run (an interrupt handler on a deadline). */
  timeMs: number;
  /** The QuickJS runtime's heap limit. */
  memoryBytes: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { timeMs: 100, memoryBytes: 16 * 1024 * 1024 };

/** One `gati.test(name, fn)`. */
export interface TestResult {
  name: string;
  passed: boolean;
  /** The failure's message. */
  error?: string;
  /** The failure's line in the script. */
  line?: number;
}

/** Why a script stopped early: its own error, the CPU budget, the memory limit, or a broken sandbox. */
export type ScriptErrorKind = 'error' | 'timeout' | 'memory' | 'sandbox';

export interface ScriptError {
  kind: ScriptErrorKind;
  message: string;
  /** The line in the script (1-based), when known. */
  line?: number;
}

/** The outcome of one run: never thrown, always returned. */
export interface ScriptResult {
  /** No error, no time-out and every test passed. */
  ok: boolean;
  error?: ScriptError;
  tests: TestResult[];
  /** The request after the script (a pre-request script may edit it). */
  request: ScriptRequest;
  /** The variables after the script (`gati.env.set`). */
  env: Record<string, Json>;
  /** Wall time of the run, sandbox creation included. */
  elapsedMs: number;
}
