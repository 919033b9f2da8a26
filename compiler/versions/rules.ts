// The catalogue of API diff rules. Each rule has a stable id (used in snapshots, messages and the
// `versioning.rules` config overrides) and a level per position: a change in what clients send
// (input: params, query, headers, request body, a WebSocket route's `in` messages) is judged
// contravariantly, a change in what they receive (output: response body and headers per status,
// a WebSocket route's `out` messages) covariantly. `null` means the rule cannot
// occur in that position. README's "Versions" table is generated from this list (test/versions-readme).

import type { BumpLevel } from '../../model/api-surface.js';

export type { BumpLevel };
export type Position = 'input' | 'output';

export interface DiffRule {
  id: string;
  title: string;
  input: BumpLevel | null;
  output: BumpLevel | null;
  /** Why the levels are what they are, for the README table. */
  why: string;
}

const rule = (id: string, title: string, input: BumpLevel | null, output: BumpLevel | null, why: string): DiffRule => ({ id, title, input, output, why });

export const RULES = [
  rule('route-added', 'Route added', 'minor', 'minor', 'new capability; no existing client calls it'),
  rule('route-removed', 'Route removed', 'major', 'major', 'existing clients get 404 (410 when pinned to an older version)'),
  rule('path-param-renamed', 'Path parameter renamed in place (`/things/:id` → `/things/:thingId`)', 'patch', 'patch', 'the request on the wire is the same; SDK callers use the new route key and param name (the change says so)'),
  rule('request-body-added', 'Request body added, required', 'major', null, 'old clients send no body'),
  rule('request-body-added-optional', 'Request body added, optional (`body?:`)', 'minor', null, 'old clients send no body, which stays valid'),
  rule('request-body-removed', 'Request body removed', 'major', null, 'old clients still send one'),
  rule('field-added-required', 'Field added, required', 'major', 'minor', 'old clients do not send it; old readers ignore it'),
  rule('field-added-optional', 'Field added, optional', 'minor', 'minor', 'nobody has to send or read it'),
  rule('field-removed', 'Field removed, required', 'major', 'major', 'old clients still send it (rejected or silently dropped) / still read it'),
  rule('optional-field-removed', 'Field removed, optional', 'major', 'minor', 'old clients may still send it / readers already handle its absence (oasdiff: response-optional-property-removed is a warning, not a break); SDK readers see a compile error on upgrade, so more than a patch'),
  rule('optional-to-required', 'Field became required', 'major', 'minor', 'old clients may omit it / readers always get it now'),
  rule('required-to-optional', 'Field became optional', 'minor', 'major', 'clients may omit it / readers may not get it'),
  rule('nullable-added', 'Became nullable', 'minor', 'major', 'more accepted / readers may get null'),
  rule('nullable-removed', 'Became non-nullable', 'major', 'patch', 'old clients may send null / readers never get null'),
  rule('type-widened', 'Type widened (integer → number, literal → string, anything → unknown, index signature added)', 'minor', 'major', 'more accepted / readers get values they do not expect'),
  rule('type-narrowed', 'Type narrowed (number → integer, string → literal union, unknown → anything)', 'major', 'patch', 'old values rejected / readers get a subset'),
  rule('type-changed', 'Type changed incompatibly (string ↔ object, body ↔ no body)', 'major', 'major', 'neither side understands the other'),
  rule('enum-member-added', 'Enum or literal member added', 'minor', 'major', 'more accepted / readers get an unknown value'),
  rule('enum-member-removed', 'Enum or literal member removed', 'major', 'patch', 'old values rejected / readers get a subset'),
  rule('union-member-added', 'Union member added', 'minor', 'major', 'more accepted / readers get an unknown shape'),
  rule('union-member-removed', 'Union member removed', 'major', 'patch', 'old shapes rejected / readers get a subset'),
  rule('discriminator-changed', 'Discriminator property changed', 'major', 'major', 'the tag both sides switch on moved'),
  rule('constraint-tightened', 'Constraint tightened (minimum ↑, maximum ↓, length, items, pattern or format added, uniqueItems)', 'major', 'patch', 'old values rejected / readers get a subset'),
  rule('constraint-loosened', 'Constraint loosened or removed', 'minor', 'major', 'more accepted / readers get values outside the old range'),
  rule('constraint-changed', 'Pattern or format replaced by another', 'major', 'major', 'the old and new sets of values are unrelated'),
  rule('success-status-added', 'Success (2xx/3xx) status added', null, 'minor', 'readers may see a status they do not handle (warn-level in oasdiff)'),
  rule('success-status-removed', 'Success status removed or changed (200 → 201)', null, 'major', 'readers waiting for the old status never get it'),
  rule('error-status-added', 'Error (4xx/5xx) status added', null, 'minor', 'a new documented failure; clients already handle unknown errors'),
  rule('error-status-removed', 'Error status removed', null, 'patch', 'that failure no longer happens'),
  rule('error-status-changed', 'Error status changed, same body (404 → 410)', null, 'major', 'clients that handle the old status meet one they do not know'),
  rule('deprecated-added', 'Marked `@deprecated` (OpenAPI `deprecated: true`)', 'minor', 'minor', 'the published contract changes and clients start warning; the wire is the same'),
  rule('annotation-changed', 'Description or default changed, deprecation removed', 'patch', 'patch', 'documentation only; the wire is the same'),
] as const satisfies readonly DiffRule[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULES_BY_ID: ReadonlyMap<string, DiffRule> = new Map(RULES.map((r) => [r.id, r]));

const ORDER: Record<BumpLevel, number> = { patch: 0, minor: 1, major: 2 };

export function maxLevel(a: BumpLevel | undefined, b: BumpLevel): BumpLevel {
  return a === undefined || ORDER[b] > ORDER[a] ? b : a;
}

/** The level of `id` in `position`, after the config's overrides (`versioning.rules`). */
export function ruleLevel(id: RuleId, position: Position, overrides: Record<string, BumpLevel> = {}): BumpLevel {
  const override = overrides[id];
  if (override) return override;
  const r = RULES_BY_ID.get(id)!;
  return (position === 'input' ? r.input : r.output) ?? (position === 'input' ? r.output : r.input)!;
}

/** The README table, generated from the catalogue. */
export function renderRulesTable(): string {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.title} | ${r.input ?? 'n/a'} | ${r.output ?? 'n/a'} | ${r.why} |`);
  return ['| rule id | change | input (request, WS `in`) | output (response, WS `out`) | why |', '|---|---|---|---|---|', ...rows].join('\n');
}
