// Golden files: compared byte for byte; `UPDATE_GOLDEN=1 npm test` rewrites them for review in the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as assert from 'uvu/assert';

export const UPDATING = process.env.UPDATE_GOLDEN === '1';

export function assertGolden(file: string, actual: string, what: string): void {
  if (UPDATING) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `${what}: golden file ${file} is missing (run UPDATE_GOLDEN=1 npm test and review it)`);
  assert.fixture(actual, readFileSync(file, 'utf8'), `${what} differs from ${file}`);
}
