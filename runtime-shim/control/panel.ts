// The control panel, mounted at /_control on the app's port (docs/control-panel.md). `answer` returns
// undefined for any other path, synchronously, so the app's requests pay one string comparison.
// Under `gati dev` (loopback) every page opens without a login; under `gati start` the panel is off
// unless enabled, and then needs a session (added by the auth layer).
import type { IncomingRequest, OutgoingResponse } from '../server/wire.js';
import { JSON_TYPE, PROBLEM_TYPE, STATUS_TEXT } from '../server/wire.js';
import { parseJson } from '../server/safe-json.js';
import type { ControlEndpoint, ControlEnv } from './endpoint.js';
import { matchEndpoint } from './match-endpoint.js';
import { CONTROL_ENDPOINTS } from './api/index.js';
import { eventStreamBody } from './sse.js';

export const CONTROL_PREFIX = '/_control';
const API_PREFIX = `${CONTROL_PREFIX}/api/`;
const BODY_LIMIT = 256 * 1024;

/** Headers on every answer under /_control. */
export const CONTROL_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' };

function header(req: IncomingRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface ControlPanel {
  answer(req: IncomingRequest): Promise<OutgoingResponse> | undefined;
}

export function isControlPath(url: string): boolean {
  return url.startsWith(CONTROL_PREFIX) && (url.length === CONTROL_PREFIX.length || url[CONTROL_PREFIX.length] === '/' || url[CONTROL_PREFIX.length] === '?');
}

export function createControlPanel(env: Omit<ControlEnv, 'audit'>, endpoints: readonly ControlEndpoint[] = CONTROL_ENDPOINTS): ControlPanel {
  const full: ControlEnv = { ...env, audit: (user, action, detail) => env.log.info({ control: { user, action, ...detail } }, 'control panel action') };
  return {
    answer(req) {
      if (!isControlPath(req.url)) return undefined;
      return answerControl(req, full, endpoints).catch((error) => {
        env.log.error({ err: error }, 'control panel request failed');
        return problem(500);
      });
    },
  };
}

async function answerControl(req: IncomingRequest, env: ControlEnv, endpoints: readonly ControlEndpoint[]): Promise<OutgoingResponse> {
  const url = new URL(req.url, 'http://control');
  if (!url.pathname.startsWith(API_PREFIX)) return problem(404, 'the panel page is not built yet');
  const found = matchEndpoint(endpoints, req.method, url.pathname.slice(API_PREFIX.length));
  if (!found) return problem(404);
  if ('allow' in found) return { ...problem(405), headers: { ...problem(405).headers, allow: found.allow.join(', ') } };
  const raw = req.method === 'GET' ? '' : String(await req.readBody(BODY_LIMIT));
  let body: unknown;
  try {
    body = raw ? parseJson(raw) : undefined;
  } catch {
    return problem(400, 'the body is not valid JSON');
  }
  const result = await found.endpoint.handler(
    { method: req.method, params: found.params, query: url.searchParams, body, user: 'dev', ip: req.ip, lastEventId: header(req, 'last-event-id'), headers: req.headers },
    env,
  );
  if ('stream' in result) return { status: 200, headers: { ...CONTROL_HEADERS, ...EVENT_STREAM_HEADERS }, body: undefined, stream: eventStreamBody(result.stream) };
  return { status: result.status ?? 200, headers: { ...CONTROL_HEADERS, 'content-type': JSON_TYPE }, body: JSON.stringify(result.json) };
}

function problem(status: number, detail?: string): OutgoingResponse {
  return {
    status,
    headers: { ...CONTROL_HEADERS, 'content-type': PROBLEM_TYPE },
    body: JSON.stringify({ type: 'about:blank', title: STATUS_TEXT[status] ?? 'Error', status, ...(detail ? { detail } : {}) }),
  };
}
