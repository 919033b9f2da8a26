// How Gati's schemas are meant to be compiled with AJV (draft 2020-12): shared by the validators
// emitter and the tests, so the schemas are tested exactly as they will run.
import type { FormatDefinition } from 'ajv';

export const AJV_OPTIONS = {
  strict: true,
  // Optional and rest tuple elements (`[x: number, label?: string]`) are valid TypeScript; AJV's
  // strictTuples would call them incomplete.
  strictTuples: false,
  discriminator: true,
} as const;

/** Integer formats ajv-formats lacks (it has int32, int64, float, double). */
export const EXTRA_FORMATS: Record<string, FormatDefinition<number>> = {
  uint32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= 4294967295 },
  uint64: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 },
};
