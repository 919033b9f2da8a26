// Each deploy environment as the panel shows it (regions, components with their replicas and
// autoscaling bounds) and where its workloads live in a cluster, from the same plan the
// infrastructure emitters read (emitters/infra/plan.ts), so that the names always agree.
import type { AppModel } from '../../model/app-model.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import type { DeployEnvironment } from '../../runtime-shim/control/api-types.js';
import type { ClusterTarget } from '../../runtime-shim/control/app-data/app-data-file.js';
import { planEnv, regionNamespace } from '../infra/plan.js';

/** Fixed by the k8s emitter (workloads.ts): a module's Deployment has two replicas and no autoscaler. */
const MODULE_REPLICAS = 2;

export function deployEnvironments(model: AppModel, config: GatiConfig): { environments: DeployEnvironment[]; clusters: ClusterTarget[] } {
  const environments: DeployEnvironment[] = [];
  const clusters: ClusterTarget[] = [];
  for (const env of Object.keys(config.deploy ?? {}).sort()) {
    // The tag does not matter here: only names and scaling are read.
    const plan = planEnv(model, config, env, 'latest');
    const components: DeployEnvironment['components'] = [];
    const targets: ClusterTarget['components'] = [];
    for (const c of plan.components) {
      components.push({ name: c.name, kind: 'api', replicas: plan.api.min, min: plan.api.min, max: plan.api.max, targetCpuPercent: plan.api.cpuTarget });
      targets.push({ name: c.name, kind: 'api', deployment: c.resource, hpa: c.resource });
    }
    if (plan.worker) {
      components.push({ name: 'worker', kind: 'worker', replicas: plan.worker.min, min: plan.worker.min, max: plan.worker.max, targetCpuPercent: plan.worker.cpuTarget });
      targets.push({ name: 'worker', kind: 'worker', deployment: plan.worker.resource, hpa: plan.worker.resource });
    }
    for (const m of plan.modules) {
      components.push({ name: `module-${m.name}`, kind: 'module', replicas: MODULE_REPLICAS });
      targets.push({ name: `module-${m.name}`, kind: 'module', deployment: m.resource });
    }
    environments.push({ name: env, provider: plan.provider, regions: plan.regions, components });
    clusters.push({ env, provider: plan.provider, namespaces: [...new Set(plan.regions.map((r) => regionNamespace(plan.namespace, r)))], components: targets });
  }
  return { environments, clusters };
}
