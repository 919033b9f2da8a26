// Unions: `undefined` members are dropped (JSON has none), `true | false` folds back to boolean,
// members keep the order they are written in, and an object union with a unique literal property
// per member records it as the discriminator.
import ts from '../../typescript.cjs';
import type { GType } from '../../../model/gtype.js';
import type { ConvertContext, Site, TypeParser } from './context.js';

export const unionParser: TypeParser = {
  name: 'union',
  supports: (t) => t.isUnion(),
  parse: (t, site, ctx) => {
    const kept = (t as ts.UnionType).types.filter((m) => !(m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const ordered = sourceOrder(kept, t, site, ctx);
    const members = foldBoolean(ordered.map((m) => ctx.convert(m, site)));
    if (members.length === 0) return { kind: 'void' };
    if (members.length === 1) return members[0]!;
    const discriminator = findDiscriminator(kept, ctx);
    return discriminator ? { kind: 'union', members, discriminator } : { kind: 'union', members };
  },
};

/**
 * The checker orders union members by internal type id, which depends on what was checked first
 * (so a cold and an incremental build could disagree). Order them as the source writes them
 * instead; members the source does not spell out go last, in a canonical order.
 */
function sourceOrder(members: ts.Type[], union: ts.Type, site: Site, ctx: ConvertContext): ts.Type[] {
  const written: ts.Type[] = [];
  const collect = (node: ts.TypeNode | undefined): void => {
    if (!node) return;
    if (ts.isParenthesizedTypeNode(node)) return collect(node.type);
    if (ts.isUnionTypeNode(node)) return node.types.forEach(collect);
    if (ts.isArrayTypeNode(node)) collect(node.elementType); // `(string | null)[]`: the element union's order
    const type = ctx.checker.getTypeFromTypeNode(node);
    if (type.isUnion()) type.types.forEach((m) => written.push(m));
    else written.push(type);
  };
  const aliasDecl = union.aliasSymbol?.declarations?.find(ts.isTypeAliasDeclaration);
  collect(aliasDecl?.type);
  const siteType = (site.node as { type?: ts.TypeNode }).type;
  if (siteType && ts.isTypeNode(siteType)) collect(siteType);
  const rank = (m: ts.Type) => {
    const i = written.indexOf(m);
    return i === -1 ? written.length : i;
  };
  const names = new Map<ts.Type, string>();
  const name = (m: ts.Type) => names.get(m) ?? (names.set(m, canonical(m, ctx)), names.get(m)!);
  return [...members].sort((a, b) => rank(a) - rank(b) || compare(name(a), name(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(t: ts.Type, ctx: ConvertContext): string {
  const nullLast = t.flags & ts.TypeFlags.Null ? '~' : '';
  return nullLast + ctx.checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
}

/** `true | false` (also when each carries the same tags) is a boolean. */
function foldBoolean(members: GType[]): GType[] {
  const t = members.findIndex((m) => m.kind === 'literal' && m.value === true);
  const f = members.findIndex((m) => m.kind === 'literal' && m.value === false);
  if (t === -1 || f === -1) return members;
  const { kind: _kind, value: _value, ...annotations } = members[Math.min(t, f)] as Extract<GType, { kind: 'literal' }>;
  const out = members.filter((_, i) => i !== t && i !== f);
  out.splice(Math.min(t, f), 0, { ...annotations, kind: 'boolean' });
  return out;
}

function findDiscriminator(members: ts.Type[], ctx: ConvertContext): string | undefined {
  if (members.length < 2 || !members.every((m) => m.flags & ts.TypeFlags.Object)) return undefined;
  for (const candidate of ctx.checker.getPropertiesOfType(members[0]!)) {
    const seen = new Set<unknown>();
    const ok = members.every((m) => {
      const prop = ctx.checker.getPropertyOfType(m, candidate.name);
      if (!prop || prop.flags & ts.SymbolFlags.Optional) return false;
      const type = ctx.checker.getTypeOfSymbol(prop);
      if (!(type.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral))) return false;
      const value = (type as ts.LiteralType).value;
      if (seen.has(value)) return false;
      seen.add(value);
      return true;
    });
    if (ok) return candidate.name;
  }
  return undefined;
}
