// The answers the panel writes itself: JSON and problem documents, every one with the panel's
// headers (no-store, the strict CSP).
import type { OutgoingResponse } from '../server/wire.js';
import { JSON_TYPE, PROBLEM_TYPE, STATUS_TEXT } from '../server/wire.js';

/** Headers on every answer under /_control. */
export const CONTROL_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string | string[]> = {}): OutgoingResponse {
  return { status, headers: { ...CONTROL_HEADERS, 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function problemAnswer(status: number, detail?: string, headers: Record<string, string | string[]> = {}): OutgoingResponse {
  return {
    status,
    headers: { ...CONTROL_HEADERS, 'content-type': PROBLEM_TYPE, ...headers },
    body: JSON.stringify({ type: 'about:blank', title: STATUS_TEXT[status] ?? 'Error', status, ...(detail ? { detail } : {}) }),
  };
}
