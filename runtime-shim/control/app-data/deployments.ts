// Deployment history and rollback. Outside a cluster: the records `gati deploy` keeps in
// .gati/deployments/<env>.json, and a rollback is a plan (`gati deploy <env> --rollback` re-applies
// the previous deployment's files; an older one is reached by pinning its image tag in gati.config).
// In a cluster: each component's ReplicaSets are its revisions, and a rollback patches the
// Deployment's pod template back to a ReplicaSet's, as `kubectl rollout undo` does.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles, previousEntry, type DeploymentEntry, type DeploymentRecord } from '../../deploy-records.js';
import type { ChangePlan, DeploymentsInfo } from '../api-types.js';
import type { InCluster } from './cluster-target.js';
import { deploymentPath, replicaSetsPath } from './cluster-target.js';
import { planConfigChange } from './config-change.js';
import { unifiedDiff } from './unified-diff.js';

function localRecords(root: string): DeploymentRecord[] {
  const dir = join(root, '.gati', 'deployments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as DeploymentRecord);
}

/**
 * A deployment's id: its environment and position in the record (`prod#3`). Not its snapshot folder:
 * a rollback re-applies an earlier folder, so two entries may share one.
 */
const entryId = (env: string, index: number) => `${env}#${index + 1}`;

/** 'rollback' for an entry `--rollback` made; 'rolled back' for the one it replaced (the entry just before it). */
function entryStatus(history: readonly DeploymentEntry[], i: number): string {
  if (history[i]!.rollbackOf) return 'rollback';
  return history[i + 1]?.rollbackOf ? 'rolled back' : 'deployed';
}

export function localDeployments(root: string): DeploymentsInfo {
  const history: DeploymentsInfo['history'] = [];
  for (const record of localRecords(root)) {
    record.history.forEach((e, i) => {
      history.push({ id: entryId(record.env, i), env: record.env, version: e.version, image: e.image, at: Date.parse(e.deployedAt), status: entryStatus(record.history, i), current: i === record.history.length - 1 });
    });
  }
  return { source: 'local', history: history.sort((a, b) => b.at - a.at) };
}

/** The entry `to` names: its id, else the newest one with that snapshot folder or version. */
function findEntry(record: DeploymentRecord, to: string): DeploymentEntry | undefined {
  const byId = record.history.findIndex((_e, i) => entryId(record.env, i) === to);
  return byId >= 0 ? record.history[byId] : record.history.findLast((e) => e.files === to || e.version === to);
}

export function planLocalRollback(root: string, input: { env: string; to: string; apply: boolean; mode: 'dev' | 'start' }): ChangePlan & { status?: number } {
  const record = localRecords(root).find((r) => r.env === input.env);
  const target = record && findEntry(record, input.to);
  const command = `gati deploy ${input.env} --rollback`;
  if (!record || !target) return { status: 404, diff: '', command, applied: false, errors: [`no deployment '${input.to}' of '${input.env}' in .gati/deployments`] };
  const current = record.history.at(-1)!;
  if (target === current) return { diff: '', command, applied: false, errors: [`'${input.to}' is the current deployment of ${input.env}`] };
  if (target === previousEntry(record)) {
    // The exact files that deployment applied, against the current ones. The panel shows them and
    // the command; it does not run it (it needs the environment's tools and credentials).
    const diff = folderDiff(root, current.files, target.files);
    const errors = input.apply ? ['a rollback applies the environment with its own tools and credentials (kubectl, the cloud CLI): run the command'] : undefined;
    return { diff, command, applied: false, manual: true, note: `Run it where ${input.env}'s tools and credentials are: it applies ${target.files} again.`, ...(errors ? { errors } : {}) };
  }
  // Older than the one --rollback reaches: deploy the current config with that deployment's image.
  const tag = target.image.slice(target.image.lastIndexOf(':') + 1);
  return planConfigChange(root, { values: { [`deploy.${input.env}.image.tag`]: tag }, command: `gati deploy ${input.env}`, apply: input.apply, mode: input.mode });
}

function folderDiff(root: string, from: string, to: string): string {
  const files = (dir: string) => (existsSync(join(root, dir)) ? listFiles(join(root, dir)) : []);
  const before = files(from);
  const after = files(to);
  const out: string[] = [];
  for (const f of [...new Set([...before, ...after])].sort()) {
    const a = before.includes(f) ? readFileSync(join(root, from, f), 'utf8') : '';
    const b = after.includes(f) ? readFileSync(join(root, to, f), 'utf8') : '';
    out.push(unifiedDiff(a, b, `${from}/${f}`, `${to}/${f}`));
  }
  return out.join('');
}

interface KubeMeta { name: string; creationTimestamp?: string; annotations?: Record<string, string>; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] }
interface PodTemplate { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { containers?: { image?: string }[] } }
interface KubeDeployment { metadata: KubeMeta; spec: { replicas?: number; template: PodTemplate } }
interface KubeReplicaSet { metadata: KubeMeta; spec: { replicas?: number; template: PodTemplate }; status?: { readyReplicas?: number; replicas?: number } }

const REVISION = 'deployment.kubernetes.io/revision';

async function revisions(c: InCluster, deployment: string, component: string): Promise<{ deployment: KubeDeployment; sets: KubeReplicaSet[] }> {
  const dep = await c.kube.get<KubeDeployment>(deploymentPath(c.namespace, deployment));
  const selector = `app.kubernetes.io/instance=${c.app}-${c.env},app.kubernetes.io/component=${component}`;
  const list = await c.kube.get<{ items: KubeReplicaSet[] }>(replicaSetsPath(c.namespace, selector));
  const sets = list.items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment));
  return { deployment: dep, sets };
}

const imageOf = (t: PodTemplate) => t.spec?.containers?.[0]?.image ?? '';

export async function clusterDeployments(c: InCluster): Promise<DeploymentsInfo> {
  const history: DeploymentsInfo['history'] = [];
  for (const comp of c.target.components) {
    const { deployment, sets } = await revisions(c, comp.deployment, comp.name);
    const currentRevision = deployment.metadata.annotations?.[REVISION];
    for (const rs of sets) {
      const image = imageOf(rs.spec.template);
      const revision = rs.metadata.annotations?.[REVISION] ?? '?';
      history.push({
        id: rs.metadata.name,
        env: c.env,
        version: image.slice(image.lastIndexOf(':') + 1),
        image,
        at: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
        status: `${comp.deployment} revision ${revision}: ${rs.status?.readyReplicas ?? 0}/${rs.status?.replicas ?? 0} ready`,
        current: revision === currentRevision,
      });
    }
  }
  return { source: 'cluster', history: history.sort((a, b) => b.at - a.at) };
}

/** Rolls a Deployment back to one of its ReplicaSets: its pod template (without the hash label) replaces the Deployment's. */
export async function planClusterRollback(c: InCluster, input: { to: string; apply: boolean }): Promise<ChangePlan & { status?: number }> {
  for (const comp of c.target.components) {
    const { deployment, sets } = await revisions(c, comp.deployment, comp.name);
    const rs = sets.find((s) => s.metadata.name === input.to);
    if (!rs) continue;
    const revision = rs.metadata.annotations?.[REVISION] ?? '';
    const command = `kubectl rollout undo deployment/${comp.deployment} -n ${c.namespace} --to-revision=${revision}`;
    const template = structuredClone(rs.spec.template);
    if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
    const diff = `PATCH deployment ${c.namespace}/${comp.deployment}: spec.template ← ReplicaSet ${rs.metadata.name} (revision ${revision}, ${imageOf(template)})\n${unifiedDiff(`${JSON.stringify(deployment.spec.template, null, 2)}\n`, `${JSON.stringify(template, null, 2)}\n`, `deployment/${comp.deployment}`, `replicaset/${rs.metadata.name}`)}`;
    if (!input.apply) return { diff, command, applied: false };
    await c.kube.patch(deploymentPath(c.namespace, comp.deployment), [{ op: 'replace', path: '/spec/template', value: template }], 'json');
    return { diff, command, applied: true };
  }
  return { status: 404, diff: '', command: '', applied: false, errors: [`no ReplicaSet '${input.to}' of this app's ${c.env} Deployments in ${c.namespace}`] };
}
