// A small JSON Schema (2020-12) validator for the keywords Gati's schema emitter writes
// (emitters/schema/to-json-schema.ts): type, const, enum, properties/required/additionalProperties,
// propertyNames, items/prefixItems/minItems/maxItems/uniqueItems, anyOf/oneOf, $ref into $defs,
// string and number bounds, pattern, and the date-time format. About 2 KB instead of AJV's 35 KB
// (gzip): the request editor checks bodies as you type, the response view checks answers.
export type Schema = Record<string, unknown> | boolean;

export interface SchemaError {
  /** JSON pointer of the value at fault ('' for the root). */
  path: string;
  message: string;
}

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

/** The errors of `value` against `schema` (empty: it matches). */
export function checkSchema(schema: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  const root = typeof schema === 'object' ? schema : {};
  visit(schema, value, '', root, errors);
  return errors;
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v);
const typeMatches = (want: string, v: unknown) => want === typeOf(v) || (want === 'number' && typeOf(v) === 'integer');

function visit(schema: Schema, value: unknown, path: string, root: Record<string, unknown>, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) return void errors.push({ path, message: 'is not allowed here' });
  const s = schema as Record<string, any>;
  const fail = (message: string) => errors.push({ path, message });
  if (typeof s.$ref === 'string') {
    const target = resolve(root, s.$ref);
    if (target === undefined) fail(`unresolved ${s.$ref}`);
    else visit(target, value, path, root, errors);
  }
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeMatches(t, value))) return void fail(`must be ${types.join(' or ')}`);
  }
  if ('const' in s && !equal(s.const, value)) fail(`must be ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => equal(e, value))) fail(`must be one of ${s.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((m: Schema) => checkIn(m, value, root))) fail('matches none of the allowed shapes');
  if (Array.isArray(s.oneOf)) {
    const matching = s.oneOf.filter((m: Schema) => checkIn(m, value, root)).length;
    if (matching !== 1) {
      const tag = s.discriminator?.propertyName;
      const detail = tag && value && typeof value === 'object' ? ` (${tag}: ${JSON.stringify((value as Record<string, unknown>)[tag])})` : '';
      fail(matching === 0 ? `matches none of the allowed shapes${detail}` : 'matches more than one shape');
    }
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) fail(`must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) fail(`must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string' && !safeRegExp(s.pattern)?.test(value)) fail(`must match ${s.pattern}`);
    if (s.format === 'date-time' && !DATE_TIME.test(value)) fail('must be a date-time (RFC 3339)');
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) fail(`must be >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) fail(`must be <= ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) fail(`must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) fail(`must be < ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && Math.abs(value / s.multipleOf - Math.round(value / s.multipleOf)) > 1e-9) fail(`must be a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('must have unique items');
    const prefix: Schema[] = Array.isArray(s.prefixItems) ? s.prefixItems : [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : s.items;
      if (itemSchema !== undefined) visit(itemSchema, item, `${path}/${i}`, root, errors);
    });
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties: Record<string, Schema> = s.properties ?? {};
    for (const name of Array.isArray(s.required) ? s.required : []) if (!(name in object)) errors.push({ path, message: `must have property "${name}"` });
    for (const [name, item] of Object.entries(object)) {
      const at = `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (s.propertyNames) for (const e of checkSchema(s.propertyNames, name)) errors.push({ path: at, message: `the name ${e.message}` });
      if (name in properties) visit(properties[name]!, item, at, root, errors);
      else if (s.additionalProperties === false) errors.push({ path: at, message: 'is not a known property' });
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') visit(s.additionalProperties, item, at, root, errors);
    }
  }
}

const checkIn = (schema: Schema, value: unknown, root: Record<string, unknown>) => {
  const errors: SchemaError[] = [];
  visit(schema, value, '', root, errors);
  return errors.length === 0;
};

/** `#/$defs/Payment` (or any local pointer) in the root schema. */
export function resolve(root: Record<string, unknown>, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return node === undefined ? undefined : (node as Schema);
}

const patterns = new Map<string, RegExp | undefined>();
function safeRegExp(source: string): RegExp | undefined {
  if (!patterns.has(source)) {
    try {
      patterns.set(source, new RegExp(source, 'u'));
    } catch {
      patterns.set(source, undefined);
    }
  }
  return patterns.get(source);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Errors as lines: `/amount must be >= 1`. */
export const formatErrors = (errors: readonly SchemaError[]): string[] => errors.map((e) => `${e.path || '(body)'} ${e.message}`);
