// Validation errors for people: every AJV error of a request becomes `{ path, message }`, with a
// JSON pointer from the request's root (`/body/items/4/qty`; a missing or unknown key points at
// the key itself) and a message made by ONE table keyed by AJV keyword (MESSAGES). Every route,
// every API version, effect payloads and the response checks go through it, so the same mistake
// reads the same everywhere. The validators are generated with AJV's allErrors, so a request
// gets all its errors at once (up to validation.maxErrors), across params, query, headers and body.
import type { ValidateFn } from './app.js';
import { problem, type Problem } from './problem.js';

type AjvError = NonNullable<ValidateFn['errors']>[number];
type Params = Record<string, unknown>;

export interface ValidationError {
  path: string;
  message: string;
}

/** The errors of one request, part after part, up to `max`; whether there were more. */
export class InvalidRequest {
  readonly errors: ValidationError[] = [];
  more = false;

  constructor(private readonly max: number) {}

  /** Adds the errors of `validate`'s last failed call on the request part `part`. */
  add(part: string, validate: ValidateFn): void {
    const room = this.max - this.errors.length;
    const found = translate(part, validate.errors, room);
    // By path, not in the validator's order: an old version's validator is emitted from its
    // snapshot, whose properties are in name order, and a client must get the same list whatever
    // version it is pinned to.
    this.errors.push(...found.errors.slice(0, room).sort(byPath));
    if (found.more || found.errors.length > room) this.more = true;
  }
}

/** JSON pointers in document order: segment by segment, array indexes as numbers. */
function byPath(a: ValidationError, b: ValidationError): number {
  const x = a.path.split('/');
  const y = b.path.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const m = Number(x[i]);
    const n = Number(y[i]);
    if (Number.isInteger(m) && Number.isInteger(n) && x[i] !== '' && y[i] !== '') return m - n;
    return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** The 400 for a request that failed validation: every error (up to maxErrors) in `errors` and in the detail. */
export function validationProblem(invalid: InvalidRequest): Problem {
  const { errors, more } = invalid;
  const listed = errors.map((e) => `${e.path} ${e.message}`).join('; ');
  const detail = errors.length ? `${listed}${more ? '; and more errors not listed' : ''}` : 'the request is invalid';
  return problem(400, detail, { errors });
}

/** AJV's errors of one part (`body`, `query`, `payload`, `response`) in words for people. */
export function toValidationErrors(part: string, errors: ValidateFn['errors']): ValidationError[] {
  return translate(part, errors, Infinity).errors;
}

/**
 * At most about `limit` errors are put in words: a body can hold tens of thousands of wrong
 * values, and a 400 lists maxErrors of them. Past the limit the errors are only scanned, for the
 * unions that fold errors already listed.
 */
function translate(part: string, errors: ValidateFn['errors'], limit: number): { errors: ValidationError[]; more: boolean } {
  const out: Described[] = [];
  let more = false;
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      // AJV reports a failed union after the errors of each of its arms, all at or below its path.
      const at = `/${part}${e.instancePath}`;
      let start = out.length;
      while (start > 0 && within(out[start - 1]!.at, at)) start--;
      out.push(...union(at, out.splice(start), e));
      continue;
    }
    if (e.keyword === 'propertyNames') continue; // the key's own errors (below) say what is wrong with it
    if (out.length > limit) {
      more = true;
      continue;
    }
    out.push(describe(part, e));
  }
  const seen = new Set<string>();
  const unique = out.filter((d) => !seen.has(`${d.path}\0${d.message}`) && seen.add(`${d.path}\0${d.message}`)).map(({ path, message }) => ({ path, message }));
  return { errors: unique, more };
}

interface Described extends ValidationError {
  /** The instance path the error was found at (a key's error points below it). */
  at: string;
  /** For type, const and enum errors: what the value may be, each in words (`a string`, `'ship'`). */
  expected?: string[];
}

type Message = (p: Params) => string;

/** AJV keyword → message. Written once: every route and version reads the same. */
const MESSAGES: Record<string, Message> = {
  type: (p) => `must be ${or(typeNames(p.type))}`,
  enum: (p) => `must be one of ${(p.allowedValues as unknown[]).map(literal).join(', ')}`,
  const: (p) => `must be ${literal(p.allowedValue)}`,
  format: (p) => `must be ${FORMATS[String(p.format)] ?? `a valid ${String(p.format)}`}`,
  minimum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  maximum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  exclusiveMinimum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  exclusiveMaximum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  multipleOf: (p) => `must be a multiple of ${String(p.multipleOf)}`,
  minLength: (p) => `must have at least ${count(p.limit, 'character')}`,
  maxLength: (p) => `must have at most ${count(p.limit, 'character')}`,
  pattern: (p) => `must match the pattern ${String(p.pattern)}`,
  minItems: (p) => `must have at least ${count(p.limit, 'item')}`,
  maxItems: (p) => `must have at most ${count(p.limit, 'item')}`,
  uniqueItems: (p) => `must not hold the same item twice (items ${String(p.j)} and ${String(p.i)} are equal)`,
  minProperties: (p) => `must have at least ${count(p.limit, 'key')}`,
  maxProperties: (p) => `must have at most ${count(p.limit, 'key')}`,
  'false schema': () => 'is not allowed',
  required: () => 'is required',
  additionalProperties: () => 'is not allowed',
};

/** Words for the formats Gati's types produce (`Date` is date-time); others read `a valid <format>`. */
const FORMATS: Record<string, string> = {
  'date-time': 'a date-time such as 2026-01-31T12:00:00Z',
  date: 'a date such as 2026-01-31',
  time: 'a time such as 12:00:00Z',
  email: 'an email address',
  uri: 'a URI',
  'uri-reference': 'a URI reference',
  url: 'a URL',
  uuid: 'a UUID',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  hostname: 'a host name',
};

const TYPE_NAMES: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array', null: 'null' };

function describe(part: string, e: AjvError): Described {
  const at = `/${part}${e.instancePath}`;
  const p = e.params;
  if (e.propertyName !== undefined) {
    // An error inside propertyNames is about a key of the object at `at`.
    return { at, path: `${at}/${escape(e.propertyName)}`, message: `is not an allowed key: it ${MESSAGES[e.keyword]?.(p) ?? e.message ?? 'is invalid'}` };
  }
  switch (e.keyword) {
    case 'required': return { at, path: `${at}/${escape(String(p.missingProperty))}`, message: 'is required' };
    case 'additionalProperties': return { at, path: `${at}/${escape(String(p.additionalProperty))}`, message: 'is not allowed' };
    case 'discriminator': return discriminator(at, p);
    case 'type': return { at, path: at, message: MESSAGES.type!(p), expected: typeNames(p.type) };
    case 'const': return { at, path: at, message: MESSAGES.const!(p), expected: [literal(p.allowedValue)] };
    case 'enum': return { at, path: at, message: MESSAGES.enum!(p), expected: (p.allowedValues as unknown[]).map(literal) };
  }
  const message = MESSAGES[e.keyword];
  return { at, path: at, message: message ? message(p) : e.message ?? 'is invalid' };
}

/**
 * A discriminated union whose tag is missing or names no arm (the validators emitter adds the
 * tag values to the error as `allowed`; see emitters/validators/ajv-instance.ts).
 */
function discriminator(at: string, p: Params): Described {
  const path = `${at}/${escape(String(p.tag))}`;
  if (p.tagValue === undefined) return { at, path, message: 'is required' };
  const allowed = Array.isArray(p.allowed) ? p.allowed : undefined;
  return { at, path, message: allowed ? `must be one of ${allowed.map(literal).join(', ')}` : 'must be a string' };
}

/**
 * A union (anyOf) that no arm matched, from its arms' errors: when the value got past some arm's
 * type (errors below its own path), those errors say what to fix; otherwise what the value may be
 * (`must be a string or null`).
 */
function union(at: string, arms: Described[], e: AjvError): Described[] {
  const deeper = arms.filter((a) => a.path !== at);
  if (deeper.length) return deeper;
  if (arms.length && arms.every((a) => a.expected)) return [{ at, path: at, message: `must be ${or([...new Set(arms.flatMap((a) => a.expected!))])}` }];
  return [{ at, path: at, message: e.keyword === 'oneOf' && e.params.passingSchemas ? 'must match exactly one of the allowed shapes' : 'must match one of the allowed shapes' }];
}

function within(path: string, at: string): boolean {
  return path === at || path.startsWith(`${at}/`);
}

/** AJV's `type` param: `string`, or `number,null` for several. */
function typeNames(type: unknown): string[] {
  const names = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return names.map((t) => TYPE_NAMES[t] ?? `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`);
}

/** `a string`, `a string or null`, `a string, a number or null`. */
function or(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A value as written in a message: strings in single quotes, the rest as JSON. */
function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

function count(n: unknown, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
