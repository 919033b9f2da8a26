// Code that turns the strings of params, query and headers into their declared types before
// validation. Written here rather than left to AJV's coerceTypes, which would turn `?limit=%204` into 4,
// `?limit=0x10` into 16 and `['4']` into 4. Every API version's validators use them (versions.ts).
import { resolveRef, type GType, type NamedType, type ObjectType } from '../../model/gtype.js';

type Scalar = 'number' | 'boolean' | 'string';

/** Statements coercing the object `o` in place, or '' when nothing needs it. */
export function coerceStatements(type: GType, types: Record<string, NamedType>): string {
  const object = resolve(type, types);
  if (object.kind !== 'object') return '';
  const lines: string[] = [];
  for (const [i, p] of (object as ObjectType).properties.entries()) {
    const key = JSON.stringify(p.name);
    const t = resolve(p.type, types);
    if (t.kind === 'array') {
      const item = scalarOf(resolve(t.items, types), types);
      const convert = item === 'number' ? 'toNumber' : item === 'boolean' ? 'toBoolean' : '';
      // A lone `?tag=a` is an array of one; each element is converted.
      lines.push(`v = o[${key}]; if (v !== undefined) { if (!Array.isArray(v)) v = o[${key}] = [v];${convert ? ` for (let i${i} = 0; i${i} < v.length; i${i}++) v[i${i}] = ${convert}(v[i${i}]);` : ''} }`);
      continue;
    }
    const scalar = scalarOf(t, types);
    if (scalar === 'number') lines.push(`v = o[${key}]; if (typeof v === 'string') o[${key}] = toNumber(v);`);
    else if (scalar === 'boolean') lines.push(`v = o[${key}]; if (typeof v === 'string') o[${key}] = toBoolean(v);`);
  }
  return lines.length ? `let v; ${lines.join(' ')}` : '';
}

/** Helpers the coercers call; emitted once per module that needs them. */
export const COERCE_HELPERS = [
  "const NUMERIC = /^-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?$/;",
  '/** A numeric string becomes a number; anything else stays a string and fails validation with a clear message. */',
  'function toNumber(s) { return typeof s === "string" && NUMERIC.test(s) ? Number(s) : s; }',
  'function toBoolean(s) { return s === "true" ? true : s === "false" ? false : s; }',
].join('\n');

/** What a URL string should become (`t` already resolved): a union converts only when it has no string-like member. */
function scalarOf(t: GType, types: Record<string, NamedType>): Scalar {
  switch (t.kind) {
    case 'number': case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'literal': return typeof t.value === 'number' ? 'number' : typeof t.value === 'boolean' ? 'boolean' : 'string';
    case 'enum': return t.members.every((m) => typeof m.value === 'number') ? 'number' : 'string';
    case 'union': {
      const kinds = new Set(t.members.map((m) => (m.kind === 'null' ? 'null' : scalarOf(resolve(m, types), types))));
      kinds.delete('null');
      return kinds.size === 1 ? [...kinds][0] as Scalar : 'string';
    }
    default: return 'string';
  }
}

/** The structure behind a ref; an unresolvable ref stays as it is (and reads as a string). */
function resolve(t: GType, types: Record<string, NamedType>): GType {
  return resolveRef(t, types) ?? t;
}
