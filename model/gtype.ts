// GType: the one typed intermediate form every emitter reads. A closed union tagged by `kind`;
// plain JSON data, so a model can be hashed, cached, snapshotted and diffed.

/** Annotations any node may carry (from JSDoc or tags). */
export interface Annotations {
  description?: string;
  default?: JsonValue;
  deprecated?: boolean;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StringType extends Annotations {
  kind: 'string';
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface NumericConstraints {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

export interface NumberType extends Annotations, NumericConstraints {
  kind: 'number';
  /** 'float' | 'double' when tagged with tags.Type. */
  format?: string;
}

export interface IntegerType extends Annotations, NumericConstraints {
  kind: 'integer';
  /** 'int32' | 'int64' | 'uint32' | 'uint64' */
  format?: string;
}

export interface BooleanType extends Annotations { kind: 'boolean' }
export interface NullType extends Annotations { kind: 'null' }
export interface LiteralType extends Annotations { kind: 'literal'; value: string | number | boolean }

export interface EnumMember { name: string; value: string | number }
export interface EnumType extends Annotations { kind: 'enum'; members: EnumMember[] }

export interface ObjectProperty {
  name: string;
  type: GType;
  optional: boolean;
  readonly: boolean;
  description?: string;
  span?: Span;
}

export interface ObjectType extends Annotations {
  kind: 'object';
  /** In declaration order. */
  properties: ObjectProperty[];
  /** Type of keys not listed in `properties` (from an index signature); absent means none allowed. */
  additionalProperties?: GType;
}

export interface ArrayType extends Annotations {
  kind: 'array';
  items: GType;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface TupleElement { type: GType; optional: boolean; rest: boolean; name?: string }
export interface TupleType extends Annotations { kind: 'tuple'; elements: TupleElement[] }

export interface UnionType extends Annotations {
  kind: 'union';
  members: GType[];
  /** Set when every member is an object with a literal-typed property of this name, unique per member. */
  discriminator?: string;
}

/** `Record<string, V>` or a bare index signature: any string key, values of one type. */
export interface RecordType extends Annotations {
  kind: 'record';
  /** Key constraint: string, or a string type with a pattern/format. */
  key: StringType;
  value: GType;
}

/** A `Date`: an ISO 8601 date-time string on the wire, a Date object in the handler. */
export interface DateType extends Annotations { kind: 'date' }

/** A named type, defined once in AppModel.types under `id` (so recursion works). */
export interface RefType extends Annotations { kind: 'ref'; id: string }

/** `unknown`/`any`: anything is accepted. */
export interface UnknownType extends Annotations { kind: 'unknown' }

/** No body (`void`/`undefined` as an output, e.g. `{ 204: void }`). */
export interface VoidType extends Annotations { kind: 'void' }

export type GType =
  | StringType | NumberType | IntegerType | BooleanType | NullType | LiteralType | EnumType
  | ObjectType | ArrayType | TupleType | UnionType | RecordType | DateType | RefType | UnknownType | VoidType;

export type GTypeKind = GType['kind'];

/** A position in the user's source: relative path from the app root, 1-based line and column. */
export interface Span { file: string; line: number; column: number }

/** A named type: its definition and where it was declared. */
export interface NamedType {
  /** The name as written, with type arguments (`Paginated<User>`). */
  name: string;
  type: GType;
  span?: Span;
}

/** Compile-time exhaustiveness check for `switch (t.kind)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected GType kind: ${JSON.stringify(value)}`);
}

/**
 * Every kind of GType, in the union's order: for tests and tools that must cover each one. The
 * `satisfies` line makes a kind added to the union without an entry here a compile error.
 */
export const GTYPE_KINDS = Object.keys({
  string: true, number: true, integer: true, boolean: true, null: true, literal: true, enum: true,
  object: true, array: true, tuple: true, union: true, record: true, date: true, ref: true, unknown: true, void: true,
} satisfies Record<GTypeKind, true>) as GTypeKind[];

const NO_CHILDREN: readonly GType[] = Object.freeze([]);

/**
 * The GTypes directly below `t`, in declaration order: an object's property types then its
 * additionalProperties, an array's items, a tuple's element types, a union's members, a record's
 * key then value. Refs are leaves here (follow them with resolveRef). The one place that knows
 * where each kind keeps its children: walks build on it instead of switching on `kind` again.
 */
export function childrenOf(t: GType): readonly GType[] {
  switch (t.kind) {
    case 'object': {
      const types = t.properties.map((p) => p.type);
      if (t.additionalProperties) types.push(t.additionalProperties);
      return types;
    }
    case 'array': return [t.items];
    case 'tuple': return t.elements.map((e) => e.type);
    case 'union': return t.members;
    case 'record': return [t.key, t.value];
    case 'string': case 'number': case 'integer': case 'boolean': case 'null': case 'literal': case 'enum':
    case 'date': case 'ref': case 'unknown': case 'void':
      return NO_CHILDREN;
    default: return assertNever(t);
  }
}

/**
 * Rebuilds the tree under `t` bottom-up: each child is mapped first, then `f` receives the node,
 * already holding its mapped children, and returns what takes its place. Every node that has
 * children is a fresh copy (the input is never changed or shared with the output); leaves reach
 * `f` as they are. Refs are not followed, so a recursive type maps in finite time. A record's key
 * must stay a string type: `f` turning it into anything else is a bug, reported as one.
 */
export function mapGType(t: GType, f: (node: GType) => GType): GType {
  const g = (child: GType) => mapGType(child, f);
  switch (t.kind) {
    case 'object': {
      const out: ObjectType = { ...t, properties: t.properties.map((p) => ({ ...p, type: g(p.type) })) };
      if (t.additionalProperties) out.additionalProperties = g(t.additionalProperties);
      return f(out);
    }
    case 'array': return f({ ...t, items: g(t.items) });
    case 'tuple': return f({ ...t, elements: t.elements.map((e) => ({ ...e, type: g(e.type) })) });
    case 'union': return f({ ...t, members: t.members.map(g) });
    case 'record': {
      const key = g(t.key);
      if (key.kind !== 'string') throw new Error(`mapGType: a record key must stay a string type, not '${key.kind}'`);
      return f({ ...t, key, value: g(t.value) });
    }
    case 'string': case 'number': case 'integer': case 'boolean': case 'null': case 'literal': case 'enum':
    case 'date': case 'ref': case 'unknown': case 'void':
      return f(t);
    default: return assertNever(t);
  }
}

/**
 * Where named types are found: a model's `types` by id, or a lookup function (the analyzer keeps
 * its named types in its own cache, keyed by declaration).
 */
export type NamedTypes = Readonly<Record<string, NamedType>> | ((id: string) => NamedType | undefined);

function definitionOf(id: string, types: NamedTypes): NamedType | undefined {
  if (typeof types === 'function') return types(id);
  return Object.prototype.hasOwnProperty.call(types, id) ? types[id] : undefined;
}

/**
 * The structure `t` stands for: `t` itself when it is not a ref, otherwise its named type's
 * definition, following a ref to a ref until a structure is reached. Undefined when an id has no
 * definition or the refs only lead back to themselves; each caller says what that means for it.
 */
export function resolveRef(t: GType, types: NamedTypes): GType | undefined {
  let seen: Set<string> | undefined;
  while (t.kind === 'ref') {
    if (seen?.has(t.id)) return undefined;
    (seen ??= new Set()).add(t.id);
    const def = definitionOf(t.id, types);
    if (!def) return undefined;
    t = def.type;
  }
  return t;
}

/** Visits every GType node below `root` (not following refs), parents first, children in childrenOf's order. */
export function walkGType(root: GType, visit: (node: GType) => void): void {
  visit(root);
  for (const child of childrenOf(root)) walkGType(child, visit);
}

/** The ids of every named type reachable from `roots`, following refs through `types`. */
export function reachableTypeIds(roots: GType[], types: NamedTypes): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    walkGType(stack.pop()!, (node) => {
      if (node.kind === 'ref' && !seen.has(node.id)) {
        seen.add(node.id);
        const def = definitionOf(node.id, types);
        if (def) stack.push(def.type);
      }
    });
  }
  return [...seen].sort();
}
