// Internal: how the built-in middleware answers an error (docs/handlers.md, "Errors"): the same
// problem document, title and content type as the pipeline's own answers.
import type { Res } from '../types.js';
import { problem } from '../server/problem.js';
import { PROBLEM_TYPE } from '../server/wire.js';

/** An RFC 9457 problem document. */
export type { Problem } from '../server/wire.js';

/** Answers with `status` and an `application/problem+json` body; the caller does not call `next`. */
export function answerProblem(res: Res<any>, status: number, detail: string): void {
  res.status = status;
  res.headers['content-type'] = PROBLEM_TYPE;
  res.body = problem(status, detail);
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
