// Intersections: tag members (`{ 'gati:minimum'?: 1 }`, or typia's `{ 'typia.tag'?: {...} }`) become
// constraints on the one real member; intersections of object types merge into one object.
import ts from '../../typescript.cjs';
import type { JsonValue } from '../../../model/gtype.js';
import { applyConstraints, isConstraintName, type Constraint } from '../constraints.js';
import type { ConvertContext, TypeParser } from './context.js';
import { describe } from './context.js';
import { convertObjectStructure } from './object.js';
import { convertArrayLike, isArrayLike } from './array-like.js';
import { isTrueType } from './literal.js';

const GATI_TAG = 'gati:';
const TYPIA_TAG = 'typia.tag';

export const intersectionParser: TypeParser = {
  name: 'intersection',
  supports: (t) => t.isIntersection(),
  parse: (t, site, ctx) => {
    const constraints: Constraint[] = [];
    const rest: ts.Type[] = [];
    for (const member of (t as ts.IntersectionType).types) {
      const tags = readTags(member, ctx);
      if (tags) constraints.push(...tags);
      else rest.push(member);
    }
    let base;
    if (rest.length === 1) base = ctx.convert(rest[0]!, site);
    else if (rest.length > 1 && rest.some((m) => isArrayLike(m, ctx))) base = convertArrayLike(t, site, ctx);
    else if (rest.length > 1 && rest.every((m) => m.flags & ts.TypeFlags.Object)) base = convertObjectStructure(t, site, ctx);
    else return ctx.fail('GATI1007', `'${site.path}' has the intersection '${describe(ctx, t)}', which has no JSON form`, site);
    return applyConstraints(base, constraints, site, ctx);
  },
};

/** The constraints a tag-only object type carries, or undefined when the type is not a tag. */
function readTags(member: ts.Type, ctx: ConvertContext): Constraint[] | undefined {
  if (!(member.flags & ts.TypeFlags.Object)) return undefined;
  const props = ctx.checker.getPropertiesOfType(member);
  if (props.length === 0 || !props.every((p) => p.name.startsWith(GATI_TAG) || p.name === TYPIA_TAG)) return undefined;
  const out: Constraint[] = [];
  for (const prop of props) {
    const type = ctx.checker.getNonNullableType(ctx.checker.getTypeOfSymbol(prop));
    if (prop.name === TYPIA_TAG) {
      const kind = literalOf(propType(type, 'kind', ctx), ctx);
      const value = literalOf(propType(type, 'value', ctx), ctx);
      if (typeof kind === 'string' && isConstraintName(kind) && value !== undefined) out.push({ name: kind, value, source: `typia tag ${kind}<${JSON.stringify(value)}>` });
      continue;
    }
    const name = prop.name.slice(GATI_TAG.length);
    const value = literalOf(type, ctx);
    if (isConstraintName(name)) out.push({ name, value: value === undefined ? describe(ctx, type) : value, source: `tags.${name[0]!.toUpperCase()}${name.slice(1)}<${value === undefined ? describe(ctx, type) : JSON.stringify(value)}>` });
  }
  return out;
}

function propType(type: ts.Type, name: string, ctx: ConvertContext): ts.Type | undefined {
  const prop = ctx.checker.getPropertyOfType(type, name);
  return prop && ctx.checker.getTypeOfSymbol(prop);
}

function literalOf(type: ts.Type | undefined, ctx: ConvertContext): JsonValue | undefined {
  if (!type) return undefined;
  if (type.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral)) return (type as ts.LiteralType).value as string | number;
  if (type.flags & ts.TypeFlags.BooleanLiteral) return isTrueType(type, ctx.checker);
  if (type.flags & ts.TypeFlags.Null) return null;
  return undefined;
}
