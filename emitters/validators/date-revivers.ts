// Code that turns validated date-time strings into Date objects where the GType says `date`, so a
// handler receives `Date`s. Generated per input part; named types get one function each.
import { childrenOf, resolveRef, type GType, type NamedType } from '../../model/gtype.js';

export interface ReviverCode {
  /** Function declarations to put in the module (one per named type that holds dates). */
  functions: Map<string, string>;
}

const D = 'new Date(';

/** An expression statement list that revives dates inside `v` (an lvalue expression), or '' when `t` holds none. */
export function reviveStatements(t: GType, v: string, types: Record<string, NamedType>, out: ReviverCode, depth = 0): string {
  if (!holdsDate(t, types, new Set())) return '';
  const i = `i${depth}`;
  switch (t.kind) {
    case 'date':
      return `if (typeof ${v} === 'string') ${v} = ${D}${v});`;
    case 'object': {
      const lines = t.properties.map((p) => {
        const inner = reviveStatements(p.type, `${v}[${JSON.stringify(p.name)}]`, types, out, depth + 1);
        return inner ? (p.optional ? `if (${v}[${JSON.stringify(p.name)}] !== undefined) { ${inner} }` : inner) : '';
      });
      if (t.additionalProperties) {
        const inner = reviveStatements(t.additionalProperties, `${v}[k${depth}]`, types, out, depth + 1);
        if (inner) lines.push(`for (const k${depth} in ${v}) { ${inner} }`);
      }
      return lines.filter(Boolean).join(' ');
    }
    case 'record': {
      const inner = reviveStatements(t.value, `${v}[k${depth}]`, types, out, depth + 1);
      return `for (const k${depth} in ${v}) { ${inner} }`;
    }
    case 'array':
      return `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { ${reviveStatements(t.items, `${v}[${i}]`, types, out, depth + 1)} }`;
    case 'tuple':
      return t.elements.map((e, n) => {
        if (e.rest) return `for (let ${i} = ${n}; ${i} < ${v}.length; ${i}++) { ${reviveStatements(e.type, `${v}[${i}]`, types, out, depth + 1)} }`;
        const inner = reviveStatements(e.type, `${v}[${n}]`, types, out, depth + 1);
        return inner ? `if (${v}.length > ${n}) { ${inner} }` : '';
      }).filter(Boolean).join(' ');
    case 'union': {
      // A string in a union is a date only when the union has a date member and no string member.
      const hasString = t.members.some((m) => m.kind === 'string' || (m.kind === 'literal' && typeof m.value === 'string') || m.kind === 'enum');
      const lines: string[] = [];
      if (!hasString && t.members.some((m) => m.kind === 'date')) lines.push(`if (typeof ${v} === 'string') ${v} = ${D}${v});`);
      const objects = t.members.filter((m) => m.kind !== 'date' && holdsDate(m, types, new Set()));
      // Members with dates inside: revive through each (the structures they share are harmless to revisit).
      for (const m of objects) lines.push(`if (${v} !== null && typeof ${v} === 'object') { ${reviveStatements(m, v, types, out, depth + 1)} }`);
      return lines.join(' ');
    }
    case 'ref': {
      const name = `revive_${t.id}`;
      if (!out.functions.has(name)) {
        out.functions.set(name, ''); // reserved first: recursion ends here
        out.functions.set(name, `function ${name}(v) { ${reviveStatements(resolveRef(t, types)!, 'v', types, out, 0)} return v; }`);
      }
      return `if (${v} !== null && ${v} !== undefined) ${v} = ${name}(${v});`;
    }
    default:
      return '';
  }
}

/** Whether any date is reachable from `t` (following refs; `seen` holds the refs already followed). */
export function holdsDate(t: GType, types: Record<string, NamedType>, seen: Set<string>): boolean {
  if (t.kind === 'date') return true;
  if (t.kind === 'ref') {
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    const def = resolveRef(t, types);
    return !!def && holdsDate(def, types, seen);
  }
  return childrenOf(t).some((child) => holdsDate(child, types, seen));
}
