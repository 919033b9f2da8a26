// An example value for a JSON Schema, to start the request editor's body and WebSocket messages
// from something valid: defaults and constants first, the first enum member, the first union
// member, every required property (optional ones left out), minimal arrays and strings within bounds.
import { resolve, type Schema } from './schema-check';

export function exampleOf(schema: Schema | undefined, root: Record<string, unknown> = typeof schema === 'object' ? schema : {}, depth = 0): unknown {
  if (!schema || schema === true || depth > 12) return null;
  const s = schema as Record<string, any>;
  if (s.default !== undefined) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (typeof s.$ref === 'string') return exampleOf(resolve(root, s.$ref), root, depth + 1);
  if (Array.isArray(s.oneOf) && s.oneOf.length) return exampleOf(s.oneOf[0], root, depth + 1);
  if (Array.isArray(s.anyOf) && s.anyOf.length) return exampleOf(s.anyOf.find((m: Record<string, unknown>) => m.type !== 'null') ?? s.anyOf[0], root, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return new Date(0).toISOString();
      if (s.format === 'email') return 'user@example.com';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return (s.minLength ?? 0) <= 6 && (s.maxLength ?? 6) >= 6 ? 'string' : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : typeof s.maximum === 'number' ? Math.min(0, s.maximum) : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const prefix: Schema[] = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      const items = prefix.map((p) => exampleOf(p, root, depth + 1));
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      while (items.length < min && s.items) items.push(exampleOf(s.items, root, depth + 1));
      return items;
    }
    case 'object':
    default: {
      if (type === undefined && !s.properties) return null;
      const out: Record<string, unknown> = {};
      const properties: Record<string, Schema> = s.properties ?? {};
      for (const name of Array.isArray(s.required) ? s.required : []) out[name] = exampleOf(properties[name], root, depth + 1);
      return out;
    }
  }
}
