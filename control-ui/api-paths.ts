// Every URL the panel calls, in one place: the auth endpoints (runtime-shim/control/auth) and the data
// API (runtime-shim/control/api). The JSON each answers is typed in runtime-shim/control/api-types.ts.

export const BASE = '/_control';
const API = `${BASE}/api`;
const AUTH = `${BASE}/auth`;
const seg = encodeURIComponent;

/** Builds `path?k=v` from the defined, non-empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** All POST with a JSON body except `session` (GET); the enroll calls take `{ token }` from the link. */
export const AUTH_PATHS = {
  session: `${AUTH}/session`,
  logout: `${AUTH}/logout`,
  passkeyLoginOptions: `${AUTH}/login/passkey/options`,
  passkeyLoginVerify: `${AUTH}/login/passkey/verify`,
  totpLogin: `${AUTH}/login/totp`,
  enrollInfo: `${AUTH}/enroll/info`,
  enrollPasskeyOptions: `${AUTH}/enroll/passkey/options`,
  enrollPasskeyVerify: `${AUTH}/enroll/passkey/verify`,
  enrollTotpStart: `${AUTH}/enroll/totp/start`,
  enrollTotpConfirm: `${AUTH}/enroll/totp/confirm`,
};

export const API_PATHS = {
  overview: `${API}/overview`,
  topology: `${API}/topology`,
  routes: `${API}/routes`,
  traces: (filter: { route?: string; status?: string; minMs?: string; maxMs?: string; limit?: number }) => withQuery(`${API}/traces`, filter),
  trace: (traceId: string) => `${API}/traces/${seg(traceId)}`,
  logs: (filter: { level?: string; q?: string; route?: string; traceId?: string; limit?: number }) => withQuery(`${API}/logs`, filter),
  metrics: `${API}/metrics`,
  stream: (topics: readonly string[]) => withQuery(`${API}/stream`, { topics: topics.join(',') }),
  versions: `${API}/versions`,
  versionDiff: (from: string, to: string) => withQuery(`${API}/versions/diff`, { from, to }),
  effects: `${API}/effects`,
  deadJobs: (effect?: string) => withQuery(`${API}/effects/dead`, { effect }),
  retryDeadJob: (id: string) => `${API}/effects/dead/${seg(id)}/retry`,
  deployments: `${API}/deployments`,
  rollback: `${API}/deployments/rollback`,
  scaling: `${API}/scaling`,
  config: `${API}/config`,
  audit: `${API}/audit`,
  modules: `${API}/modules`,
  swapModule: (name: string) => `${API}/modules/${seg(name)}/swap`,
};
