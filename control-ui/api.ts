// The panel's fetch wrapper: JSON in and out, the session's CSRF token on every state-changing call,
// and a 401 (no session, or it expired) sends the user to the login page, back here after it.
import type { SessionInfo } from '../runtime-shim/control/api-types';
import { AUTH_PATHS, BASE } from './api-paths';

/** A problem+json answer (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem?: Record<string, unknown>) {
    super(message);
  }
}

let session: SessionInfo | undefined;
const listeners = new Set<(session: SessionInfo) => void>();

export function currentSession(): SessionInfo | undefined {
  return session;
}

/** Calls `listener` with each session read from now on (sign-in on the enroll page, say); returns its removal. */
export function onSession(listener: (session: SessionInfo) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reads who is signed in (the auth endpoint is public). */
export async function loadSession(): Promise<SessionInfo> {
  session = await request<SessionInfo>('GET', AUTH_PATHS.session, undefined, false);
  for (const listener of listeners) listener(session);
  return session;
}

export const getJson = <T>(path: string): Promise<T> => request<T>('GET', path);
export const postJson = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});

/** The login page, with where to come back. */
export function loginUrl(): string {
  const here = location.pathname + location.search;
  return here.startsWith(`${BASE}/login`) ? `${BASE}/login` : `${BASE}/login?next=${encodeURIComponent(here)}`;
}

const PUBLIC_PAGES = [`${BASE}/login`, `${BASE}/enroll`];

async function request<T>(method: string, path: string, body?: unknown, redirectOn401 = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session?.csrf) headers['x-gati-control-csrf'] = session.csrf;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, `the server did not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (response.ok) return json as T;
  if (response.status === 401 && redirectOn401 && !PUBLIC_PAGES.some((page) => location.pathname.startsWith(page))) {
    location.assign(loginUrl());
  }
  const problem = json && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : response.statusText;
  throw new ApiError(response.status, `${response.status} ${detail}`, problem);
}
