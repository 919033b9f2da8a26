// GType → TypeScript type text as it travels on the wire (JSON): a Date is an ISO string, an enum
// the union of its values, a tagged type its base type. Named types are referred to by name, so
// recursion works and each is declared once.
import { assertNever, type GType } from '../../model/gtype.js';

/** How a named type's id is written in TypeScript (set up by the caller, collision-free). */
export type TypeNamer = (id: string) => string;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key: bare when it is an identifier, quoted otherwise (`'idempotency-key'`). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A JSDoc block for a description, indented; `*\/` in the text cannot end the comment early. */
export function docComment(text: string | undefined, indent: string): string {
  if (!text) return '';
  const lines = text.replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

export function wireType(t: GType, name: TypeNamer, indent = ''): string {
  switch (t.kind) {
    case 'string': case 'date': return 'string';
    case 'number': case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'literal': return literal(t.value);
    case 'enum': return t.members.map((m) => literal(m.value)).join(' | ') || 'never';
    case 'ref': return name(t.id);
    case 'unknown': return 'unknown';
    case 'void': return 'void';
    case 'array': return arrayOf(wireType(t.items, name, indent));
    case 'tuple': {
      // Labels must be on every element or none (a TypeScript rule).
      const labelled = t.elements.length > 0 && t.elements.every((e) => e.name && IDENTIFIER.test(e.name));
      const parts = t.elements.map((e) => {
        const type = wireType(e.type, name, indent);
        if (e.rest) return labelled ? `...${e.name}: ${arrayOf(type)}` : `...${arrayOf(type)}`;
        if (labelled) return `${e.name}${e.optional ? '?' : ''}: ${type}`;
        return e.optional ? `${paren(type)}?` : type;
      });
      return `[${parts.join(', ')}]`;
    }
    case 'union': return t.members.map((m) => paren(wireType(m, name, indent))).join(' | ') || 'never';
    case 'record': return `{ [key: string]: ${wireType(t.value, name, indent)} }`;
    case 'object': {
      const inner = `${indent}  `;
      const lines = t.properties.map((p) =>
        `${docComment(p.description, inner)}${inner}${propertyKey(p.name)}${p.optional ? '?' : ''}: ${wireType(p.type, name, inner)};\n`);
      // Declared properties must fit the index signature, so extra keys are typed loosely beside them.
      if (t.additionalProperties) {
        const extra = t.properties.length ? 'unknown' : wireType(t.additionalProperties, name, inner);
        lines.push(`${inner}[key: string]: ${extra};\n`);
      }
      return lines.length ? `{\n${lines.join('')}${indent}}` : '{}';
    }
    default: return assertNever(t);
  }
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

function arrayOf(type: string): string {
  return IDENTIFIER.test(type) ? `${type}[]` : `Array<${type}>`;
}

/** Function and union types need parentheses inside a union or before `?`. */
function paren(type: string): string {
  return type.includes(' | ') && !type.startsWith('{') && !type.startsWith('Array<') ? `(${type})` : type;
}
