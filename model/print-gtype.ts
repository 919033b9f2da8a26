// A GType as a one-line TypeScript-like string, for humans: `gati routes --types`, diffs, messages.
import { assertNever, type GType } from './gtype.js';

export function printGType(t: GType): string {
  switch (t.kind) {
    case 'string': return withConstraints('string', t, ['format', 'minLength', 'maxLength', 'pattern']);
    case 'number': return withConstraints('number', t, ['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
    case 'integer': return withConstraints('integer', t, ['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
    case 'boolean': case 'null': case 'unknown': case 'void': return t.kind;
    case 'literal': return JSON.stringify(t.value);
    case 'enum': return t.members.map((m) => JSON.stringify(m.value)).join(' | ');
    case 'date': return 'Date';
    case 'ref': return t.id;
    case 'array': return withConstraints(`${wrap(t.items)}[]`, t, ['minItems', 'maxItems', 'uniqueItems']);
    case 'tuple': return `[${t.elements.map((e) => `${e.rest ? '...' : ''}${e.name ? `${e.name}${e.optional ? '?' : ''}: ` : ''}${printGType(e.type)}${e.rest ? '[]' : ''}${!e.name && e.optional ? '?' : ''}`).join(', ')}]`;
    case 'union': return t.members.map(wrap).join(' | ');
    case 'record': return `Record<string, ${printGType(t.value)}>`;
    case 'object': {
      const props = t.properties.map((p) => `${p.readonly ? 'readonly ' : ''}${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name)}${p.optional ? '?' : ''}: ${printGType(p.type)}`);
      if (t.additionalProperties) props.push(`[key: string]: ${printGType(t.additionalProperties)}`);
      return props.length ? `{ ${props.join('; ')} }` : '{}';
    }
    default: return assertNever(t);
  }
}

function wrap(t: GType): string {
  return t.kind === 'union' || (t.kind === 'enum' && t.members.length > 1) ? `(${printGType(t)})` : printGType(t);
}

function withConstraints(base: string, t: object, keys: string[]): string {
  const parts = keys.filter((k) => (t as Record<string, unknown>)[k] !== undefined).map((k) => `${k}=${JSON.stringify((t as Record<string, unknown>)[k])}`);
  return parts.length ? `${base}<${parts.join(',')}>` : base;
}
