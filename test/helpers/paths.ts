import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from lib/test/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = join(REPO, 'fixtures');
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
