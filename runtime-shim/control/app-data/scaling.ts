// Replicas and autoscaling bounds per component. Outside a cluster they are the config's
// (deploy.<env>.replicas for the api components, deploy.<env>.workers.replicas for the worker), as
// the build planned them, and a change is an edit of gati.config. In a cluster they are the
// Deployments' and HorizontalPodAutoscalers', and a change patches them.
import type { ChangePlan, ScalingInfo } from '../api-types.js';
import type { ControlAppData } from './app-data-file.js';
import { deploymentPath, hpaPath, type InCluster } from './cluster-target.js';
import { planConfigChange } from './config-change.js';

export interface ScalingRequest { env: string; name: string; replicas?: number; min?: number; max?: number; apply: boolean }

export function configScaling(data: ControlAppData | undefined): ScalingInfo {
  const components: ScalingInfo['components'] = [];
  for (const env of data?.topology.environments ?? []) {
    for (const c of env.components) components.push({ env: env.name, name: c.name, replicas: c.replicas, ...(c.min !== undefined ? { min: c.min, max: c.max } : {}), ...(c.targetCpuPercent !== undefined ? { targetCpuPercent: c.targetCpuPercent } : {}) });
  }
  return { source: 'config', components };
}

/** The config schema's rule for replicas (compiler/config/config-schema.ts: integers from 1), and min ≤ max. */
export function scalingErrors(r: { replicas?: unknown; min?: unknown; max?: unknown }): string[] {
  const errors: string[] = [];
  for (const key of ['replicas', 'min', 'max'] as const) {
    const v = r[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) errors.push(`${key}: must be an integer of at least 1`);
  }
  if (typeof r.min === 'number' && typeof r.max === 'number' && r.min > r.max) errors.push('min: must not exceed max');
  return errors;
}

export function planConfigScaling(root: string, data: ControlAppData | undefined, r: ScalingRequest, mode: 'dev' | 'start'): ChangePlan & { status?: number } {
  const command = `gati deploy ${r.env}`;
  const env = data?.topology.environments.find((e) => e.name === r.env);
  const component = env?.components.find((c) => c.name === r.name);
  if (!component) return { status: 404, diff: '', command, applied: false, errors: [`no component '${r.name}' in deploy environment '${r.env}'`] };
  if (component.kind === 'module') return { diff: '', command, applied: false, errors: [`${r.name}: a container module runs 2 replicas, without an autoscaler; it has no scaling setting`] };
  // Without a cluster there is no live replica count: `replicas` sets the floor the environment starts at.
  const min = r.min ?? r.replicas ?? component.min ?? component.replicas;
  const max = r.max ?? Math.max(component.max ?? min, min);
  const errors = scalingErrors({ min, max });
  if (errors.length) return { diff: '', command, applied: false, errors };
  const path = component.kind === 'worker' ? `deploy.${r.env}.workers.replicas` : `deploy.${r.env}.replicas`;
  const plan = planConfigChange(root, { values: { [path]: { min, max } }, command, apply: r.apply, mode });
  const shared = env!.components.filter((c) => c.kind === 'api').length > 1 && component.kind === 'api';
  return shared ? { ...plan, note: `${plan.note ?? ''}; every api component of ${r.env} shares deploy.${r.env}.replicas`.replace(/^; /, '') } : plan;
}

interface KubeHpa { spec: { minReplicas?: number; maxReplicas: number; metrics?: { resource?: { name: string; target?: { averageUtilization?: number } } }[] } }
interface KubeScaled { spec: { replicas?: number }; status?: { replicas?: number } }

export async function clusterScaling(c: InCluster): Promise<ScalingInfo> {
  const components: ScalingInfo['components'] = [];
  for (const comp of c.target.components) {
    const dep = await c.kube.get<KubeScaled>(deploymentPath(c.namespace, comp.deployment));
    const hpa = comp.hpa ? await c.kube.get<KubeHpa>(hpaPath(c.namespace, comp.hpa)).catch(() => undefined) : undefined;
    const cpu = hpa?.spec.metrics?.find((m) => m.resource?.name === 'cpu')?.resource?.target?.averageUtilization;
    components.push({
      env: c.env,
      name: comp.name,
      replicas: dep.status?.replicas ?? dep.spec.replicas ?? 0,
      ...(hpa ? { min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas } : {}),
      ...(cpu !== undefined ? { targetCpuPercent: cpu } : {}),
    });
  }
  return { source: 'cluster', components };
}

export async function planClusterScaling(c: InCluster, r: ScalingRequest): Promise<ChangePlan & { status?: number }> {
  const comp = c.target.components.find((x) => x.name === r.name);
  if (!comp || r.env !== c.env) return { status: 404, diff: '', command: '', applied: false, errors: [`no component '${r.name}' of '${r.env}' in this cluster (this pod serves '${c.env}')`] };
  const errors = scalingErrors(r);
  if ((r.min !== undefined || r.max !== undefined) && !comp.hpa) errors.push(`${r.name} has no autoscaler: only replicas can be set`);
  if (errors.length) return { diff: '', command: '', applied: false, errors };
  const lines: string[] = [];
  const commands: string[] = [];
  let hpaPatch: { spec: Record<string, number> } | undefined;
  if (comp.hpa && (r.min !== undefined || r.max !== undefined)) {
    const hpa = await c.kube.get<KubeHpa>(hpaPath(c.namespace, comp.hpa));
    const spec: Record<string, number> = {};
    if (r.min !== undefined) spec['minReplicas'] = r.min;
    if (r.max !== undefined) spec['maxReplicas'] = r.max;
    const min = r.min ?? hpa.spec.minReplicas ?? 1;
    const max = r.max ?? hpa.spec.maxReplicas;
    if (min > max) return { diff: '', command: '', applied: false, errors: ['min: must not exceed max'] };
    hpaPatch = { spec };
    lines.push(`PATCH horizontalpodautoscaler ${c.namespace}/${comp.hpa}: minReplicas ${hpa.spec.minReplicas ?? 1} → ${min}, maxReplicas ${hpa.spec.maxReplicas} → ${max}`);
    commands.push(`kubectl patch hpa ${comp.hpa} -n ${c.namespace} --type merge -p '${JSON.stringify(hpaPatch)}'`);
  }
  if (r.replicas !== undefined) {
    const dep = await c.kube.get<KubeScaled>(deploymentPath(c.namespace, comp.deployment));
    lines.push(`PATCH deployment ${c.namespace}/${comp.deployment}/scale: replicas ${dep.spec.replicas ?? 0} → ${r.replicas}${comp.hpa ? ' (its autoscaler may change it again within its bounds)' : ''}`);
    commands.push(`kubectl scale deployment/${comp.deployment} -n ${c.namespace} --replicas=${r.replicas}`);
  }
  const plan = { diff: `${lines.join('\n')}\n`, command: commands.join(' && '), applied: false };
  if (!r.apply || lines.length === 0) return plan;
  if (hpaPatch) await c.kube.patch(hpaPath(c.namespace, comp.hpa!), hpaPatch, 'merge');
  if (r.replicas !== undefined) await c.kube.patch(`${deploymentPath(c.namespace, comp.deployment)}/scale`, { spec: { replicas: r.replicas } }, 'merge');
  return { ...plan, applied: true };
}
