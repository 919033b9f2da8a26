// GType → JSON Schema (draft 2020-12). Named types are `$ref`s into `$defs`, so recursion works.
import { assertNever, reachableTypeIds, type Annotations, type GType, type NamedType } from '../../model/gtype.js';

export type JsonSchema = Record<string, unknown>;
export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Integer formats carry their range: `tags.Type<'int32'>` rejects 2147483648. */
const INTEGER_RANGES: Record<string, [number | undefined, number | undefined]> = {
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  // JSON numbers hold integers exactly only up to 2^53 - 1.
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

export function refPath(id: string): string {
  return `#/$defs/${id}`;
}

/** How a named type is referenced: `#/$defs/<id>` by default; OpenAPI and the validators use their own places. */
export type RefTarget = (id: string) => string;

export function toJsonSchema(t: GType, ref: RefTarget = refPath): JsonSchema {
  return { ...body(t, ref), ...annotations(t) };
}

/** A self-contained schema for `root`: the dialect, the node, and the named types it reaches. */
export function standaloneSchema(root: GType, types: Record<string, NamedType>): JsonSchema {
  const schema: JsonSchema = { $schema: SCHEMA_DIALECT, ...toJsonSchema(root) };
  const ids = reachableTypeIds([root], types);
  if (ids.length) schema.$defs = Object.fromEntries(ids.map((id) => [id, toJsonSchema(types[id]!.type)]));
  return schema;
}

function body(t: GType, ref: RefTarget): JsonSchema {
  const sub = (x: GType) => toJsonSchema(x, ref);
  switch (t.kind) {
    case 'string': return pick({ type: 'string' }, t, ['format', 'minLength', 'maxLength', 'pattern']);
    case 'number': return pick({ type: 'number' }, t, ['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
    case 'integer': return integer(t);
    case 'boolean': return { type: 'boolean' };
    case 'null': return { type: 'null' };
    case 'literal': return { type: typeof t.value, const: t.value };
    case 'enum': return withType({ enum: t.members.map((m) => m.value) }, t.members.map((m) => m.value));
    case 'date': return { type: 'string', format: 'date-time' };
    case 'ref': return { $ref: ref(t.id) };
    case 'unknown': case 'void': return {};
    case 'array': return pick({ type: 'array', items: sub(t.items) }, t, ['minItems', 'maxItems', 'uniqueItems']);
    case 'tuple': {
      const fixed = t.elements.filter((e) => !e.rest);
      const rest = t.elements.find((e) => e.rest);
      // `[]` has no prefixItems: draft 2020-12 wants at least one, and `maxItems: 0` says it all.
      const schema: JsonSchema = fixed.length ? { type: 'array', prefixItems: fixed.map((e) => sub(e.type)) } : { type: 'array' };
      schema.minItems = fixed.filter((e) => !e.optional).length;
      if (rest) schema.items = sub(rest.type);
      else {
        schema.items = false;
        schema.maxItems = fixed.length;
      }
      return schema;
    }
    case 'record': {
      const schema: JsonSchema = { type: 'object', additionalProperties: sub(t.value) };
      const key = pick({}, t.key, ['format', 'minLength', 'maxLength', 'pattern']);
      if (Object.keys(key).length) schema.propertyNames = key;
      return schema;
    }
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const p of t.properties) properties[p.name] = p.description ? { ...sub(p.type), description: p.description } : sub(p.type);
      const schema: JsonSchema = { type: 'object', properties };
      const required = t.properties.filter((p) => !p.optional).map((p) => p.name);
      if (required.length) schema.required = required;
      schema.additionalProperties = t.additionalProperties ? sub(t.additionalProperties) : false;
      return schema;
    }
    case 'union': {
      if (t.members.every((m) => m.kind === 'literal' || m.kind === 'null' || m.kind === 'enum')) {
        const values = t.members.flatMap((m) => (m.kind === 'literal' ? [m.value] : m.kind === 'enum' ? m.members.map((e) => e.value) : [null]));
        return withType({ enum: values }, values);
      }
      const members = t.members.map(sub);
      return t.discriminator ? { type: 'object', discriminator: { propertyName: t.discriminator }, oneOf: members } : { anyOf: members };
    }
    default: return assertNever(t);
  }
}

function integer(t: Extract<GType, { kind: 'integer' }>): JsonSchema {
  const schema = pick({ type: 'integer' }, t, ['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
  const [min, max] = (t.format && INTEGER_RANGES[t.format]) || [undefined, undefined];
  if (min !== undefined && (schema.minimum === undefined || (schema.minimum as number) < min)) schema.minimum = min;
  if (max !== undefined && (schema.maximum === undefined || (schema.maximum as number) > max)) schema.maximum = max;
  return schema;
}

/**
 * `enum` with a `type` when all values share one JSON type, or one type and null (helps OpenAPI
 * tools and AJV strict mode). Values of several types (`'auto' | 0 | true`) get no `type`: a type
 * list is a union type, which AJV's strict mode refuses without `allowUnionTypes`, and the enum
 * already says everything.
 */
function withType(schema: JsonSchema, values: unknown[]): JsonSchema {
  const types = [...new Set(values.map((v) => (v === null ? 'null' : typeof v)))];
  if (types.length === 1) return { type: types[0], ...schema };
  const nonNull = types.filter((t) => t !== 'null');
  return nonNull.length === 1 ? { type: types, ...schema } : schema;
}

function pick(base: JsonSchema, t: object, keys: string[]): JsonSchema {
  for (const key of keys) {
    const value = (t as Record<string, unknown>)[key];
    if (value !== undefined) base[key] = value;
  }
  return base;
}

function annotations(t: Annotations): JsonSchema {
  const out: JsonSchema = {};
  if (t.description) out.description = t.description;
  if (t.default !== undefined) out.default = t.default;
  if (t.deprecated) out.deprecated = true;
  return out;
}
