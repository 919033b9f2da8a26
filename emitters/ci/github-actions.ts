// GitHub Actions for `deploy.<env>.ci: 'github-actions'`: .github/workflows/gati-<env>.yml. A test
// job (install, test), then a deploy job in the GitHub environment named like the deploy
// environment (give a production one required reviewers in the repository settings: the job then
// waits for approval), which logs in to the cloud with OIDC (no long-lived keys), gets a kubectl
// context per region named as `kubeContext` says, logs in to the registry, and runs `gati build`
// and `gati deploy <env>`. Pure: plan in, YAML out.
import { stringify } from 'yaml';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import type { EnvPlan } from '../infra/plan.js';

type Step = Record<string, unknown>;

/** Repository variable holding the cluster name of a region (`GATI_CLUSTER_US_EAST_1`). */
export function clusterVariable(region: string): string {
  return `GATI_CLUSTER_${region.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function emitGithubActions(plan: EnvPlan): Artifact[] {
  const workflow = {
    name: `gati ${plan.env}`,
    on: { push: { branches: ['main'] }, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    // One deployment of an environment at a time; a newer push waits instead of cancelling one half-applied.
    concurrency: { group: `gati-${plan.env}`, 'cancel-in-progress': false },
    jobs: {
      test: {
        'runs-on': 'ubuntu-latest',
        steps: [...install(), { run: 'npm test' }],
      },
      deploy: {
        needs: 'test',
        'runs-on': 'ubuntu-latest',
        environment: plan.env,
        // id-token: the OIDC token the cloud login exchanges; packages: push to ghcr.io.
        permissions: { contents: 'read', 'id-token': 'write', packages: 'write' },
        steps: [...install(), ...cloudLogin(plan), ...kubeContexts(plan), ...registryLogin(plan), { run: 'npx gati build' }, versionsCommitted(), { run: `npx gati deploy ${plan.env}` }, keepRecord(plan)],
      },
    },
  };
  return [{ path: `.github/workflows/gati-${plan.env}.yml`, contents: `# ${GENERATED_HEADER}\n${stringify(workflow, { lineWidth: 0 })}` }];
}

/**
 * The API versions are history kept in the repository (.gati/versions): a version recorded on a
 * runner would be lost with it, and the next run would release it again under another timestamp.
 */
function versionsCommitted(): Step {
  return {
    name: 'the released API version is committed',
    run: 'if [ -n "$(git status --porcelain -- .gati/versions)" ]; then echo "::error::gati build recorded a new API version: run gati build, commit .gati/versions and push"; exit 1; fi',
  };
}

/** The deployment record and snapshots (`gati deploy --rollback` reads them), kept as a workflow artifact. */
function keepRecord(plan: EnvPlan): Step {
  return { uses: 'actions/upload-artifact@v4', if: 'always()', with: { name: `gati-deployments-${plan.env}`, path: '.gati/deployments/', 'if-no-files-found': 'ignore' } };
}

function install(): Step[] {
  return [
    { uses: 'actions/checkout@v4' },
    { uses: 'actions/setup-node@v4', with: { 'node-version': 20, cache: 'npm' } },
    { run: 'npm ci' },
  ];
}

function cloudLogin(plan: EnvPlan): Step[] {
  switch (plan.provider) {
    case 'aws':
      return [{ name: 'AWS login (OIDC)', uses: 'aws-actions/configure-aws-credentials@v4', with: { 'role-to-assume': '${{ vars.AWS_ROLE_ARN }}', 'aws-region': plan.regions[0] } }];
    case 'gcp':
      return [
        { name: 'Google Cloud login (OIDC)', uses: 'google-github-actions/auth@v2', with: { workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}', service_account: '${{ vars.GCP_SERVICE_ACCOUNT }}' } },
        { uses: 'google-github-actions/setup-gcloud@v2', with: { install_components: 'gke-gcloud-auth-plugin' } },
      ];
    case 'azure':
      return [{ name: 'Azure login (OIDC)', uses: 'azure/login@v2', with: { 'client-id': '${{ vars.AZURE_CLIENT_ID }}', 'tenant-id': '${{ vars.AZURE_TENANT_ID }}', 'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}' } }];
    default:
      // A plain cluster has no OIDC login GitHub knows: its kubeconfig is a secret of the environment.
      return [{ name: 'kubeconfig', run: 'install -m 600 /dev/null "$RUNNER_TEMP/kubeconfig" && printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig" && echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"', env: { KUBECONFIG_DATA: '${{ secrets.KUBECONFIG }}' } }];
  }
}

/** A kubectl context per region, named as `gati deploy` will ask for it (`kubeContext`, `{region}` replaced). */
function kubeContexts(plan: EnvPlan): Step[] {
  if (plan.provider === 'kubernetes' || plan.provider === 'custom') return [];
  return plan.regions.map((region) => {
    const cluster = `\${{ vars.${clusterVariable(region)} }}`;
    const context = plan.kubeContext?.replace(/\{region\}/g, region);
    const run =
      plan.provider === 'aws'
        ? `aws eks update-kubeconfig --region ${region} --name ${cluster}${context ? ` --alias ${context}` : ''}`
        : plan.provider === 'azure'
          ? `az aks get-credentials --resource-group ${plan.config.azure!.resourceGroup} --name ${cluster}${context ? ` --context ${context}` : ''}`
          : `gcloud container clusters get-credentials ${cluster} --region ${region}${context ? ` && kubectl config rename-context "$(kubectl config current-context)" ${context}` : ''}`;
    return { name: `kubectl context of ${region}`, run };
  });
}

function registryLogin(plan: EnvPlan): Step[] {
  const registry = plan.image.repository.split('/')[0]!;
  if (registry === 'ghcr.io') return [{ uses: 'docker/login-action@v3', with: { registry, username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' } }];
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(registry)) return [{ uses: 'aws-actions/amazon-ecr-login@v2' }];
  if (/(^|\.)gcr\.io$|-docker\.pkg\.dev$/.test(registry)) return [{ run: `gcloud auth configure-docker ${registry} --quiet` }];
  if (registry.endsWith('.azurecr.io')) return [{ run: `az acr login --name ${registry.split('.')[0]}` }];
  if (!registry.includes('.')) return [{ uses: 'docker/login-action@v3', with: { username: '${{ vars.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' } }];
  return [{ uses: 'docker/login-action@v3', with: { registry, username: '${{ vars.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' } }];
}
