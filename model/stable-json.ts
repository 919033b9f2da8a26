/** JSON with object keys sorted at every level (arrays keep their order, but for sets such as `required`): byte-stable for hashing and diffs. */
export function stableStringify(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/**
 * The one writer of every emitted JSON file (model, snapshots, versions.json, schemas, OpenAPI,
 * infra manifests, the SDK's package.json): keys sorted at every level, two-space indent, trailing
 * newline. Insertion order depends on how a value was built (analysed now or read back from a
 * snapshot), so only a canonical order keeps the bytes, and git, quiet for an unchanged API.
 */
export function canonicalJson(value: unknown): string {
  return `${stableStringify(value)}\n`;
}

/**
 * Keys whose array value is a set of names: JSON Schema's `required`. Its order means nothing,
 * so it is sorted like object keys and a type whose properties were reordered keeps its bytes.
 */
const SET_KEYS = new Set(['required']);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = SET_KEYS.has(key) && isStringArray(v) ? [...v].sort() : sortKeys(v);
    }
    return out;
  }
  return value;
}
