// The Microsoft Entra ID credential of the azure-queue backend when it reaches its storage account
// by name (AZURE_STORAGE_ACCOUNT, what `gati deploy` gives the pods): @azure/identity's
// DefaultAzureCredential, which finds Workload Identity on AKS (AZURE_CLIENT_ID, AZURE_TENANT_ID,
// AZURE_FEDERATED_TOKEN_FILE, injected by the webhook), a managed identity, or `az login` on a
// workstation. A token is asked for once at start, so a process without any identity stops there
// with GATI4020 naming what is missing, instead of failing on its first job.
import type { TokenCredential } from '@azure/identity';
import { EffectsConfigError } from './effects-config.js';

type IdentityModule = typeof import('@azure/identity');

/** The scope of a token for Azure Storage's data plane (queues and tables alike). */
const STORAGE_SCOPE = 'https://storage.azure.com/.default';
/** Bounds the first token request: the chain probes a managed-identity endpoint that may not answer. */
const FIRST_TOKEN_TIMEOUT_MS = 20_000;

export async function azureCredential(identityModule: IdentityModule, account: string, key: string): Promise<TokenCredential> {
  const credential = new identityModule.DefaultAzureCredential();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no token within ${FIRST_TOKEN_TIMEOUT_MS / 1000} s`)), FIRST_TOKEN_TIMEOUT_MS);
  });
  try {
    await Promise.race([credential.getToken(STORAGE_SCOPE), timeout]);
  } catch (error) {
    throw new EffectsConfigError(
      'GATI4020',
      `${key}.backend`,
      `'${key}.backend' is 'azure-queue' on storage account '${account}' (AZURE_STORAGE_ACCOUNT), but no Microsoft Entra ID credential is available: ${whatIsMissing(error)}`,
      'On AKS, run the pods with Workload Identity (the ServiceAccount `gati deploy` emits, the label azure.workload.identity/use=true, which inject AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE); on a workstation run `az login`; or set AZURE_STORAGE_CONNECTION_STRING instead (azurite, local development).',
    );
  } finally {
    clearTimeout(timer);
  }
  return credential;
}

/** Workload Identity's variables, which AKS's webhook injects into a pod labelled azure.workload.identity/use. */
const WORKLOAD_IDENTITY_ENV = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE'];

/**
 * One sentence, not the chain's error (a paragraph per credential it tried, most of them irrelevant
 * in a pod): which Workload Identity variables are unset, or why the token it has was refused.
 */
function whatIsMissing(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const unset = WORKLOAD_IDENTITY_ENV.filter((name) => !env[name]);
  if (unset.length > 0) return `Workload Identity's ${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set, and no managed identity or Azure CLI login answered`;
  // The chain's AggregateAuthenticationError keeps each credential's error: the one that tried and
  // failed (not one that was merely unavailable) says why.
  const tried = ((error as { errors?: unknown[] }).errors ?? [error]) as Error[];
  const failed = tried.find((e) => e?.name !== 'CredentialUnavailableError') ?? tried[0];
  const detail = failed instanceof Error ? `${failed.name}: ${failed.message.split('\n')[0]!.trim()}` : String(error);
  return `Workload Identity is set up, but its token was refused: ${detail.trim()}`;
}
