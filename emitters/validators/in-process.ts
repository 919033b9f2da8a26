// The validators of an npm module's calls, which are made in-process (runtime-shim/modules/
// in-process-client.ts): they check the caller's values where they are, so they must neither change
// them nor expect their JSON form. Compared with the wire validators (an HTTP module's):
// - a `Date` of the types is a `Date` (the `gatiDate` keyword: an instance holding a valid time),
//   not a date-time string;
// - undeclared keys are left alone (validation.unknownKeys 'strip') or refused ('reject'), never
//   deleted, and no `default` is filled in (the AJV instance has removeAdditional and useDefaults off).
// Checking in place costs the check alone: no JSON copy of the arguments or the result.
import { mapGType, type GType } from '../../model/gtype.js';
import type { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import { ajvInternals } from './ajv-private.js';

/** A format no schema has: marks where a `date` was, between the GType and the schema. */
const DATE_MARK = 'gati-in-process-date';
export const DATE_KEYWORD = 'gatiDate';

/** `t` with each `date` as a string of DATE_MARK format, which inProcessSchema turns into the keyword. */
export function markDates(t: GType): GType {
  return mapGType(t, (node) => (node.kind === 'date' ? { ...node, kind: 'string', format: DATE_MARK } : node) as GType);
}

/** A schema made from markDates' types, as the in-process validators check it. */
export function inProcessSchema<T>(node: T, strip: boolean): T {
  if (Array.isArray(node)) return node.map((n) => inProcessSchema(n, strip)) as T;
  if (!node || typeof node !== 'object') return node;
  const schema = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (schema.type === 'string' && schema.format === DATE_MARK) {
    for (const [key, value] of Object.entries(schema)) if (key === 'description' || key === 'deprecated') out[key] = value;
    out[DATE_KEYWORD] = true;
    return out as T;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default') continue;
    if (key === 'additionalProperties' && value === false && strip) continue;
    out[key] = inProcessSchema(value, strip);
  }
  return out as T;
}

/** `gatiDate: true`: a Date whose time is a number (an Invalid Date is refused, as its JSON `null` would be). */
export function addDateKeyword(ajv: Ajv): void {
  const { codegen: { _ } } = ajvInternals();
  ajv.addKeyword({
    keyword: DATE_KEYWORD,
    schemaType: 'boolean',
    error: { message: 'must be a valid Date' },
    code(cxt) {
      const { data } = cxt;
      cxt.fail(_`!(${data} instanceof Date) || ${data}.getTime() !== ${data}.getTime()`);
    },
  });
}

