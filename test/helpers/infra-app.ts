// The infrastructure test app: fixtures/payments with the deploy config of fixtures/payments-infra
// (which holds only that config and the golden files), assembled in a temp folder.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './paths.js';

export function infraApp(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'gati-infra-'));
  for (const part of ['src', 'package.json', 'tsconfig.json']) cpSync(fixture('payments', part), join(root, part), { recursive: true });
  cpSync(fixture('payments-infra', 'gati.config.ts'), join(root, 'gati.config.ts'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
