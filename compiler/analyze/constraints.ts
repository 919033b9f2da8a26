// Constraints from typia-style tags (`number & tags.Minimum<1>`) and JSDoc tags (`@minimum 1`):
// checked here once, then applied to the GType they constrain.
import type { GType, JsonValue } from '../../model/gtype.js';
import type { ConvertContext, Site } from './types/context.js';

export const NUMERIC_CONSTRAINTS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const;
export const STRING_CONSTRAINTS = ['format', 'minLength', 'maxLength', 'pattern'] as const;
export const ARRAY_CONSTRAINTS = ['minItems', 'maxItems', 'uniqueItems'] as const;
export const CONSTRAINT_NAMES = [...NUMERIC_CONSTRAINTS, ...STRING_CONSTRAINTS, ...ARRAY_CONSTRAINTS, 'type', 'default'] as const;
export type ConstraintName = (typeof CONSTRAINT_NAMES)[number];

export interface Constraint {
  name: ConstraintName;
  value: JsonValue;
  /** How the user wrote it, for messages: `tags.Minimum<1>` or `@minimum 1`. */
  source: string;
}

export const KNOWN_FORMATS = new Set([
  'email', 'uuid', 'uri', 'url', 'uri-reference', 'uri-template', 'iri', 'iri-reference', 'hostname', 'idn-email',
  'idn-hostname', 'ipv4', 'ipv6', 'date-time', 'date', 'time', 'duration', 'byte', 'binary', 'password', 'regex',
  'json-pointer', 'relative-json-pointer',
]);
const NUMERIC_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'float', 'double']);
const COUNTS = new Set<ConstraintName>(['minLength', 'maxLength', 'minItems', 'maxItems']);

export function isConstraintName(name: string): name is ConstraintName {
  return (CONSTRAINT_NAMES as readonly string[]).includes(name);
}

/** The reason a constraint's value is invalid, or undefined when it is fine. */
export function invalidValue(c: Constraint): string | undefined {
  const v = c.value;
  if (COUNTS.has(c.name)) return Number.isInteger(v) && (v as number) >= 0 ? undefined : 'expects a non-negative integer';
  if ((NUMERIC_CONSTRAINTS as readonly string[]).includes(c.name)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'expects a number';
    return c.name === 'multipleOf' && v <= 0 ? 'expects a positive number' : undefined;
  }
  switch (c.name) {
    case 'pattern':
      if (typeof v !== 'string') return 'expects a regular expression string';
      try {
        new RegExp(v, 'u');
        return undefined;
      } catch (error) {
        return `is not a valid regular expression (${(error as Error).message})`;
      }
    case 'format':
      return typeof v === 'string' && KNOWN_FORMATS.has(v) ? undefined : `expects one of the known formats: ${[...KNOWN_FORMATS].join(', ')}`;
    case 'type':
      return typeof v === 'string' && NUMERIC_TYPES.has(v) ? undefined : `expects one of ${[...NUMERIC_TYPES].join(', ')}`;
    case 'uniqueItems':
      return v === true ? undefined : 'expects true';
    default:
      return undefined;
  }
}

/** Applies checked constraints to `base`; a constraint that does not fit its type is reported. */
export function applyConstraints(base: GType, constraints: Constraint[], site: Site, ctx: ConvertContext): GType {
  let result = base;
  for (const c of constraints) {
    const reason = invalidValue(c);
    if (reason) {
      ctx.fail('GATI1008', `${c.source} on '${site.path}' ${reason}`, site);
      continue;
    }
    const applied = applyOne(result, c);
    if (applied) result = applied;
    else ctx.fail('GATI1009', `${c.source} does not apply to '${site.path}', which is ${kindName(result)}`, site);
  }
  return result;
}

function applyOne(t: GType, c: Constraint): GType | undefined {
  if (c.name === 'default') return { ...t, default: c.value };
  switch (t.kind) {
    case 'string':
      return (STRING_CONSTRAINTS as readonly string[]).includes(c.name) ? { ...t, [c.name]: c.value } : undefined;
    case 'number':
    case 'integer':
      if (c.name === 'type') {
        const v = c.value as string;
        return v === 'float' || v === 'double' ? { ...t, kind: 'number', format: v } : { ...t, kind: 'integer', format: v };
      }
      return (NUMERIC_CONSTRAINTS as readonly string[]).includes(c.name) ? { ...t, [c.name]: c.value } : undefined;
    case 'array':
      return (ARRAY_CONSTRAINTS as readonly string[]).includes(c.name) ? { ...t, [c.name]: c.value } : undefined;
    case 'union': {
      // `string | null` with @maxLength: constrain the members it fits, leave the rest.
      let hit = false;
      const members = t.members.map((m) => {
        const applied = m.kind === 'null' ? undefined : applyOne(m, c);
        if (applied) hit = true;
        return applied ?? m;
      });
      return hit ? { ...t, members } : undefined;
    }
    default:
      return undefined;
  }
}

function kindName(t: GType): string {
  switch (t.kind) {
    case 'ref': return `the named type '${t.id.slice(t.id.indexOf('#') + 1)}' (put the constraint on its declaration)`;
    case 'integer': case 'array': case 'enum': case 'object': case 'union': case 'unknown':
      return `an ${t.kind}`;
    default: return `a ${t.kind}`;
  }
}

/** Parses a JSDoc tag's text into a constraint value: numbers for numeric names, JSON for defaults. */
export function jsDocValue(name: ConstraintName, text: string): JsonValue {
  const trimmed = text.trim();
  if (name === 'uniqueItems') return trimmed === '' || trimmed === 'true' ? true : trimmed;
  if (name === 'pattern' || name === 'format' || name === 'type') return trimmed;
  if (name === 'default') {
    try {
      return JSON.parse(trimmed) as JsonValue;
    } catch {
      return trimmed;
    }
  }
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : trimmed;
}
