// azurite (npm, in memory) for the azure-queue effects backend: its queue and table services on free
// loopback ports. Started on first use, once per test process (every later suite reuses it), pointed
// at through AZURE_STORAGE_CONNECTION_STRING (which worker processes spawned by a test inherit),
// killed by its process id when the test process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { REPO } from './paths.js';
import type { Store } from './effects.js';
import { startEmulator, type EmulatorProcess } from './emulator-process.js';

let running: EmulatorProcess | undefined;

/** azurite's well-known development account (public, in its documentation). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function azurite(): Promise<void> {
  if (running || process.env['GATI_TEST_AZURITE'] === 'inherited') return;
  const bin = join(REPO, 'node_modules/.bin/azurite');
  running = await startEmulator(bin, ['--inMemoryPersistence', '--blobPort', '0', '--queuePort', '0', '--tablePort', '0', '--skipApiVersionCheck'], /Table service is successfully listening at http:\/\/\S+:\d+\r?\n/);
  const port = (service: string) => new RegExp(`${service} service is successfully listening at http://127\\.0\\.0\\.1:(\\d+)`).exec(running!.output)?.[1];
  const [queue, table] = [port('Queue'), port('Table')];
  if (!queue || !table) throw new Error(`azurite did not say its ports:\n${running.output}`);
  process.env['AZURE_STORAGE_CONNECTION_STRING'] =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` + `QueueEndpoint=http://127.0.0.1:${queue}/${ACCOUNT};TableEndpoint=http://127.0.0.1:${table}/${ACCOUNT};`;
}

export function inheritedAzurite(): Record<string, string> {
  return { GATI_TEST_AZURITE: 'inherited' };
}

/** A fresh queue and table per test (call azurite() first). Queue names: lowercase; table names: letters and digits. */
export function azureStore(): Store {
  const name = randomUUID().replace(/-/g, '').slice(0, 12);
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return { config: { backend: 'azure-queue', queue: `gati-test-${name}`, table: `gatitest${name}` }, root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}
