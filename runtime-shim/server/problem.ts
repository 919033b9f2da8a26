// RFC 9457 problem documents: every error response is `application/problem+json`.
import type { OutgoingResponse } from './handle.js';
export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
  const p: Problem = { type: 'about:blank', title: TITLES[status] ?? `HTTP ${status}`, status };
  if (detail) p.detail = detail;
  return Object.assign(p, extra);
}

export function problemBody(p: Problem): string {
  return JSON.stringify(p);
}

/** The pipeline's answer carrying a problem document. */
export function problemResponse(p: Problem): OutgoingResponse {
  return { status: p.status, headers: { 'content-type': PROBLEM_TYPE }, body: problemBody(p) };
}
