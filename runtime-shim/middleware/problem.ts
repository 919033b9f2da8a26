// Internal: how the built-in middleware answers an error (docs/handlers.md, "Errors").
import type { Res } from '../types.js';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

/** Answers with `status` and an `application/problem+json` body; the caller does not call `next`. */
export function answerProblem(res: Res<any>, status: number, title: string, detail?: string): void {
  const body: Problem = { type: 'about:blank', title, status };
  if (detail !== undefined) body.detail = detail;
  res.status = status;
  res.headers['content-type'] = 'application/problem+json';
  res.body = body;
}

/** Adds `value` to the response's `vary` header unless it is already listed (or `*`). */
export function appendVary(res: Res<any>, value: string): void {
  const current = res.headers['vary'];
  if (current === undefined || current === '') {
    res.headers['vary'] = value;
    return;
  }
  const joined = Array.isArray(current) ? current.join(',') : current;
  const lower = value.toLowerCase();
  for (const part of joined.split(',')) {
    const p = part.trim().toLowerCase();
    if (p === '*' || p === lower) return;
  }
  res.headers['vary'] = `${joined}, ${value}`;
}
