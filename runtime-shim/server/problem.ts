// RFC 9457 problem documents: every error answer is one, as `application/problem+json`.
import { PROBLEM_TYPE, STATUS_TEXT, type OutgoingResponse, type Problem } from './wire.js';

export type { Problem } from './wire.js';

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
  const p: Problem = { type: 'about:blank', title: STATUS_TEXT[status] ?? `HTTP ${status}`, status };
  if (detail) p.detail = detail;
  return Object.assign(p, extra);
}

export function problemBody(p: Problem): string {
  return JSON.stringify(p);
}

/** The pipeline's answer carrying a problem document (the fetch engines' web Response of one: fetch-engine.ts `problemWebResponse`). */
export function problemAnswer(p: Problem): OutgoingResponse {
  return { status: p.status, headers: { 'content-type': PROBLEM_TYPE }, body: problemBody(p) };
}
