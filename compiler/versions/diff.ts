// The diff engine: two API surfaces in, the classified list of changes out. Pure (no clock, no
// disk). Every change names its rule (rules.ts), the route, where in the route it happened
// (`body.items[].price`, `response[200].status`), its position and the old and new types as
// printGType prints them. A named type used both in a request and in a response is judged at
// each use, with that use's position.
import { resolveRef, type GType, type LiteralType, type ObjectType } from '../../model/gtype.js';
import { printGType } from '../../model/print-gtype.js';
import { INPUT_PARTS } from '../../model/app-model.js';
import { routeShape } from '../../model/route-string.js';
import type { ApiSurface, SurfaceRoute } from './surface.js';
import { maxLevel, ruleLevel, type BumpLevel, type Position, type RuleId } from './rules.js';

export interface ApiChange {
  rule: RuleId;
  level: BumpLevel;
  /** 'route' for a route added or removed. */
  position: Position | 'route';
  route: string;
  /** Where in the route: `query.limit`, `body.items[].price`, `response[200].status`, `in.text` (a WS message); '' for the route itself. */
  path: string;
  old?: string;
  new?: string;
  /** Extra words: `200 → 201`, the enum values added. */
  detail?: string;
}

export interface DiffOptions {
  /** `versioning.rules` from the config: rule id → level. */
  rules?: Record<string, BumpLevel>;
}

type Types = ApiSurface['types'];

interface Ctx {
  route: string;
  position: Position;
  oldTypes: Types;
  newTypes: Types;
  rules: Record<string, BumpLevel>;
  out: ApiChange[];
  /** Ref pairs already compared in this route and position (recursion and repeated uses). */
  seen: Set<string>;
}

const EMPTY_OBJECT: ObjectType = { kind: 'object', properties: [] };
const isSuccess = (status: string) => Number(status) < 400;

export function diffSurfaces(before: ApiSurface, after: ApiSurface, options: DiffOptions = {}): ApiChange[] {
  const rules = options.rules ?? {};
  const out: ApiChange[] = [];
  const renamed = renamedRoutes(before, after);
  const renamedFrom = new Map([...renamed].map(([o, n]) => [n, o]));
  const keys = [...new Set([...Object.keys(before.routes), ...Object.keys(after.routes)])].sort();
  for (const key of keys) {
    if (renamed.has(key)) continue; // reported under its new key
    const oldKey = renamedFrom.get(key);
    const o = before.routes[oldKey ?? key];
    const n = after.routes[key];
    if (!o || !n) {
      const rule = o ? 'route-removed' : 'route-added';
      out.push({ rule, level: ruleLevel(rule, 'input', rules), position: 'route', route: key, path: '' });
      continue;
    }
    const ctx = (position: Position): Ctx => ({ route: key, position, oldTypes: before.types, newTypes: after.types, rules, out, seen: new Set() });
    if (oldKey) {
      const detail = `${oldKey} → ${key}: the same request on the wire; SDK calls change to api.request('${key}', { params: { ${paramNames(key).join(', ')} } })`;
      out.push({ rule: 'path-param-renamed', level: ruleLevel('path-param-renamed', 'input', rules), position: 'route', route: key, path: '', detail });
      compareRoute(withParamsRenamed(o, paramNames(oldKey), paramNames(key), before.types), n, ctx);
    } else compareRoute(o, n, ctx);
  }
  return out;
}

function compareRoute(o: SurfaceRoute, n: SurfaceRoute, ctx: (position: Position) => Ctx): void {
  const input = ctx('input');
  for (const part of INPUT_PARTS) {
    const ot = o.input[part];
    const nt = n.input[part];
    if (part === 'body') {
      if (ot && !nt) add(input, 'request-body-removed', 'body', ot, undefined);
      else if (!ot && nt) add(input, n.bodyOptional ? 'request-body-added-optional' : 'request-body-added', 'body', undefined, nt);
      else if (ot && nt) {
        field(!!o.bodyOptional, !!n.bodyOptional, 'body', ot, nt, input);
        compare(ot, nt, 'body', input);
      }
    } else if (ot || nt) {
      compare(ot ?? EMPTY_OBJECT, nt ?? EMPTY_OBJECT, part, input);
    }
  }
  const output = ctx('output');
  const statuses = [...new Set([...Object.keys(o.output), ...Object.keys(n.output)])].sort();
  const addedSuccess = statuses.filter((s) => isSuccess(s) && !o.output[s] && n.output[s]);
  const moved = movedErrorStatuses(o, n, statuses, output);
  for (const status of statuses) {
    const ot = o.output[status];
    const nt = n.output[status];
    const where = `response[${status}]`;
    const to = moved.get(status);
    if (to) add(output, 'error-status-changed', where, ot, n.output[to], `${status} → ${to}`);
    else if ([...moved.values()].includes(status)) continue; // reported with the status it replaced
    else if (ot && nt) compare(ot, nt, where, output);
    else if (ot) {
      const rule = isSuccess(status) ? 'success-status-removed' : 'error-status-removed';
      add(output, rule, where, ot, undefined, rule === 'success-status-removed' && addedSuccess.length ? `${status} → ${addedSuccess.join(', ')}` : undefined);
    } else add(output, isSuccess(status) ? 'success-status-added' : 'error-status-added', where, undefined, nt);
  }
  compareMessages(o, n, input, output);
}

/**
 * A WebSocket route's messages: what clients send (`in`) is judged as a request body is, what they
 * receive (`out`) as a response body. A side that was untyped (`unknown`) or the whole `WsHandler`
 * type coming or going compares with `unknown`: typing it narrows (`in`: major) or is a patch (`out`).
 */
function compareMessages(o: SurfaceRoute, n: SurfaceRoute, input: Ctx, output: Ctx): void {
  if (!o.ws && !n.ws) return;
  const unknown: GType = { kind: 'unknown' };
  compare(o.ws?.in ?? unknown, n.ws?.in ?? unknown, 'in', input);
  compare(o.ws?.out ?? unknown, n.ws?.out ?? unknown, 'out', output);
}

/**
 * Error statuses removed and added in one change whose bodies are the same (404 → 410 with the
 * same `{ error }`): the failure moved, and a client that handles the old status meets one it does
 * not know. Removed status → added status.
 */
function movedErrorStatuses(o: SurfaceRoute, n: SurfaceRoute, statuses: string[], ctx: Ctx): Map<string, string> {
  const moved = new Map<string, string>();
  const added = statuses.filter((s) => !isSuccess(s) && !o.output[s] && n.output[s]);
  for (const status of statuses.filter((s) => !isSuccess(s) && o.output[s] && !n.output[s])) {
    const to = added.find((a) => ![...moved.values()].includes(a) && sameShape(o.output[status]!, n.output[a]!, ctx));
    if (to) moved.set(status, to);
  }
  return moved;
}

/** True when comparing the two types finds no change at all. */
function sameShape(o: GType, n: GType, ctx: Ctx): boolean {
  const scratch: Ctx = { ...ctx, out: [], seen: new Set() };
  compare(o, n, '', scratch);
  return scratch.out.length === 0;
}

const paramNames = (key: string) => key.split(' ')[1]!.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1));

/**
 * Routes whose path parameters were renamed in place: a removed and an added route with the same
 * method and path shape, paired when the pairing is unambiguous. Old key → new key.
 */
function renamedRoutes(before: ApiSurface, after: ApiSurface): Map<string, string> {
  const removed = Object.keys(before.routes).filter((k) => !after.routes[k]);
  const added = Object.keys(after.routes).filter((k) => !before.routes[k]);
  const out = new Map<string, string>();
  for (const oldKey of removed) {
    const shape = routeShape(oldKey);
    const candidates = added.filter((k) => routeShape(k) === shape);
    if (candidates.length === 1 && removed.filter((k) => routeShape(k) === shape).length === 1) out.set(oldKey, candidates[0]!);
  }
  return out;
}

/** The old route with its params object's properties renamed to the new names, so that only real changes to them show. */
function withParamsRenamed(route: SurfaceRoute, from: string[], to: string[], types: Types): SurfaceRoute {
  const params = route.input.params && deref(route.input.params, types);
  if (!params || params.kind !== 'object') return route;
  const properties = params.properties
    .map((p) => (from.includes(p.name) ? { ...p, name: to[from.indexOf(p.name)]! } : p))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...route, input: { ...route.input, params: { ...params, properties } } };
}

/** The bump a list of changes calls for: the largest level, or undefined when there is none. */
export function bumpOf(changes: ApiChange[]): BumpLevel | undefined {
  let level: BumpLevel | undefined;
  for (const c of changes) level = maxLevel(level, c.level);
  return level;
}

function add(ctx: Ctx, rule: RuleId, path: string, o: GType | undefined, n: GType | undefined, detail?: string): void {
  const change: ApiChange = { rule, level: ruleLevel(rule, ctx.position, ctx.rules), position: ctx.position, route: ctx.route, path };
  if (o) change.old = printGType(o);
  if (n) change.new = printGType(n);
  if (detail) change.detail = detail;
  ctx.out.push(change);
}

/** The structure behind a ref; a ref without a definition compares as `unknown`. */
function deref(t: GType, types: Types): GType {
  return resolveRef(t, types) ?? { kind: 'unknown' };
}

/** The wire form of a node: a Date is an ISO date-time string, a record an object with only an index signature. */
function wire(t: GType): GType {
  if (t.kind === 'date') return { kind: 'string', format: 'date-time', ...annotationsOf(t) };
  if (t.kind === 'record') return { kind: 'object', properties: [], additionalProperties: t.value, ...annotationsOf(t) };
  return t;
}

function annotationsOf(t: GType): Pick<GType, 'description' | 'default' | 'deprecated'> {
  const a: Pick<GType, 'description' | 'default' | 'deprecated'> = {};
  if (t.description !== undefined) a.description = t.description;
  if (t.default !== undefined) a.default = t.default;
  if (t.deprecated !== undefined) a.deprecated = t.deprecated;
  return a;
}

function compare(o: GType, n: GType, path: string, ctx: Ctx): void {
  // Checked on the node as written, before a ref is followed: `@deprecated` on a property whose
  // type is a named one sits on the ref. Adding it is a minor change (the published contract and
  // the clients' warnings change); removing it is documentation only.
  if (!o.deprecated !== !n.deprecated) add(ctx, n.deprecated ? 'deprecated-added' : 'annotation-changed', path, undefined, undefined, n.deprecated ? 'deprecated' : 'no longer deprecated');
  if (o.kind === 'ref' || n.kind === 'ref') {
    // Two refs: compared once per route and position (this also ends recursion). A ref against an
    // inline type: once per path (the inline side is finite, so this cannot recurse forever).
    const key = o.kind === 'ref' && n.kind === 'ref' ? `${o.id}>${n.id}` : `${o.kind === 'ref' ? o.id : '~'}>${n.kind === 'ref' ? n.id : '~'}@${path}`;
    if (ctx.seen.has(key)) return;
    ctx.seen.add(key);
    return compare(deref(o, ctx.oldTypes), deref(n, ctx.newTypes), path, ctx);
  }
  o = wire(o);
  n = wire(n);
  const annotations = [o.description !== n.description && 'description', JSON.stringify(o.default) !== JSON.stringify(n.default) && 'default'].filter(Boolean);
  if (annotations.length) add(ctx, 'annotation-changed', path, undefined, undefined, annotations.join(', '));
  const om = flatten(o, ctx.oldTypes);
  const nm = flatten(n, ctx.newTypes);
  if (om.length === 1 && nm.length === 1 && om[0]!.kind !== 'literal' && nm[0]!.kind !== 'literal' && sameGroup(deref(om[0]!, ctx.oldTypes), deref(nm[0]!, ctx.newTypes))) {
    return compareSingle(om[0]!, nm[0]!, path, ctx);
  }
  compareUnion(o, n, om, nm, path, ctx);
}

/** Union members, flattened through nested unions, enums (one literal per value) and refs to either. */
function flatten(t: GType, types: Types, depth = 0): GType[] {
  if (depth > 32) return [t];
  const target = deref(t, types);
  if (target.kind === 'union') return target.members.flatMap((m) => flatten(m, types, depth + 1));
  if (target.kind === 'enum') return target.members.map((m): LiteralType => ({ kind: 'literal', value: m.value }));
  return [t];
}

type Base = 'string' | 'numeric' | 'boolean';
const BASES: Base[] = ['string', 'numeric', 'boolean'];

function baseOf(t: GType): Base | undefined {
  if (t.kind === 'string' || t.kind === 'date') return 'string';
  if (t.kind === 'number' || t.kind === 'integer') return 'numeric';
  if (t.kind === 'boolean') return 'boolean';
  return undefined;
}

function literalBase(t: LiteralType): Base {
  return typeof t.value === 'string' ? 'string' : typeof t.value === 'number' ? 'numeric' : 'boolean';
}

function sameGroup(o: GType, n: GType): boolean {
  const a = wire(o), b = wire(n);
  if (a.kind === b.kind) return true;
  if (baseOf(a) && baseOf(a) === baseOf(b)) return true;
  return a.kind === 'unknown' || b.kind === 'unknown';
}

/** Key that pairs a union member with its counterpart on the other side. */
function memberKey(t: GType, types: Types, discriminator: string | undefined, index: Map<string, number>): string {
  const d = wire(deref(t, types));
  const base = baseOf(d);
  if (base) return base;
  if (d.kind === 'object') {
    if (discriminator) {
      const tag = d.properties.find((p) => p.name === discriminator);
      const tagType = tag && deref(tag.type, types);
      if (tagType?.kind === 'literal') return `object:${JSON.stringify(tagType.value)}`;
    }
    const i = index.get('object') ?? 0;
    index.set('object', i + 1);
    return `object#${i}`;
  }
  return d.kind;
}

function compareUnion(o: GType, n: GType, om: GType[], nm: GType[], path: string, ctx: Ctx): void {
  const oNull = om.some((m) => m.kind === 'null');
  const nNull = nm.some((m) => m.kind === 'null');
  const oRest = om.filter((m) => m.kind !== 'null');
  const nRest = nm.filter((m) => m.kind !== 'null');
  const changes: Array<() => void> = [];
  let common = 0;
  if (!oNull && nNull) changes.push(() => add(ctx, 'nullable-added', path, o, n));
  if (oNull && !nNull) changes.push(() => add(ctx, 'nullable-removed', path, o, n));
  if (oNull && nNull) common++;

  // Literal values and their base kinds, per base (string, numeric, boolean).
  const oLits = oRest.filter((m): m is LiteralType => m.kind === 'literal');
  const nLits = nRest.filter((m): m is LiteralType => m.kind === 'literal');
  const oKinds = oRest.filter((m) => m.kind !== 'literal');
  const nKinds = nRest.filter((m) => m.kind !== 'literal');
  const consumed = new Set<Base>(); // a base kind answered by literals on the other side (string ↔ 'a' | 'b')
  for (const base of BASES) {
    const oHas = oKinds.some((m) => baseOf(wire(deref(m, ctx.oldTypes))) === base);
    const nHas = nKinds.some((m) => baseOf(wire(deref(m, ctx.newTypes))) === base);
    const ov = oLits.filter((l) => literalBase(l) === base).map((l) => l.value);
    const nv = nLits.filter((l) => literalBase(l) === base).map((l) => l.value);
    if (oHas || nHas) {
      if (oHas && !nHas && nv.length) { common++; consumed.add(base); changes.push(() => add(ctx, 'type-narrowed', path, o, n)); }
      if (!oHas && nHas && ov.length) { common++; consumed.add(base); changes.push(() => add(ctx, 'type-widened', path, o, n)); }
      continue; // both have the kind: the members are paired below
    }
    const added = nv.filter((v) => !ov.includes(v));
    const removed = ov.filter((v) => !nv.includes(v));
    if (ov.length && nv.length) common++; // values of one base on both sides (even disjoint ones) are the same kind of thing
    if (added.length) changes.push(() => add(ctx, 'enum-member-added', path, o, n, `added ${added.map((v) => JSON.stringify(v)).join(', ')}`));
    if (removed.length) changes.push(() => add(ctx, 'enum-member-removed', path, o, n, `removed ${removed.map((v) => JSON.stringify(v)).join(', ')}`));
  }

  // Structured members: paired by kind (objects by discriminator value, else in order).
  const oDisc = o.kind === 'union' ? o.discriminator : undefined;
  const nDisc = n.kind === 'union' ? n.discriminator : undefined;
  if (oDisc && nDisc && oDisc !== nDisc) changes.push(() => add(ctx, 'discriminator-changed', path, o, n, `${oDisc} → ${nDisc}`));
  const disc = oDisc && oDisc === nDisc ? oDisc : undefined;
  const oIndex = new Map<string, number>(), nIndex = new Map<string, number>();
  const keyed = (ms: GType[], types: Types, index: Map<string, number>) => ms.map((m) => [memberKey(m, types, disc, index), m] as const).filter(([k]) => !consumed.has(k as Base));
  const oByKey = new Map(keyed(oKinds, ctx.oldTypes, oIndex));
  const nByKey = new Map(keyed(nKinds, ctx.newTypes, nIndex));
  // `unknown` pairs with any single remaining member (x → unknown is a widening).
  const pairs: [GType, GType, string][] = [];
  for (const [key, m] of oByKey) {
    const other = nByKey.get(key);
    if (other) { pairs.push([m, other, key]); nByKey.delete(key); oByKey.delete(key); }
  }
  if (oByKey.size === 1 && nByKey.size === 1) {
    const [ok, om1] = [...oByKey][0]!;
    const [nk, nm1] = [...nByKey][0]!;
    if (ok === 'unknown' || nk === 'unknown' || (ok.startsWith('object') && nk.startsWith('object') && !disc)) {
      pairs.push([om1, nm1, ok]);
      oByKey.clear();
      nByKey.clear();
    }
  }
  common += pairs.length;
  if (common === 0 && oRest.length && nRest.length) {
    add(ctx, 'type-changed', path, o, n);
    return;
  }
  for (const change of changes) change();
  for (const [m1, m2] of pairs) compareMember(m1, m2, path, ctx);
  for (const m of oByKey.values()) add(ctx, 'union-member-removed', path, o, n, `removed ${printGType(m)}`);
  for (const m of nByKey.values()) add(ctx, 'union-member-added', path, o, n, `added ${printGType(m)}`);
}

function compareMember(o: GType, n: GType, path: string, ctx: Ctx): void {
  if (o.kind === 'ref' || n.kind === 'ref') return compare(o, n, path, ctx);
  compareSingle(o, n, path, ctx);
}

function compareSingle(o: GType, n: GType, path: string, ctx: Ctx): void {
  if (o.kind === 'ref' || n.kind === 'ref') return compare(o, n, path, ctx);
  o = wire(o);
  n = wire(n);
  if (o.kind !== n.kind) {
    if (n.kind === 'unknown') return add(ctx, 'type-widened', path, o, n);
    if (o.kind === 'unknown') return add(ctx, 'type-narrowed', path, o, n);
    if (o.kind === 'integer' && n.kind === 'number') { add(ctx, 'type-widened', path, o, n); return numeric(o, n, path, ctx); }
    if (o.kind === 'number' && n.kind === 'integer') { add(ctx, 'type-narrowed', path, o, n); return numeric(o, n, path, ctx); }
    return add(ctx, 'type-changed', path, o, n);
  }
  switch (o.kind) {
    case 'string': {
      const s = n as typeof o;
      constraint('format', o.format, s.format, o, n, path, ctx);
      constraint('pattern', o.pattern, s.pattern, o, n, path, ctx);
      lower(o.minLength, s.minLength, o, n, path, ctx);
      upper(o.maxLength, s.maxLength, o, n, path, ctx);
      return;
    }
    case 'number': case 'integer': return numeric(o, n as typeof o, path, ctx);
    case 'array': {
      const a = n as typeof o;
      lower(o.minItems, a.minItems, o, n, path, ctx);
      upper(o.maxItems, a.maxItems, o, n, path, ctx);
      if (!o.uniqueItems !== !a.uniqueItems) add(ctx, a.uniqueItems ? 'constraint-tightened' : 'constraint-loosened', path, o, n, 'uniqueItems');
      return compare(o.items, a.items, `${path}[]`, ctx);
    }
    case 'tuple': {
      const t = n as typeof o;
      const length = Math.max(o.elements.length, t.elements.length);
      for (let i = 0; i < length; i++) {
        const oe = o.elements[i], ne = t.elements[i];
        const where = `${path}[${i}]`;
        if (oe && ne) {
          field(oe.optional || oe.rest, ne.optional || ne.rest, where, oe.type, ne.type, ctx);
          compare(oe.type, ne.type, where, ctx);
        } else if (oe) add(ctx, 'field-removed', where, oe.type, undefined);
        else if (ne) add(ctx, ne.optional || ne.rest ? 'field-added-optional' : 'field-added-required', where, undefined, ne.type);
      }
      return;
    }
    case 'object': {
      const b = n as ObjectType;
      const after = new Map(b.properties.map((p) => [p.name, p]));
      const before = new Set(o.properties.map((p) => p.name));
      for (const p of o.properties) {
        const q = after.get(p.name);
        const where = `${path}.${p.name}`;
        if (!q) { add(ctx, p.optional ? 'optional-field-removed' : 'field-removed', where, p.type, undefined); continue; }
        if ((p.description ?? '') !== (q.description ?? '')) add(ctx, 'annotation-changed', where, undefined, undefined, 'description');
        field(p.optional, q.optional, where, p.type, q.type, ctx);
        compare(p.type, q.type, where, ctx);
      }
      for (const q of b.properties) {
        if (!before.has(q.name)) add(ctx, q.optional ? 'field-added-optional' : 'field-added-required', `${path}.${q.name}`, undefined, q.type);
      }
      if (!o.additionalProperties && b.additionalProperties) add(ctx, 'type-widened', `${path}[string]`, undefined, b.additionalProperties, 'index signature added');
      else if (o.additionalProperties && !b.additionalProperties) add(ctx, 'type-narrowed', `${path}[string]`, o.additionalProperties, undefined, 'index signature removed');
      else if (o.additionalProperties && b.additionalProperties) compare(o.additionalProperties, b.additionalProperties, `${path}[string]`, ctx);
      return;
    }
    case 'boolean': case 'null': case 'unknown': case 'void': case 'literal': case 'enum': case 'union': case 'date': case 'record':
      return; // literals, enums and unions go through compareUnion; date and record are rewritten by wire()
  }
}

function field(oOptional: boolean, nOptional: boolean, where: string, o: GType, n: GType, ctx: Ctx): void {
  if (oOptional && !nOptional) add(ctx, 'optional-to-required', where, o, n);
  if (!oOptional && nOptional) add(ctx, 'required-to-optional', where, o, n);
}

function numeric(o: Extract<GType, { kind: 'number' | 'integer' }>, n: Extract<GType, { kind: 'number' | 'integer' }>, path: string, ctx: Ctx): void {
  if (o.kind === n.kind) constraint('format', o.format, n.format, o, n, path, ctx);
  lower(o.minimum, n.minimum, o, n, path, ctx);
  lower(o.exclusiveMinimum, n.exclusiveMinimum, o, n, path, ctx);
  upper(o.maximum, n.maximum, o, n, path, ctx);
  upper(o.exclusiveMaximum, n.exclusiveMaximum, o, n, path, ctx);
  constraint('multipleOf', o.multipleOf, n.multipleOf, o, n, path, ctx);
}

/** A lower bound (minimum, minLength, minItems): raised or added tightens. */
function lower(a: number | undefined, b: number | undefined, o: GType, n: GType, path: string, ctx: Ctx): void {
  if (a === b) return;
  add(ctx, b !== undefined && (a === undefined || b > a) ? 'constraint-tightened' : 'constraint-loosened', path, o, n);
}

/** An upper bound (maximum, maxLength, maxItems): lowered or added tightens. */
function upper(a: number | undefined, b: number | undefined, o: GType, n: GType, path: string, ctx: Ctx): void {
  if (a === b) return;
  add(ctx, b !== undefined && (a === undefined || b < a) ? 'constraint-tightened' : 'constraint-loosened', path, o, n);
}

/** A constraint that is either there or not (format, pattern, multipleOf): added tightens, removed loosens, replaced changes. */
function constraint(name: string, a: string | number | undefined, b: string | number | undefined, o: GType, n: GType, path: string, ctx: Ctx): void {
  if (a === b) return;
  const rule = a === undefined ? 'constraint-tightened' : b === undefined ? 'constraint-loosened' : 'constraint-changed';
  add(ctx, rule, path, o, n, name);
}
