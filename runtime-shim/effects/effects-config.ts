// Which effects backend a process opens, decided from the config and the environment at start:
// `deploy.<GATI_ENV>.effects` replaces `effects` in a deploy environment (the pods get GATI_ENV), and
// a Redis backend takes its URL from `effects.url` or REDIS_URL. What only the environment can tell
// (no URL, a malformed one) is a configuration error, GATI4020, raised before anything listens.
import { isAbsolute, join } from 'node:path';
import type { EffectsConfig, GatiConfig } from '../config.js';
import { CONFIG_DEFAULTS } from '../defaults.js';

/** A configuration problem found at start: the code, the config key it concerns, and the fix. */
export class EffectsConfigError extends Error {
  override readonly name = 'EffectsConfigError';
  constructor(readonly code: 'GATI4020', readonly key: string, message: string, readonly hint: string) {
    super(message);
  }
}

/** The effects config of this process: `deploy.<env>.effects` when the environment has one, else `effects`. */
export function effectsConfigFor(config: GatiConfig, env: string | undefined = process.env['GATI_ENV']): { config: EffectsConfig | undefined; key: string } {
  const override = env ? config.deploy?.[env]?.effects : undefined;
  return override ? { config: override, key: `deploy.${env}.effects` } : { config: config.effects, key: 'effects' };
}

export type BackendTarget = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

/** The SQLite file for an app: `effects.path` (relative to the app root) or .gati/data/effects.db. */
export function sqlitePath(config: EffectsConfig | undefined, root: string): string {
  const path = config?.path ?? CONFIG_DEFAULTS.effects.path;
  return path === ':memory:' || isAbsolute(path) ? path : join(root, path);
}

/** Where the backend lives; throws EffectsConfigError (GATI4020) for a Redis backend without a usable URL. */
export function backendTarget(config: EffectsConfig | undefined, root: string, key = 'effects', env: NodeJS.ProcessEnv = process.env): BackendTarget {
  if (config?.backend !== 'redis') return { kind: 'sqlite', path: sqlitePath(config, root) };
  const fromEnv = config.url === undefined;
  const url = config.url ?? env['REDIS_URL'];
  const fix = `Set REDIS_URL=redis://<host>:6379 in the environment (or '${key}.url' in gati.config), or use ${key}: { backend: 'sqlite' } on one machine.`;
  if (!url) {
    throw new EffectsConfigError('GATI4020', `${key}.url`, `'${key}.backend' is 'redis', but there is no Redis URL: '${key}.url' is not set and neither is REDIS_URL`, fix);
  }
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    // The value itself is not echoed: a Redis URL often carries a password.
    throw new EffectsConfigError('GATI4020', `${key}.url`, `${fromEnv ? 'REDIS_URL' : `'${key}.url'`} is not a Redis URL (it must start with redis:// or rediss://)`, fix);
  }
  return { kind: 'redis', url };
}

/**
 * By name, not instanceof: the server bundle may carry its own copy of this module (esbuild inlines
 * the runtime), whose class is not the CLI's.
 */
export function isEffectsConfigError(error: unknown): error is EffectsConfigError {
  const e = error as Partial<EffectsConfigError> | null;
  return e instanceof Error && e.name === 'EffectsConfigError' && typeof e.code === 'string' && typeof e.hint === 'string';
}

/** The diagnostic line a CLI prints for it, as `gati build` prints its diagnostics. */
export function formatConfigError(error: EffectsConfigError): string {
  return `error ${error.code}: ${error.message}\n\n  hint: ${error.hint}`;
}

/**
 * How the azure-queue backend reaches its storage account: a connection string (local development,
 * azurite, an account with shared keys) or the account's name, reached with a Microsoft Entra ID
 * token (what `gati deploy` sets up: Workload Identity on AKS, shared keys disabled).
 */
export type AzureStorage = { kind: 'connection-string'; connectionString: string } | { kind: 'account'; account: string };

/** Storage account names: 3 to 24 lowercase letters and digits (Azure's rule). */
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/**
 * The storage of the azure-queue backend, from AZURE_STORAGE_CONNECTION_STRING (wins when set) or
 * AZURE_STORAGE_ACCOUNT; throws EffectsConfigError (GATI4020) when the environment has neither.
 */
export function azureStorage(key = 'effects', env: NodeJS.ProcessEnv = process.env): AzureStorage {
  const connectionString = env['AZURE_STORAGE_CONNECTION_STRING'];
  if (connectionString) return { kind: 'connection-string', connectionString };
  const account = env['AZURE_STORAGE_ACCOUNT'];
  if (!account) {
    throw new EffectsConfigError(
      'GATI4020',
      `${key}.backend`,
      `'${key}.backend' is 'azure-queue', but neither AZURE_STORAGE_ACCOUNT nor AZURE_STORAGE_CONNECTION_STRING is set`,
      'Give the process the storage account\'s name in AZURE_STORAGE_ACCOUNT (with a Microsoft Entra ID identity: Workload Identity on AKS, `az login` on a workstation), or its connection string in AZURE_STORAGE_CONNECTION_STRING (azurite, local development), or choose another backend.',
    );
  }
  if (!ACCOUNT_NAME.test(account)) {
    throw new EffectsConfigError('GATI4020', `${key}.backend`, `AZURE_STORAGE_ACCOUNT is not a storage account name (3 to 24 lowercase letters and digits): '${account}'`, 'Set AZURE_STORAGE_ACCOUNT to the account\'s name alone, not its URL or a connection string.');
  }
  return { kind: 'account', account };
}
