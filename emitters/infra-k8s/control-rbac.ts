// What the control panel may do in its environment's cluster (docs/control-panel.md), when
// `control.enabled` is on for it: a Role in each region's namespace that reads the app's
// Deployments, ReplicaSets and HorizontalPodAutoscalers, and patches only the app's own (scale, the
// autoscaling bounds, a rollback: the Deployment's pod template set back to a ReplicaSet's), bound
// to the ServiceAccount the api pods run as. The api pods then mount its token; the worker and
// module pods still mount none.
import type * as Cdk8s from 'cdk8s';
import type * as Plus from 'cdk8s-plus-33';
import type { EnvPlan } from '../infra/plan.js';
import { controlServiceAccount, meta } from './workloads.js';

export function controlRbac(k8s: typeof Plus.k8s, chart: Cdk8s.Chart, plan: EnvPlan): void {
  const account = controlServiceAccount(plan);
  if (!account) return;
  const name = `${plan.app}-control`;
  if (!plan.queue) new k8s.KubeServiceAccount(chart, 'control-service-account', { metadata: meta(plan, name, 'control') });
  const deployments = [...plan.components.map((c) => c.resource), ...(plan.worker ? [plan.worker.resource] : []), ...plan.modules.map((m) => m.resource)].sort();
  const autoscalers = [...plan.components.map((c) => c.resource), ...(plan.worker ? [plan.worker.resource] : [])].sort();
  const read = ['get', 'list', 'watch'];
  new k8s.KubeRole(chart, 'control-role', {
    metadata: meta(plan, name, 'control'),
    rules: [
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: read },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: read },
      // Writes only to the app's own objects: a rollback patches the Deployment's template, scaling its scale subresource.
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], resourceNames: deployments, verbs: ['patch'] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], resourceNames: autoscalers, verbs: ['patch'] },
    ],
  });
  new k8s.KubeRoleBinding(chart, 'control-role-binding', {
    metadata: meta(plan, name, 'control'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace: chart.namespace }],
  });
}
