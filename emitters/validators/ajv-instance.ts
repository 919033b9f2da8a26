// The AJV instances the validators are generated with. Build-time only: the server loads the
// standalone code they produce and never compiles a schema.
//
// The validators find every error (allErrors): the server reports them all, up to
// validation.maxErrors, in words made by runtime-shim/server/validation-errors.ts. The
// discriminator's error also names the tag values, so that a wrong tag reads
// `must be one of 'pickup', 'ship'` (discriminatorTagValues).
//
// Three changes to what AJV generates, all keeping the same results and the same errors (keyword,
// params, message, instancePath), because the generated code runs on every request:
// - No `unevaluated*`/`$dynamicRef` bookkeeping: Gati's schemas use neither (the keywords are removed,
//   so one that did would fail the build in strict mode), but Ajv2020 emits the tracking for them in
//   every function and an extra `dynamicAnchors = {}` default parameter.
// - maxLength/minLength look at `.length` first: a string of at most N UTF-16 units has at most N
//   code points, one of at least 2N units at least N; only the strings in between are counted.
// - additionalProperties: false compares the key with each declared name up to 32 of them (AJV does
//   so up to 8, then calls hasOwnProperty, ~5× slower per key).
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, Options } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { AJV_OPTIONS } from '../schema/ajv-options.js';
import { ajvInternals, builtInRule, stopTracking, type Code } from './ajv-private.js';
import { addDateKeyword } from './in-process.js';

const require = createRequire(import.meta.url);

export type Ajv = Ajv2020Class;

export interface InstanceOptions {
  /** Remove undeclared object keys (validation.unknownKeys 'strip', the default) instead of refusing them. */
  strip: boolean;
  /** For checks in place (an npm module's calls, in-process.ts): nothing removed or filled in, and `Date`s checked as `Date`s. */
  inProcess?: boolean;
}

const META_SCHEMA_ID = 'https://json-schema.org/draft/2020-12/schema';
/** Keywords that need the bookkeeping turned off below. */
const UNTRACKED_KEYWORDS = ['unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'];
/**
 * Schema keys, nested ones included, up to which a named type is copied into the schemas using it
 * rather than compiled to a function of its own: AJV's `inlineRefs` for types without `$ref`s, and
 * index.ts for the others (AJV never copies those in).
 */
export const INLINE_MAX_KEYS = 200;
/** Up to this many declared properties, an unknown-key check compares names (see the header). */
export const KEY_COMPARISONS_MAX = 32;

/** URL strings are coerced by generated code (coercers.ts) before these validators run. */
export function createValidatorAjv({ strip, inProcess = false }: InstanceOptions): Ajv {
  const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
  const addFormats = require('ajv-formats') as FormatsPlugin;
  const options: Options = {
    ...AJV_OPTIONS,
    allErrors: true,
    useDefaults: !inProcess,
    coerceTypes: false,
    removeAdditional: strip && !inProcess,
    inlineRefs: INLINE_MAX_KEYS,
    code: { source: true, esm: true, optimize: true },
  };
  const ajv = new Ajv2020(options);
  addFormats(ajv);
  // uint32/uint64 ranges are emitted as minimum/maximum; the format names stay for documentation.
  ajv.addFormat('uint32', true);
  ajv.addFormat('uint64', true);
  withoutUnevaluated(ajv);
  fastLengthLimits(ajv);
  fastUnknownKeys(ajv);
  discriminatorTagValues(ajv);
  if (inProcess) addDateKeyword(ajv);
  return ajv;
}

export function standaloneCode(ajv: Ajv, exports: Record<string, string>): string {
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, refs: Record<string, string>) => string }).default;
  return standalone(ajv, exports);
}

/**
 * Ajv2020 forces `unevaluated` and `dynamicRef` on. The meta-schema needs them ($dynamicRef), so it
 * is compiled first; every schema compiled afterwards is generated without them.
 */
function withoutUnevaluated(ajv: Ajv): void {
  ajv.getSchema(META_SCHEMA_ID);
  stopTracking(ajv);
  for (const keyword of UNTRACKED_KEYWORDS) ajv.removeKeyword(keyword);
}

/** AJV's limitLength with a `.length` test first; same errors ({limit}, "must NOT have more than N characters"). */
function fastLengthLimits(ajv: Ajv): void {
  const { codegen: { _ }, useFunc, ucs2length } = ajvInternals();
  for (const keyword of ['maxLength', 'minLength']) {
    const r = builtInRule(ajv, keyword);
    const original = r.definition.code!;
    r.definition.code = (cxt) => {
      const { data, schema, $data } = cxt;
      if ($data || typeof schema !== 'number' || !Number.isSafeInteger(schema)) return original(cxt);
      const count = useFunc(cxt.gen, ucs2length);
      cxt.fail(keyword === 'maxLength'
        ? _`${data}.length > ${schema} && ${count}(${data}) > ${schema}`
        : _`${data}.length < ${2 * schema} && ${count}(${data}) < ${schema}`);
    };
  }
}

/** additionalProperties: false (refused, or deleted when stripping) with up to KEY_COMPARISONS_MAX names. */
function fastUnknownKeys(ajv: Ajv): void {
  const { codegen: { _, or, not }, allSchemaProperties, errorsName } = ajvInternals();
  const r = builtInRule(ajv, 'additionalProperties');
  const original = r.definition.code!;
  r.definition.code = (cxt) => {
    const { gen, schema, parentSchema, data, errsCount, it } = cxt;
    const props = allSchemaProperties(parentSchema.properties as Record<string, unknown> | undefined);
    const patterns = allSchemaProperties(parentSchema.patternProperties as Record<string, unknown> | undefined);
    if (schema !== false || !errsCount || patterns.length || props.length <= 8 || props.length > KEY_COMPARISONS_MAX || it.opts.removeAdditional === 'failing') return original(cxt);
    // As AJV's own code for `false` with up to 8 properties.
    it.props = true;
    gen.forIn('key', data, (key) => {
      gen.if(not(or(...props.map((p) => _`${key} === ${p}`))), () => {
        if (it.opts.removeAdditional) {
          gen.code(_`delete ${data}[${key}]`);
          return;
        }
        cxt.setParams({ additionalProperty: key });
        cxt.error();
        if (!it.allErrors) gen.break();
      });
    });
    cxt.ok(_`${errsCount} === ${errorsName}`);
  };
}

/**
 * AJV's discriminator error ({error, tag, tagValue}) with `allowed`: the tag values of the union's
 * arms, found as AJV finds them (each arm's `properties[tag]`, through a `$ref`), so a missing or
 * unknown tag reads `must be one of 'pickup', 'ship'` rather than `value of tag "kind" must be in oneOf`.
 */
function discriminatorTagValues(ajv: Ajv): void {
  const { codegen: { _, stringify }, resolveSchemaRef } = ajvInternals();
  const r = builtInRule(ajv, 'discriminator');
  const original = r.definition.error!;
  r.definition.error = {
    message: original.message,
    params: (cxt) => {
      const { discrError, tag, tagName } = cxt.params as Record<string, unknown>;
      const { it, parentSchema } = cxt;
      const allowed: unknown[] = [];
      for (let arm of (parentSchema as { oneOf: Record<string, unknown>[] }).oneOf) {
        if (typeof arm.$ref === 'string') arm = resolveSchemaRef(it, arm.$ref);
        const prop = (arm.properties as Record<string, { const?: unknown; enum?: unknown[] }> | undefined)?.[tagName as string];
        if (prop?.const !== undefined) allowed.push(prop.const);
        else if (prop?.enum) allowed.push(...prop.enum);
      }
      return _`{error: ${discrError as Code}, tag: ${tagName as Code}, tagValue: ${tag as Code}, allowed: ${stringify(allowed)}}`;
    },
  };
}
