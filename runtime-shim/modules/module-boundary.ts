// The boundary checks of a module with types (an interface file, or an npm package's declarations),
// whatever carries its calls. Over HTTP or to a worker thread: the arguments in their wire form
// (JSON) against `args_<fn>`, the result against `result_<fn>`, then revived (`Date`s of the
// interface as `Date`s). In-process (an npm module): validators built to check the caller's values
// themselves, unchanged. Validators are generated at build time (dist/validators/modules/).
import type { RemoteModuleValidators, ValidateFn } from '../server/app.js';
import { firstProblem, moduleError } from './module-errors.js';

/** Trailing `undefined`s are absent optional arguments: JSON would turn them into nulls. */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return n === args.length ? args : args.slice(0, n);
}

function invalidArgs(name: string, fn: string, check: ValidateFn): Error {
  const { pointer, text } = firstProblem(check.errors);
  return moduleError(500, name, fn, `module ${name}.${fn} was called with an invalid argument: ${pointer || '/'} ${text}`, { pointer });
}

function invalidResult(name: string, fn: string, check: ValidateFn): Error {
  const { pointer, text } = firstProblem(check.errors);
  return moduleError(502, name, fn, `module ${name}.${fn} returned an invalid result: ${pointer || '/'} ${text}`, { pointer });
}

/** The arguments as the JSON text sent; an argument that breaks the interface throws a 500 (a bug in the caller). */
export function encodeArgs(name: string, fn: string, args: unknown[], validators: RemoteModuleValidators | undefined): string {
  const body = JSON.stringify(withoutTrailingUndefined(args));
  const checkArgs = validators?.[`args_${fn}`] as ValidateFn | undefined;
  // The arguments are checked in their wire form, a copy: the caller's objects stay as they are.
  if (checkArgs && !checkArgs(JSON.parse(body))) throw invalidArgs(name, fn, checkArgs);
  return body;
}

/** A result in its wire form, checked (one that breaks the interface throws a 502) and revived. */
export function checkedResult(name: string, fn: string, result: unknown, validators: RemoteModuleValidators | undefined): unknown {
  const checkResult = validators?.[`result_${fn}`] as ValidateFn | undefined;
  if (checkResult && !checkResult(result)) throw invalidResult(name, fn, checkResult);
  const revive = validators?.[`reviveResult_${fn}`] as ((v: unknown) => unknown) | undefined;
  return revive ? revive(result) : result;
}

/** One function's in-process checks, looked up once (a module namespace's properties are slow to read per call). */
export interface InProcessChecks {
  args?: ValidateFn;
  result?: ValidateFn;
}

export function inProcessChecks(validators: RemoteModuleValidators, fn: string): InProcessChecks {
  return { args: validators[`args_${fn}`] as ValidateFn | undefined, result: validators[`result_${fn}`] as ValidateFn | undefined };
}

/**
 * An in-process call's arguments, checked where they are and left as they are: the function
 * receives the caller's values. An npm module's validators are built for that (emitters/validators/
 * in-process.ts): they read a `Date` as a Date, and neither delete undeclared keys nor fill in
 * defaults. So no copy is made, whatever the types (bench/modules-inprocess.mjs measures the cost).
 */
export function checkArgsInProcess(name: string, fn: string, args: unknown[], checks: InProcessChecks): void {
  const checkArgs = checks.args;
  if (checkArgs && !checkArgs(withoutTrailingUndefined(args))) throw invalidArgs(name, fn, checkArgs);
}

/** An in-process call's result, checked as checkArgsInProcess checks arguments; the caller gets the function's own value. */
export function checkResultInProcess(name: string, fn: string, result: unknown, checks: InProcessChecks): void {
  const checkResult = checks.result; // none for a result typed `unknown`, `any` or `void`
  if (checkResult && !checkResult(result)) throw invalidResult(name, fn, checkResult);
}
