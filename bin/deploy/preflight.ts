// Before anything runs: every tool on PATH and the credentials they read, or one clear error that
// says what to install or set. Nothing is applied when a check fails.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import type { DeployManifest } from '../../emitters/infra/index.js';
import type { Step } from './steps.js';

const INSTALL: Record<string, string> = {
  docker: 'install Docker (https://docs.docker.com/get-docker/), or build and push the image yourself and pass --skip-image',
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
  cdk: 'install the AWS CDK CLI: npm install -g aws-cdk',
  az: 'install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and run az login',
};

export function findOnPath(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Problems, one line each; empty when the deployment can run. */
export function preflight(root: string, manifest: DeployManifest, steps: Step[], env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  if (manifest.provider === 'custom') {
    for (const step of steps) {
      const path = isAbsolute(step.tool) ? step.tool : join(root, step.tool);
      if (!existsSync(path)) problems.push(`${step.why} '${step.tool}' does not exist (looked for ${path})`);
    }
    return problems;
  }
  for (const tool of [...new Set(steps.map((s) => s.tool))]) {
    if (!findOnPath(tool, env)) problems.push(`${tool} is not on PATH: ${INSTALL[tool] ?? `install ${tool}`}`);
  }
  const home = env.HOME ?? homedir();
  if (steps.some((s) => s.tool === 'kubectl') && !env.KUBECONFIG && !env.KUBERNETES_SERVICE_HOST && !existsSync(join(home, '.kube', 'config'))) {
    problems.push(
      'no cluster credentials: set KUBECONFIG or write ~/.kube/config (aws eks update-kubeconfig, gcloud container clusters get-credentials, az aks get-credentials)' +
        (manifest.kubeContext ? `, with the context${manifest.regions.length > 1 ? 's' : ''} ${manifest.regions.map((r) => manifest.kubeContext!.replace(/\{region\}/g, r)).join(', ')}` : ''),
    );
  }
  if (manifest.provider === 'aws') {
    const vars = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];
    const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')];
    if (!vars.some((v) => env[v]) && !files.some((f) => existsSync(f))) {
      problems.push('no AWS credentials: set AWS_PROFILE (aws configure sso / aws configure) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the account must be bootstrapped once (cdk bootstrap)');
    }
  }
  return problems;
}
