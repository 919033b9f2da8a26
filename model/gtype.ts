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

/** Visits every GType node below `root` (not following refs), parents first. */
export function walkGType(root: GType, visit: (node: GType) => void): void {
  visit(root);
  switch (root.kind) {
    case 'object':
      for (const p of root.properties) walkGType(p.type, visit);
      if (root.additionalProperties) walkGType(root.additionalProperties, visit);
      return;
    case 'array': return walkGType(root.items, visit);
    case 'tuple': for (const e of root.elements) walkGType(e.type, visit); return;
    case 'union': for (const m of root.members) walkGType(m, visit); return;
    case 'record': walkGType(root.key, visit); walkGType(root.value, visit); return;
    case 'string': case 'number': case 'integer': case 'boolean': case 'null': case 'literal': case 'enum':
    case 'date': case 'ref': case 'unknown': case 'void':
      return;
    default: assertNever(root);
  }
}

/** The ids of every named type reachable from `roots`, following refs through `types`. */
export function reachableTypeIds(roots: GType[], types: Record<string, NamedType>): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    walkGType(stack.pop()!, (node) => {
      if (node.kind === 'ref' && !seen.has(node.id)) {
        seen.add(node.id);
        const def = types[node.id];
        if (def) stack.push(def.type);
      }
    });
  }
  return [...seen].sort();
}
