// GType → serializer source: one function per node of a declared response type, each
// `(v, k) => string | undefined` (undefined: JSON.stringify would leave the value out). Every
// function first tests that the value has its declared shape and otherwise hands it to `$any`
// (JSON.stringify), so its output is byte-identical to JSON.stringify's for any value. Objects are
// walked in their own key order (Object.keys, as JSON.stringify does), with the declared
// properties' serializers picked by a switch and undeclared properties written by `$any`: a
// response keeps the extra properties it has today (the runtime sends JSON.stringify(body)).
import { resolveRef, type GType, type NamedType, type ObjectType, type UnionType } from '../../model/gtype.js';

export class SerializerCode {
  private readonly functions: string[] = [];
  private readonly named = new Map<string, string>();
  private readonly byStatements = new Map<string, string>();

  constructor(private readonly types: Record<string, NamedType>) {}

  /** The name of a function serializing `t` (emitted once per named type, so recursion works). */
  fn(t: GType): string {
    if (t.kind === 'ref') {
      const known = this.named.get(t.id);
      if (known) return known;
      const name = `t${this.named.size}`;
      this.named.set(t.id, name);
      const def = this.types[t.id];
      this.functions.push(def ? `function ${name}(v, k) {\n${this.statements(def.type)}\n}` : `function ${name}(v, k) { return $any(v, k); }`);
      return name;
    }
    // Same statements, same function: the many `typeof v === 'string'` leaves share one.
    const statements = this.statements(t);
    const same = this.byStatements.get(statements);
    if (same) return same;
    const name = `f${this.byStatements.size}`;
    this.byStatements.set(statements, name);
    this.functions.push(`function ${name}(v, k) {\n${statements}\n}`);
    return name;
  }

  /** Every function emitted so far, in order. */
  source(): string {
    return this.functions.join('\n');
  }

  private statements(t: GType): string {
    switch (t.kind) {
      case 'string': return `  return typeof v === 'string' ? $str(v) : $any(v, k);`;
      case 'number': case 'integer': return `  return typeof v === 'number' ? $num(v) : $any(v, k);`;
      case 'boolean': return `  return v === true ? 'true' : v === false ? 'false' : $any(v, k);`;
      case 'null': return `  return v === null ? 'null' : $any(v, k);`;
      case 'literal': return `  return v === ${JSON.stringify(t.value)} ? ${JSON.stringify(JSON.stringify(t.value))} : $any(v, k);`;
      case 'enum': return `  return typeof v === 'string' ? $str(v) : typeof v === 'number' ? $num(v) : $any(v, k);`;
      case 'date': return `  return $date(v, k);`;
      case 'unknown': case 'void': return `  return $any(v, k);`;
      case 'ref': return `  return ${this.fn(t)}(v, k);`;
      case 'array': return this.array(() => this.fn(t.items));
      case 'tuple': return this.tuple(t.elements.map((e) => ({ fn: this.fn(e.type), rest: e.rest })));
      case 'record': return this.object([], this.fn(t.value));
      case 'object': return this.object(t.properties.map((p) => ({ name: p.name, fn: this.fn(p.type) })), t.additionalProperties ? this.fn(t.additionalProperties) : undefined);
      case 'union': return this.union(t);
    }
  }

  private array(item: () => string): string {
    const f = item();
    return [
      `  if (!$isArray(v)) return $any(v, k);`,
      `  let s = '[';`,
      `  for (let i = 0; i < v.length; i++) {`,
      `    const x = ${f}(v[i], i);`,
      `    s += (i === 0 ? '' : ',') + (x === undefined ? 'null' : x);`,
      `  }`,
      `  return s + ']';`,
    ].join('\n');
  }

  /** Elements past the declared ones take the rest element's serializer, or `$any`. */
  private tuple(elements: { fn: string; rest: boolean }[]): string {
    const fixed = elements.filter((e) => !e.rest);
    const rest = elements.find((e) => e.rest)?.fn ?? '$any';
    const table = `[${fixed.map((e) => e.fn).join(', ')}]`;
    return [
      `  if (!$isArray(v)) return $any(v, k);`,
      `  const fs = ${table};`,
      `  let s = '[';`,
      `  for (let i = 0; i < v.length; i++) {`,
      `    const x = (i < fs.length ? fs[i] : ${rest})(v[i], i);`,
      `    s += (i === 0 ? '' : ',') + (x === undefined ? 'null' : x);`,
      `  }`,
      `  return s + ']';`,
    ].join('\n');
  }

  /**
   * Own keys in their own order; a declared key's JSON name is written as a constant. The common
   * case first: the object's own keys are exactly the declared ones in declared order (an object
   * literal written as the type reads), so each property is read directly, with no switch on the
   * key; any other object (extra keys, another order, missing keys) takes the general loop.
   */
  private object(properties: { name: string; fn: string }[], other: string | undefined): string {
    const cases = properties.map((p) => `      case ${JSON.stringify(p.name)}: x = ${p.fn}(v[key], key); if (x !== undefined) { s += (c ? ${JSON.stringify(',' + JSON.stringify(p.name) + ':')} : ${JSON.stringify(JSON.stringify(p.name) + ':')}) + x; c = true; } continue;`);
    const fallback = other ?? '$any';
    return [
      `  if (!$isObject(v)) return $any(v, k);`,
      `  const keys = Object.keys(v);`,
      ...this.declaredOrder(properties),
      `  let s = '{', c = false, x;`,
      `  for (let i = 0; i < keys.length; i++) {`,
      `    const key = keys[i];`,
      ...(cases.length ? [`    switch (key) {`, ...cases, `    }`] : []),
      `    x = ${fallback}(v[key], key);`,
      `    if (x !== undefined) { s += (c ? ',' : '') + $str(key) + ':' + x; c = true; }`,
      `  }`,
      `  return s + '}';`,
    ].join('\n');
  }

  /** The fast path of `object`: straight-line reads when the own keys are the declared ones, in order. */
  private declaredOrder(properties: { name: string; fn: string }[]): string[] {
    if (properties.length === 0) return [];
    const same = properties.map((p, i) => `keys[${i}] === ${JSON.stringify(p.name)}`).join(' && ');
    const lines = [`  if (keys.length === ${properties.length} && ${same}) {`, `    let s = '{', x;`];
    properties.forEach((p, i) => {
      const name = JSON.stringify(p.name);
      const read = `x = ${p.fn}(v[${name}], ${name});`;
      // The first property written needs no comma; after the first, s is longer than '{'.
      const prefix = i === 0 ? JSON.stringify(`${JSON.stringify(p.name)}:`) : `(s.length === 1 ? ${JSON.stringify(`${JSON.stringify(p.name)}:`)} : ${JSON.stringify(`,${JSON.stringify(p.name)}:`)})`;
      lines.push(`    ${read} if (x !== undefined) s += ${prefix} + x;`);
    });
    lines.push(`    return s + '}';`, `  }`);
    return lines;
  }

  /**
   * A discriminated union switches on the discriminator's value; otherwise a member is picked by a
   * typeof test when exactly one member can match. Any member's serializer is exact for any value,
   * so the choice is about speed only; an undecidable value goes to `$any`.
   */
  private union(t: UnionType): string {
    const lines: string[] = [];
    const objectMembers = t.members.filter((m) => testOf(resolveRef(m, this.types) ?? m) === 'object');
    if (t.discriminator && objectMembers.length === t.members.length) {
      const tag = JSON.stringify(t.discriminator);
      lines.push(`  if ($isObject(v)) switch (v[${tag}]) {`);
      for (const m of t.members) {
        const value = discriminatorValue(resolveRef(m, this.types), t.discriminator);
        if (value !== undefined) lines.push(`    case ${JSON.stringify(value)}: return ${this.fn(m)}(v, k);`);
      }
      lines.push('  }');
    } else {
      const byTest = new Map<Exclude<Test, 'any'>, GType[]>();
      for (const m of t.members) {
        const test = testOf(resolveRef(m, this.types) ?? m);
        if (test === 'any') return `  return $any(v, k);`;
        byTest.set(test, [...(byTest.get(test) ?? []), m]);
      }
      for (const [test, members] of byTest) {
        const primitive = PRIMITIVES[test];
        // A primitive is written the same whichever member it is; two object (or two array)
        // members without a discriminator: which one is undecidable here.
        const target = primitive ?? `${members.length === 1 ? this.fn(members[0]!) : '$any'}(v, k)`;
        lines.push(`  if (${TESTS[test]}) return ${target};`);
      }
    }
    lines.push(`  return $any(v, k);`);
    return lines.join('\n');
  }
}

type Test = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'date' | 'any';
const TESTS: Record<Exclude<Test, 'any'>, string> = {
  string: `typeof v === 'string'`,
  number: `typeof v === 'number'`,
  boolean: `typeof v === 'boolean'`,
  null: `v === null`,
  object: `$isObject(v)`,
  array: `Array.isArray(v)`,
  date: `v instanceof Date`,
};

const PRIMITIVES: Partial<Record<Test, string>> = { string: '$str(v)', number: '$num(v)', boolean: `v ? 'true' : 'false'`, null: `'null'` };

/** Which cheap test tells a union member's values apart from the other members'. */
function testOf(t: GType): Test {
  switch (t.kind) {
    case 'string': return 'string';
    case 'number': case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'literal': return typeof t.value === 'string' ? 'string' : typeof t.value === 'number' ? 'number' : 'boolean';
    case 'object': case 'record': return 'object';
    case 'array': case 'tuple': return 'array';
    case 'date': return 'date';
    // An enum may mix strings and numbers; a nested union or an unresolved ref is left to $any.
    case 'enum': case 'union': case 'ref': case 'unknown': case 'void': return 'any';
  }
}

function discriminatorValue(t: GType | undefined, tag: string): string | number | boolean | undefined {
  if (!t || t.kind !== 'object') return undefined;
  const prop = (t as ObjectType).properties.find((p) => p.name === tag);
  return prop && prop.type.kind === 'literal' ? prop.type.value : undefined;
}
