// AJV's first error as `{ path, message }` with a JSON pointer from the request's root
// (`/body/items/4/qty`): a missing or unknown key points at the key itself, not its parent.
import type { ValidateFn } from './app.js';
import { problem, type Problem } from './problem.js';

type AjvError = NonNullable<ValidateFn['errors']>[number];

/** The 400 for a request part that failed its validator: the first error in the detail, all of them in `errors`. */
export function validationProblem(part: string, validate: ValidateFn): Problem {
  const errors = toValidationErrors(part, validate.errors);
  return problem(400, errors.length ? `${errors[0]!.path} ${errors[0]!.message}` : `invalid ${part}`, { errors });
}

export function toValidationErrors(part: string, errors: ValidateFn['errors']): { path: string; message: string }[] {
  return (errors ?? []).map((e) => describe(part, e));
}

function describe(part: string, e: AjvError): { path: string; message: string } {
  const base = `/${part}${e.instancePath}`;
  const p = e.params;
  switch (e.keyword) {
    case 'required': return { path: `${base}/${escape(String(p.missingProperty))}`, message: 'is required' };
    case 'additionalProperties': return { path: `${base}/${escape(String(p.additionalProperty))}`, message: 'is not allowed' };
    case 'type': return { path: base, message: `must be ${article(String(p.type))}` };
    case 'enum': return { path: base, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const': return { path: base, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'format': return { path: base, message: `must be a valid ${String(p.format)}` };
    default: return { path: base, message: e.message ?? 'is invalid' };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
