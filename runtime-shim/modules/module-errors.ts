// What a failed module call throws: an HttpError carrying a problem document that names the
// module and the function (and, for a value that broke the interface, the JSON pointer), so the
// handler that made the call answers with it unless it catches it.
import { HttpError } from '../http-error.js';
import { problem } from '../server/problem.js';
import { PROBLEM_TYPE } from '../server/wire.js';

/** The titles of the statuses a module call fails with that the server's own table leaves out. */
const TITLES: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export function moduleError(status: number, module: string, fn: string, detail: string, extra: Record<string, unknown> = {}): HttpError {
  const title = TITLES[status];
  return new HttpError(status, problem(status, detail, { ...(title ? { title } : {}), module, function: fn, ...extra }), { headers: { 'content-type': PROBLEM_TYPE } });
}

type AjvError = { instancePath: string; message?: string; params: Record<string, unknown> };

/** `/0/score must be number`: the first error, the pointer and the rule it broke. */
export function firstProblem(errors: AjvError[] | null | undefined): { pointer: string; text: string } {
  const e = errors?.[0];
  if (!e) return { pointer: '', text: 'is invalid' };
  const extra = e.params.additionalProperty !== undefined ? ` '${String(e.params.additionalProperty)}'` : '';
  return { pointer: e.instancePath, text: `${e.message ?? 'is invalid'}${extra}` };
}
