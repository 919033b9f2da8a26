// The control panel, mounted at /_control on the app's port (docs/control-panel.md). `answer` returns
// undefined for any other path, synchronously, so the app's requests pay one string comparison.
// Under `gati dev` (loopback) every page opens without a login; under `gati start` (when enabled)
// /_control/api/* needs a session (401 without, no data) and a page without one goes to the login
// page. State-changing API calls need the session's CSRF header, and are audited.
import type { IncomingRequest, OutgoingResponse } from '../server/wire.js';
import { parseJson } from '../server/safe-json.js';
import type { ControlEndpoint, ControlEnv } from './endpoint.js';
import { matchEndpoint } from './match-endpoint.js';
import { CONTROL_ENDPOINTS } from './api/index.js';
import { eventStreamBody } from './sse.js';
import { CONTROL_HEADERS, jsonAnswer, problemAnswer } from './answers.js';
import { answerAuth } from './auth/auth-endpoints.js';
import { csrfValid, currentSession, newSecret, type AuthContext } from './auth/sessions.js';
import { first } from './auth/request-origin.js';
import { createUiFiles } from './static-ui.js';
import type { ControlStore } from './store/control-store.js';
import { controlStoreTarget, openControlStore } from './store/open-store.js';
import { CONFIG_DEFAULTS } from '../defaults.js';

export { CONTROL_HEADERS };
export const CONTROL_PREFIX = '/_control';
const API_PREFIX = `${CONTROL_PREFIX}/api/`;
const AUTH_PREFIX = `${CONTROL_PREFIX}/auth/`;
const ASSETS_PREFIX = `${CONTROL_PREFIX}/assets/`;
const BODY_LIMIT = 256 * 1024;
/** The pages that open without a session. */
const PUBLIC_PAGES = new Set([`${CONTROL_PREFIX}/login`, `${CONTROL_PREFIX}/enroll`]);
const READS = new Set(['GET', 'HEAD']);

const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' };

export interface ControlPanel {
  answer(req: IncomingRequest): Promise<OutgoingResponse> | undefined;
  /** Closes the state store, when it was opened. */
  close(): Promise<void>;
}

export interface ControlPanelOptions extends Omit<ControlEnv, 'audit' | 'recentAudit'> {
  /** The state store (default: opened on first use from the app's config, control.store). */
  store?: () => Promise<ControlStore>;
}

export function isControlPath(url: string): boolean {
  return url.startsWith(CONTROL_PREFIX) && (url.length === CONTROL_PREFIX.length || url[CONTROL_PREFIX.length] === '/' || url[CONTROL_PREFIX.length] === '?');
}

export function createControlPanel(options: ControlPanelOptions, endpoints: readonly ControlEndpoint[] = CONTROL_ENDPOINTS): ControlPanel {
  let opened: Promise<ControlStore> | undefined;
  const store = options.store ?? (() => (opened ??= (async () => {
    const app = options.app();
    return openControlStore(controlStoreTarget(app.config, app.root));
  })()));
  const auth: AuthContext = {
    mode: options.mode,
    store,
    trustedProxies: options.app().config?.control?.trustedProxies ?? CONFIG_DEFAULTS.control.trustedProxies,
    appName: () => options.app().name,
    devCsrf: newSecret(),
    log: options.log,
  };
  const ui = createUiFiles(() => options.app().root);
  const recordAudit = (entry: Parameters<ControlStore['audit']>[0]) => {
    store().then((s) => s.audit(entry)).catch((error: unknown) => options.log.error({ err: error }, 'control panel: the audit log could not be written'));
  };
  const env: ControlEnv = {
    ...options,
    audit: (user, action, detail) => recordAudit({ at: Date.now(), user, action, ...(detail ? { detail } : {}) }),
    recentAudit: async (limit) => (await store()).recentAudit(limit),
  };
  const panel = { auth, ui, env, endpoints, recordAudit };
  return {
    answer(req) {
      if (!isControlPath(req.url)) return undefined;
      return answerControl(req, panel).catch((error: unknown) => {
        options.log.error({ err: error }, 'control panel request failed');
        return problemAnswer(500);
      });
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

interface Panel {
  auth: AuthContext;
  ui: ReturnType<typeof createUiFiles>;
  env: ControlEnv;
  endpoints: readonly ControlEndpoint[];
  recordAudit(entry: Parameters<ControlStore['audit']>[0]): void;
}

async function answerControl(req: IncomingRequest, panel: Panel): Promise<OutgoingResponse> {
  const url = new URL(req.url, 'http://control');
  const path = url.pathname;
  if (path.startsWith(AUTH_PREFIX)) return answerAuth(req, path.slice(AUTH_PREFIX.length), panel.auth);
  if (path.startsWith(API_PREFIX)) return answerApi(req, url, panel);
  if (!READS.has(req.method)) return problemAnswer(405, undefined, { allow: 'GET, HEAD' });
  // The app's code and styles: public (the login page needs them), no data in them.
  if (path.startsWith(ASSETS_PREFIX)) return panel.ui.asset(req, path.slice(ASSETS_PREFIX.length));
  if (panel.auth.mode === 'dev') return panel.ui.page(req);
  const session = await currentSession(req, panel.auth);
  // The login page sends the user back to the page asked for (it follows only /_control/ paths).
  const next = path === CONTROL_PREFIX || path === `${CONTROL_PREFIX}/` ? '' : `?next=${encodeURIComponent(path + url.search)}`;
  if (!session && !PUBLIC_PAGES.has(path.replace(/\/$/, ''))) return { status: 303, headers: { ...CONTROL_HEADERS, location: `${CONTROL_PREFIX}/login${next}` }, body: undefined };
  return withRenewedCookie(panel.ui.page(req), session?.renewedCookie);
}

/** The session cookie sent again when its idle expiry moved (the browser's Max-Age follows the store's). */
function withRenewedCookie(out: OutgoingResponse, cookie: string | undefined): OutgoingResponse {
  if (cookie !== undefined) out.headers['set-cookie'] = cookie;
  return out;
}

async function answerApi(req: IncomingRequest, url: URL, panel: Panel): Promise<OutgoingResponse> {
  const session = await currentSession(req, panel.auth);
  if (!session) return problemAnswer(401, 'sign in at /_control/login');
  const path = url.pathname.slice(API_PREFIX.length);
  const found = matchEndpoint(panel.endpoints, req.method, path);
  if (!found) return problemAnswer(404);
  if ('allow' in found) return problemAnswer(405, undefined, { allow: found.allow.join(', ') });
  const changes = !READS.has(req.method);
  if (changes && !csrfValid(req, session)) return problemAnswer(403, 'the X-Gati-Control-CSRF header is missing or wrong (GET /_control/auth/session gives it)');
  const raw = READS.has(req.method) ? '' : String(await req.readBody(BODY_LIMIT));
  let body: unknown;
  try {
    body = raw ? parseJson(raw) : undefined;
  } catch {
    return problemAnswer(400, 'the body is not valid JSON');
  }
  // The endpoint's own audit entries carry the caller's address too.
  const env: ControlEnv = { ...panel.env, audit: (user, action, detail) => panel.recordAudit({ at: Date.now(), user, action, ip: req.ip, ...(detail ? { detail } : {}) }) };
  const result = await found.endpoint.handler(
    { method: req.method, params: found.params, query: url.searchParams, body, user: session.user, ip: req.ip, lastEventId: first(req.headers['last-event-id']), headers: req.headers },
    env,
  );
  if ('stream' in result) return withRenewedCookie({ status: 200, headers: { ...CONTROL_HEADERS, ...EVENT_STREAM_HEADERS }, body: undefined, stream: eventStreamBody(result.stream, async () => (await currentSession(req, panel.auth)) !== undefined) }, session.renewedCookie);
  const status = result.status ?? 200;
  // Every state-changing call, whatever the endpoint records itself.
  if (changes) panel.recordAudit({ at: Date.now(), user: session.user, action: `${req.method} ${found.endpoint.path}`, ip: req.ip, detail: { status, ...(Object.keys(found.params).length ? { params: found.params } : {}) } });
  return withRenewedCookie(jsonAnswer(status, result.json), session.renewedCookie);
}
