// What `gati deploy` runs for an environment, as data: the exact command lines (printed by --dry-run,
// executed otherwise). Files are read from a snapshot folder, so a rollback applies the same bytes.
import type { DeployManifest } from '../../emitters/infra/index.js';
import { originParameter, stackNames } from '../../emitters/infra-aws/index.js';
import { regionNamespace } from '../../emitters/infra/plan.js';

export interface Step {
  /** Executable looked up on PATH (or a script path for the custom provider). */
  tool: string;
  args: string[];
  why: string;
  /** Store trimmed stdout under this name; later args use it as `${name}`. */
  captureAs?: string;
  /** Extra environment (custom scripts). */
  env?: Record<string, string>;
}

export interface StepOptions {
  /** Folder holding the environment's infra files (`infra/<env>` or a deployment snapshot), relative to the root. */
  files: string;
  /** Build and push the image first (off for --skip-image and for rollbacks). */
  image: boolean;
  rollback: boolean;
}

export function deploySteps(m: DeployManifest, o: StepOptions): Step[] {
  if (m.provider === 'custom') return customSteps(m, o);
  const steps: Step[] = [];
  if (o.image) {
    steps.push({ tool: 'docker', args: ['build', '-f', 'dist/Dockerfile', '-t', m.image.ref, '.'], why: 'build the image' });
    steps.push({ tool: 'docker', args: ['push', m.image.ref], why: 'push the image' });
  }
  const ctx = (region: string) => (m.kubeContext ? ['--context', m.kubeContext.replace(/\{region\}/g, region)] : []);
  const names = m.provider === 'aws' ? stackNames(m) : undefined;
  if (names) {
    // The regional certificates first: the ALB ingress controller discovers them by host name.
    steps.push({ tool: 'cdk', args: ['deploy', '--app', `${o.files}/aws`, '--require-approval', 'never', ...m.regions.map((r) => names.regions[r]!)], why: 'regional TLS certificates' });
  }
  if (m.provider === 'azure' && m.files.azureEffects) {
    // Before the workloads: the pods' identity must reach its queues when they start.
    steps.push({
      tool: 'az',
      args: ['deployment', 'group', 'create', '--resource-group', m.azure!.resourceGroup, '--name', `${m.app}-${m.env}-effects`, '--template-file', `${o.files}/azure/effects.template.json`],
      why: 'effects storage queues, table and Workload Identity',
    });
  }
  for (const region of m.regions) {
    steps.push({
      tool: 'kubectl',
      args: [...ctx(region), 'apply', '--server-side', '--field-manager=gati', '--force-conflicts', '-f', `${o.files}/k8s/cluster.k8s.yaml`, '-f', `${o.files}/k8s/${region}.k8s.yaml`],
      why: `apply the ${region} workloads`,
    });
    steps.push({
      tool: 'kubectl',
      args: [...ctx(region), 'rollout', 'status', 'deployment', '-n', regionNamespace(m.namespace, region), '-l', `app.kubernetes.io/instance=${m.app}-${m.env}`, '--timeout=10m'],
      why: `wait until ${region} is ready`,
    });
  }
  if (names) {
    for (const region of m.regions) {
      steps.push({
        tool: 'kubectl',
        args: [...ctx(region), 'get', 'ingress', m.ingress, '-n', regionNamespace(m.namespace, region), '-o', 'jsonpath={.status.loadBalancer.ingress[0].hostname}'],
        why: `the ${region} load balancer's host name`,
        captureAs: originParameter(region),
      });
    }
    steps.push({
      tool: 'cdk',
      args: ['deploy', '--app', `${o.files}/aws`, '--require-approval', 'never', names.edge, ...m.regions.map((r) => `--parameters=${names.edge}:${originParameter(r)}=\${${originParameter(r)}}`)],
      why: 'CloudFront, certificate and Route 53 failover',
    });
  }
  if (m.provider === 'azure') {
    steps.push({
      tool: 'az',
      args: ['deployment', 'group', 'create', '--resource-group', m.azure!.resourceGroup, '--name', `${m.app}-${m.env}-frontdoor`, '--template-file', `${o.files}/azure/frontdoor.template.json`],
      why: 'Front Door (CDN, TLS, failover)',
    });
  }
  return steps;
}

function customSteps(m: DeployManifest, o: StepOptions): Step[] {
  const env: Record<string, string> = {
    GATI_APP: m.app,
    GATI_ENV: m.env,
    GATI_VERSION: m.version,
    GATI_IMAGE: m.image.ref,
    GATI_IMAGE_REPOSITORY: m.image.repository,
    GATI_IMAGE_TAG: m.image.tag,
    GATI_REGIONS: m.regions.join(','),
    GATI_DOMAIN: m.domain ?? '',
    GATI_DIST: 'dist',
    GATI_DOCKERFILE: 'dist/Dockerfile',
    GATI_INFRA_DIR: o.files,
    GATI_K8S_DIR: `${o.files}/k8s`,
    GATI_ROLLBACK: o.rollback ? '1' : '0',
  };
  const steps: Step[] = [{ tool: m.custom!.deployScript, args: [], why: 'custom.deployScript', env }];
  if (m.custom!.cdnScript) steps.push({ tool: m.custom!.cdnScript, args: [], why: 'custom.cdnScript', env });
  return steps;
}

/** The line --dry-run prints; `${X}` placeholders stay visible as `<X>`. */
export function formatStep(step: Step): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const line = [step.tool, ...step.args].map((a) => quote(a.replace(/\$\{(\w+)\}/g, '<$1>'))).join(' ');
  return step.captureAs ? `${line}   # → ${step.captureAs}` : line;
}
