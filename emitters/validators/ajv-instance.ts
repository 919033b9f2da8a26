// The AJV instances the validators are generated with. Build-time only: the server loads the
// standalone code they produce and never compiles a schema.
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, Options } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { AJV_OPTIONS } from '../schema/ajv-options.js';

const require = createRequire(import.meta.url);

export type Ajv = Ajv2020Class;

export interface InstanceOptions {
  /** Remove undeclared object keys (validation.unknownKeys 'strip', the default) instead of refusing them. */
  strip: boolean;
}

/** URL strings are coerced by generated code (coercers.ts) before these validators run. */
export function createValidatorAjv({ strip }: InstanceOptions): Ajv {
  const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
  const addFormats = require('ajv-formats') as FormatsPlugin;
  const options: Options = {
    ...AJV_OPTIONS,
    allErrors: false,
    useDefaults: true,
    coerceTypes: false,
    removeAdditional: strip ? true : false,
    code: { source: true, esm: true, optimize: true },
  };
  const ajv = new Ajv2020(options);
  addFormats(ajv);
  // uint32/uint64 ranges are emitted as minimum/maximum; the format names stay for documentation.
  ajv.addFormat('uint32', true);
  ajv.addFormat('uint64', true);
  return ajv;
}

export function standaloneCode(ajv: Ajv, exports: Record<string, string>): string {
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, refs: Record<string, string>) => string }).default;
  return standalone(ajv, exports);
}
