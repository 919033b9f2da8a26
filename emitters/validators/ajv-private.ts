// The AJV internals the validator emitter reaches, in one place (ajv-instance.ts uses them to make
// the generated code faster; see its header). None is part of AJV's documented API: they are the
// modules under ajv/dist/ that AJV's own keywords use, an instance's rule table, and its options
// object after construction. test/private-apis.test.ts checks each against the installed AJV and
// names this file when one moves.
//
// Pinned: ajv 8.20.0 (package.json, exact). After an upgrade, run that test first. What breaks if
// one of them changes:
// - `opts.unevaluated` / `opts.dynamicRef` read at compile time: every validator keeps the
//   `unevaluated*` bookkeeping and the extra `dynamicAnchors` parameter again (slower, same results).
// - `RULES.all[keyword].definition.code` / `.error`: the faster maxLength/minLength and
//   additionalProperties code, and the discriminator's `allowed` tag values (so the 400 for a wrong
//   tag says "must be one of 'pickup', 'ship'"), are lost; `builtInRule` throws, failing the build.
// - codegen (`_`, `or`, `not`, `stringify`), `useFunc`, `ucs2length`, `allSchemaProperties`,
//   `names.errors`, `resolveRef`/`SchemaEnv`: the patched keywords cannot generate their code.
import { createRequire } from 'node:module';
import type { Ajv2020, KeywordCxt } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

type Codegen = typeof import('ajv/dist/compile/codegen/index.js');
export type Name = import('ajv/dist/compile/codegen/index.js').Name;
export type Code = import('ajv/dist/compile/codegen/index.js').Code;
export type KeywordErrorCxt = import('ajv/dist/types/index.js').KeywordErrorCxt;
type KeywordCode = (cxt: KeywordCxt) => void;

/** A built-in keyword's rule as an instance holds it: its code generator and its error. */
export interface MutableRule {
  definition: { code?: KeywordCode; error?: { message: unknown; params?: (cxt: KeywordErrorCxt) => Code } };
}

export interface AjvInternals {
  /** AJV's code generator: the `_` template tag and its combinators. */
  codegen: Pick<Codegen, '_' | 'or' | 'not' | 'stringify'>;
  /** Imports a runtime function into the generated module (ajv/dist/compile/util). */
  useFunc: (gen: KeywordCxt['gen'], f: unknown) => Name;
  /** The code-point length AJV's maxLength/minLength use (ajv/dist/runtime/ucs2length). */
  ucs2length: unknown;
  /** The declared property names of a schema's `properties` (ajv/dist/vocabularies/code). */
  allSchemaProperties: (props?: Record<string, unknown>) => string[];
  /** The generated code's name of the error count variable (ajv/dist/compile/names). */
  errorsName: Name;
  /** Follows a `$ref` from a keyword's context, as AJV's discriminator does (ajv/dist/compile). */
  resolveSchemaRef: (it: KeywordErrorCxt['it'], ref: string) => Record<string, unknown>;
}

let internals: AjvInternals | undefined;

/** The internals, loaded once (the build requires them only when it emits validators). */
export function ajvInternals(): AjvInternals {
  if (internals) return internals;
  const { _, or, not, stringify } = require('ajv/dist/compile/codegen/index.js') as Codegen;
  const { useFunc } = require('ajv/dist/compile/util.js') as { useFunc: AjvInternals['useFunc'] };
  const ucs2length = (require('ajv/dist/runtime/ucs2length.js') as { default: unknown }).default;
  const { allSchemaProperties } = require('ajv/dist/vocabularies/code.js') as { allSchemaProperties: AjvInternals['allSchemaProperties'] };
  const names = (require('ajv/dist/compile/names.js') as { default: { errors: Name } }).default;
  const { resolveRef, SchemaEnv } = require('ajv/dist/compile/index.js') as typeof import('ajv/dist/compile/index.js');
  internals = {
    codegen: { _, or, not, stringify },
    useFunc,
    ucs2length,
    allSchemaProperties,
    errorsName: names.errors,
    resolveSchemaRef: (it, ref) => {
      const target = resolveRef.call(it.self, it.schemaEnv.root, it.baseId, ref);
      return (target instanceof SchemaEnv ? target.schema : target) as Record<string, unknown>;
    },
  };
  return internals;
}

/**
 * Turns off, for every schema compiled from now on, the `unevaluated` and `dynamicRef` tracking
 * Ajv2020 forces on in its constructor (the options object is read at each compile).
 */
export function stopTracking(ajv: Ajv2020): void {
  const opts = ajv.opts as { unevaluated?: boolean; dynamicRef?: boolean };
  opts.unevaluated = false;
  opts.dynamicRef = false;
}

/** The instance's own copy of a built-in rule (AJV copies each definition per instance), to patch. */
export function builtInRule(ajv: Ajv2020, keyword: string): MutableRule {
  const r = (ajv.RULES.all as Record<string, MutableRule | boolean | undefined>)[keyword];
  if (!r || typeof r !== 'object' || typeof r.definition.code !== 'function') throw new Error(`AJV has no rule ${keyword}: its private rule table changed (update emitters/validators/ajv-private.ts)`);
  return r;
}
