// The page's use of the playground engine (playground/): the sandbox, loaded once on first use
// (the .wasm is fetched only here), and sending one request or a whole flow with runFlow: the
// same path as `gati playground run`, with the browser's fetch (auth presets and the API version
// added on the way) and the route's JSON Schemas as the response type check.
import { loadSandbox, runFlow, type Flow, type FlowEvent, type FlowResult, type Json, type ResponseCheck, type Sandbox } from '../../playground/index';
import type { PlaygroundRoute } from '../../runtime-shim/control/playground/playground-types';
import { checkSchema, formatErrors } from './schema-check';
import { SANDBOX_WASM } from './playground-paths';

let sandbox: Promise<Sandbox> | undefined;

export function sandboxReady(): Promise<Sandbox> {
  sandbox ??= loadSandbox({ wasmLocation: SANDBOX_WASM });
  sandbox.catch(() => (sandbox = undefined));
  return sandbox;
}

export interface AuthPreset {
  kind: 'none' | 'bearer' | 'cookie';
  /** The bearer token (may hold `{{var}}`: replaced from the variables when sent). */
  token: string;
}

export interface SendSettings {
  auth: AuthPreset;
  /** `X-API-Version` to pin ('' for the newest). */
  version: string;
  /** Variables that override the flow's own (the page's variables for one request; none for a saved flow). */
  env: Record<string, Json>;
}

/** The last response's headers, which runFlow's step result does not keep. */
export type HeaderLog = Map<string, Record<string, string>>;

/** The type check of the response of `route` with `status`, against the route's declared schemas. */
export function responseCheck(routes: readonly PlaygroundRoute[]): ResponseCheck {
  const byKey = new Map(routes.map((r) => [r.key, r]));
  return (key, status, body, contentType) => {
    const route = byKey.get(key);
    if (!route) return { checked: false, errors: [] };
    const schema = route.responses[String(status)];
    if (schema === undefined) {
      // Gati's own answers (a 400 for a bad request, a 404, a 500) are problem+json, not the route's types.
      if (/problem\+json/i.test(contentType)) return { checked: false, errors: [] };
      return { checked: true, errors: [`${key} does not declare the status ${status} (it declares ${Object.keys(route.responses).join(', ')})`] };
    }
    if (schema === null) return { checked: true, errors: [] };
    return { checked: true, errors: formatErrors(checkSchema(schema, body)) };
  };
}

/** fetch with the presets: the bearer token, cookies sent only for the cookie session, the API version. */
function presetFetch(settings: SendSettings, headerLog: HeaderLog): typeof fetch {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (settings.auth.kind === 'bearer' && settings.auth.token && !headers.has('authorization')) {
      headers.set('authorization', `Bearer ${settings.auth.token.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => String(settings.env[name] ?? ''))}`);
    }
    if (settings.version && !headers.has('x-api-version')) headers.set('x-api-version', settings.version);
    const response = await fetch(input, { ...init, headers, credentials: settings.auth.kind === 'cookie' ? 'same-origin' : 'omit', cache: 'no-store' });
    const seen: Record<string, string> = {};
    response.headers.forEach((value, key) => (seen[key] = value));
    headerLog.set(`${init.method ?? 'GET'} ${String(input)}`, seen);
    return response;
  };
}

/** Runs `flow` in the page (a single request is a flow of one step). */
export async function runInPage(flow: Flow, name: string, routes: readonly PlaygroundRoute[], settings: SendSettings, onEvent?: (event: FlowEvent) => void): Promise<{ result: FlowResult; headers: HeaderLog }> {
  const headers: HeaderLog = new Map();
  const result = await runFlow(flow, name, {
    baseUrl: location.origin,
    variables: settings.env,
    sandbox: await sandboxReady(),
    checkResponse: responseCheck(routes),
    fetch: presetFetch(settings, headers),
    ...(onEvent ? { onEvent } : {}),
  });
  return { result, headers };
}
