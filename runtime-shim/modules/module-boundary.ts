// The boundary checks of a module with an interface file, whatever carries its calls (HTTP, a
// worker thread): the arguments in their wire form (JSON) against `args_<fn>`, the result against
// `result_<fn>`, then revived (`Date`s of the interface as `Date`s). Validators are generated at
// build time (dist/validators/modules/).
import type { RemoteModuleValidators, ValidateFn } from '../server/app.js';
import { firstProblem, moduleError } from './module-errors.js';

/** The arguments as the JSON text sent; an argument that breaks the interface throws a 500 (a bug in the caller). */
export function encodeArgs(name: string, fn: string, args: unknown[], validators: RemoteModuleValidators | undefined): string {
  // Trailing `undefined`s are absent optional arguments: JSON would turn them into nulls.
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const body = JSON.stringify(n === args.length ? args : args.slice(0, n));
  const checkArgs = validators?.[`args_${fn}`] as ValidateFn | undefined;
  // The arguments are checked in their wire form, a copy: the caller's objects stay as they are.
  if (checkArgs && !checkArgs(JSON.parse(body))) {
    const { pointer, text } = firstProblem(checkArgs.errors);
    throw moduleError(500, name, fn, `module ${name}.${fn} was called with an invalid argument: ${pointer || '/'} ${text}`, { pointer });
  }
  return body;
}

/** A result in its wire form, checked (one that breaks the interface throws a 502) and revived. */
export function checkedResult(name: string, fn: string, result: unknown, validators: RemoteModuleValidators | undefined): unknown {
  const checkResult = validators?.[`result_${fn}`] as ValidateFn | undefined;
  if (checkResult && !checkResult(result)) {
    const { pointer, text } = firstProblem(checkResult.errors);
    throw moduleError(502, name, fn, `module ${name}.${fn} returned an invalid result: ${pointer || '/'} ${text}`, { pointer });
  }
  const revive = validators?.[`reviveResult_${fn}`] as ((v: unknown) => unknown) | undefined;
  return revive ? revive(result) : result;
}
