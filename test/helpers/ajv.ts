// AJV (draft 2020-12) with formats, configured as the emitters configure it: the schemas under test
// are compiled exactly as they will run.
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, Options } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { AJV_OPTIONS, EXTRA_FORMATS } from '../../emitters/schema/ajv-options.js';

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
const addFormats = require('ajv-formats') as FormatsPlugin;

export function createAjv(options: Options = {}): Ajv2020Class {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, allErrors: true, ...options });
  addFormats(ajv);
  for (const [name, format] of Object.entries(EXTRA_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}
