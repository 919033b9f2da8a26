// Turns checker types into GTypes: named types become refs (defined once, so recursion works),
// everything else goes to the first parser in the chain that supports it.
import ts from '../typescript.cjs';
import { resolveRef, walkGType, type GType, type NamedType, type NamedTypes, type ObjectType } from '../../model/gtype.js';
import type { Code } from '../diagnostics/codes.js';
import { diagnostic, type Diagnostic, type DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { ConvertContext, Site, TypeParser } from './types/context.js';
import { anyParser, bigintParser, booleanParser, neverParser, nonPrimitiveParser, nullParser, numberParser, stringParser, symbolParser, typeParameterParser, voidParser } from './types/primitives.js';
import { literalParser } from './types/literal.js';
import { templateLiteralParser } from './types/template-literal.js';
import { enumParser } from './types/enum.js';
import { unionParser } from './types/union.js';
import { intersectionParser } from './types/intersection.js';
import { arrayParser, classInstanceParser, collectionParser, dateParser, tupleParser, unsupportedLibParser } from './types/builtin-objects.js';
import { objectParser } from './types/object.js';
import { arrayLikeParser } from './types/array-like.js';
import { locationOf, nodeLength, spanOf } from './span.js';
import { intrinsicName } from './ts-private.js';

/** Order matters: specific constructs before the general object parser. */
const PARSERS: TypeParser[] = [
  anyParser, neverParser, voidParser, nullParser, typeParameterParser, symbolParser, bigintParser,
  literalParser, templateLiteralParser, stringParser, numberParser, booleanParser, nonPrimitiveParser, enumParser, unionParser, intersectionParser,
  dateParser, collectionParser, unsupportedLibParser, arrayParser, tupleParser, arrayLikeParser, classInstanceParser, objectParser,
];

/**
 * A named type and the problems found in its own structure. Problems belong to the type, not to
 * the file that happened to convert it first: an incremental update that re-analyzes only some
 * files still reports every problem of every type the model reaches.
 */
export interface NamedEntry {
  def: NamedType;
  diagnostics: Diagnostic[];
}

/** What conversions of one program version share, across all its files. */
export interface TypeCache {
  /** Named types converted so far, by key (`<file>#<Name<Args>>`). */
  named: Map<string, NamedEntry>;
  /** Each checker type's name key, or null for an inlined type. */
  keys: Map<ts.Type, string | null>;
  /**
   * Named types from the previous program version that are still valid: declared in files whose
   * import closure holds no changed file. A type's structure can only come from its file's import
   * closure, so these are reused (with every named type they reach) instead of converted again.
   */
  previous: Map<string, NamedEntry>;
}

export function newTypeCache(previous: Map<string, NamedEntry> = new Map()): TypeCache {
  return { named: new Map(), keys: new Map(), previous };
}

export class TypeConverter implements ConvertContext {
  /** Keys of the named types this converter reached (for the per-file result). */
  readonly reached = new Set<string>();
  /** The named types being converted, innermost last: a problem is filed under the innermost. */
  private readonly owners: NamedEntry[] = [];
  /**
   * The sites in the app's own files that the conversion went through, innermost last. A problem
   * found inside a library's declaration (lib.es5.d.ts, a package) is reported at the innermost
   * of them, the user's code that brought the type in, with the library's position as a note.
   */
  private readonly appSites: Site[] = [];

  constructor(
    readonly checker: ts.TypeChecker,
    private readonly root: string,
    private readonly cache: TypeCache,
    private readonly diagnostics: DiagnosticBag,
  ) {}

  private get named(): Map<string, NamedEntry> {
    return this.cache.named;
  }

  convert(type: ts.Type, site: Site): GType {
    const own = isAppFile(site.node.getSourceFile(), this.root);
    if (own) this.appSites.push(site);
    try {
      return this.convertNamedOrInline(type, site);
    } finally {
      if (own) this.appSites.pop();
    }
  }

  private convertNamedOrInline(type: ts.Type, site: Site): GType {
    const key = this.nameKey(type);
    if (key === null) return this.convertStructure(type, site);
    this.reached.add(key);
    if (!this.named.has(key) && !this.adoptPrevious(key)) {
      const decl = type.aliasSymbol?.declarations?.[0] ?? type.symbol?.declarations?.[0];
      const def: NamedType = { name: key.slice(key.indexOf('#') + 1), type: { kind: 'unknown' } };
      if (decl) def.span = spanOf(decl, this.root);
      const entry: NamedEntry = { def, diagnostics: [] };
      this.named.set(key, entry); // reserved before descending, so a recursive use finds it
      this.owners.push(entry);
      const structure = this.convertStructure(type, site);
      this.owners.pop();
      const description = this.describeDeclaration(type);
      def.type = description && !structure.description ? { ...structure, description } : structure;
    } else {
      this.markReached(key);
    }
    return { kind: 'ref', id: key };
  }

  convertStructure(type: ts.Type, site: Site): GType {
    for (const parser of PARSERS) {
      if (parser.supports(type, this)) return parser.parse(type, site, this);
    }
    return this.fail('GATI1007', `'${site.path}' has the type '${this.checker.typeToString(type)}', which the compiler does not support (type flags ${type.flags})`, site);
  }

  fail(code: Code, message: string, site: Site): GType {
    const d = this.locate(code, message, site);
    const owner = this.owners[this.owners.length - 1];
    if (owner) owner.diagnostics.push(d);
    else this.diagnostics.add(d);
    return { kind: 'unknown' };
  }

  /** The diagnostic at `site`, or at the app code that led to it when `site` is in a library. */
  private locate(code: Code, message: string, site: Site): Diagnostic {
    const span = locationOf(site.node, this.root, nodeLength(site.node));
    const user = isAppFile(site.node.getSourceFile(), this.root) ? undefined : this.appSites[this.appSites.length - 1];
    if (!user) return diagnostic(code, message, { span });
    return diagnostic(code, message, {
      span: locationOf(user.node, this.root, nodeLength(user.node)),
      notes: [{ message: `'${site.path}' is declared in a library file, here`, span }],
    });
  }

  isLibSymbol(symbol: ts.Symbol | undefined): boolean {
    const decls = symbol?.declarations;
    if (!decls?.length) return false;
    return decls.every((d) => isDefaultLibFile(d.getSourceFile()));
  }

  /** Takes `key` and all it reaches from the previous version, when all of it is there. */
  private adoptPrevious(key: string): boolean {
    const { previous } = this.cache;
    if (!previous.has(key)) return false;
    const keys = new Set<string>();
    const stack = [key];
    while (stack.length) {
      const k = stack.pop()!;
      if (keys.has(k) || this.named.has(k)) continue;
      const entry = previous.get(k);
      if (!entry) return false;
      keys.add(k);
      walkGType(entry.def.type, (node) => {
        if (node.kind === 'ref') stack.push(node.id);
      });
    }
    for (const k of keys) this.named.set(k, previous.get(k)!);
    this.markReached(key);
    return true;
  }

  /** The named types converted so far, by analysis key: where the refs this converter makes lead. */
  readonly namedTypes: NamedTypes = (key) => this.named.get(key)?.def;

  /** The object a params/query/headers type stands for (refs resolved), or undefined when it is not one. */
  resolveObject(t: GType): ObjectType | undefined {
    const resolved = resolveRef(t, this.namedTypes);
    return resolved?.kind === 'object' && !resolved.additionalProperties ? resolved : undefined;
  }

  /** A type already converted in another file of this program: record what it reaches too. */
  private markReached(key: string): void {
    const stack = [key];
    const reach = (node: GType) => {
      if (node.kind === 'ref' && !this.reached.has(node.id)) {
        this.reached.add(node.id);
        stack.push(node.id);
      }
    };
    while (stack.length) {
      const entry = this.named.get(stack.pop()!);
      if (entry) walkGType(entry.def.type, reach);
    }
  }

  /**
   * The key of a named type, or null for types that are inlined: anonymous types, primitives
   * (even behind an alias: `type Id = string & tags.Format<'uuid'>`), and the default lib's
   * utility types (`Partial<User>` is inlined; a user's own mapped type keeps its name).
   */
  private nameKey(type: ts.Type): string | null {
    const cached = this.cache.keys.get(type);
    if (cached !== undefined) return cached;
    const key = this.computeNameKey(type);
    this.cache.keys.set(type, key);
    return key;
  }

  private computeNameKey(type: ts.Type): string | null {
    if (isInlineKind(type)) return null;
    let symbol: ts.Symbol | undefined;
    let args: readonly ts.Type[] = [];
    if (type.aliasSymbol && !this.isLibSymbol(type.aliasSymbol)) {
      symbol = type.aliasSymbol;
      args = type.aliasTypeArguments ?? [];
    } else if (type.symbol && type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum) && !this.isLibSymbol(type.symbol)) {
      if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) return null;
      symbol = type.symbol;
      args = type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? this.checker.getTypeArguments(type as ts.TypeReference) : [];
    }
    if (!symbol) return null;
    const decl = symbol.declarations?.[0];
    if (!decl) return null;
    const file = spanOf(decl, this.root).file;
    const name = args.length ? `${symbol.name}<${args.map((a) => this.argumentName(a)).join(', ')}>` : symbol.name;
    return `${file}#${name}`;
  }

  /** A type argument as written in a name (`Page<User>`): built from symbols, printed by the checker only when it must. */
  private argumentName(t: ts.Type): string {
    const intrinsic = intrinsicName(t);
    if (intrinsic !== undefined && !(t.flags & ts.TypeFlags.EnumLiteral)) return intrinsic;
    if (t.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral) && !(t.flags & ts.TypeFlags.EnumLiteral)) return JSON.stringify((t as ts.LiteralType).value);
    const symbol = t.aliasSymbol ?? t.symbol;
    const args = t.aliasSymbol ? t.aliasTypeArguments ?? [] : t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? this.checker.getTypeArguments(t as ts.TypeReference) : [];
    if (symbol && symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.TypeAlias) && !this.checker.isArrayType(t) && !this.checker.isTupleType(t)) {
      return args.length ? `${symbol.name}<${args.map((a) => this.argumentName(a)).join(', ')}>` : symbol.name;
    }
    return this.checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
  }

  private describeDeclaration(type: ts.Type): string | undefined {
    const symbol = type.aliasSymbol ?? type.symbol;
    const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim() : '';
    return text || undefined;
  }
}

/** Primitives, literals and tagged primitives stay inline even when an alias names them. */
function isInlineKind(type: ts.Type): boolean {
  const primitive = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.BigIntLike;
  if (type.flags & ts.TypeFlags.EnumLiteral && type.isUnion()) return false; // enums are named
  if (type.flags & primitive) return true;
  if (type.isIntersection()) return type.types.some((m) => m.flags & primitive);
  if (type.isUnion()) {
    // `string | null` is inlined; a literal union (`type Currency = 'USD' | 'EUR'`) keeps its name.
    const allPrimitive = type.types.every((m) => m.flags & primitive);
    const literals = type.types.filter((m) => !(m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    return allPrimitive && !literals.every((m) => m.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral));
  }
  return false;
}

/** A file of the app itself: under its root and outside node_modules (a package or TypeScript's lib are not). */
function isAppFile(sf: ts.SourceFile, root: string): boolean {
  return sf.fileName.startsWith(`${root}/`) && !sf.fileName.includes('/node_modules/');
}

function isDefaultLibFile(sf: ts.SourceFile): boolean {
  return sf.hasNoDefaultLib || /[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]*\.d\.ts$/.test(sf.fileName);
}
