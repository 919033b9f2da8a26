// The panel's app data (docs/control-panel.md, "Topology, versions, effects, deployments, scaling,
// config"): what the build wrote under dist/control/ read back from the app's root, joined with live
// state: traffic per version, the effects backend's jobs, the deployments (the records of
// `gati deploy`, or the Kubernetes API in a cluster), and changes to scaling, rollbacks and settings
// as plans with a diff, applied only when asked (`apply: true`), each call in the audit log.
import type { ControlCall, ControlEndpoint, ControlEnv, ControlResult } from '../endpoint.js';
import type { ChangePlan, VersionsInfo } from '../api-types.js';
import { readAppData, readVersions } from '../app-data/read-app-data.js';
import { composeDiff } from '../app-data/versions-summary.js';
import { versionTraffic } from '../../versions/traffic.js';
import { inCluster, type InCluster } from '../app-data/cluster-target.js';
import { KubeError } from '../app-data/kube-api.js';
import { localDeployments, planLocalRollback, clusterDeployments, planClusterRollback } from '../app-data/deployments.js';
import { configScaling, clusterScaling, planConfigScaling, planClusterScaling, scalingErrors } from '../app-data/scaling.js';
import { configInfo, settingErrors } from '../app-data/config-view.js';
import { planConfigChange } from '../app-data/config-change.js';
import { CONTROL_APP_FILE } from '../app-data/app-data-file.js';

const fail = (status: number, detail: string): ControlResult => ({ status, json: { type: 'about:blank', title: status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Error', status, detail } });

function appData(env: ControlEnv) {
  const app = env.app();
  return { app, data: readAppData(app.root) };
}

function notBuilt(): ControlResult {
  return fail(404, `no ${CONTROL_APP_FILE} in the app: build it (gati build, or gati dev) to see its topology and routes`);
}

/** The body as an object, or undefined. */
const bodyOf = (call: ControlCall): Record<string, unknown> => (call.body && typeof call.body === 'object' && !Array.isArray(call.body) ? (call.body as Record<string, unknown>) : {});

/** The cluster this pod runs in (undefined outside one), or the answer that says why it cannot be managed. */
function cluster(env: ControlEnv): InCluster | ControlResult | undefined {
  const c = inCluster(readAppData(env.app().root));
  return typeof c === 'string' ? fail(409, c) : c;
}
const isResult = (c: unknown): c is ControlResult => !!c && typeof c === 'object' && 'json' in c;

/** A Kubernetes API failure is the answer (its status, its message), not a 500. */
async function kube(run: () => Promise<ControlResult>): Promise<ControlResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof KubeError) return fail(502, error.message);
    throw error;
  }
}

function planAnswer(plan: ChangePlan & { status?: number }): ControlResult {
  const { status, ...json } = plan;
  return { status: status ?? (plan.errors?.length ? 422 : 200), json };
}

export const APP_DATA_ENDPOINTS: ControlEndpoint[] = [
  {
    method: 'GET',
    path: 'topology',
    handler: (_call, env) => {
      const { data } = appData(env);
      return data ? { json: data.topology } : notBuilt();
    },
  },
  {
    method: 'GET',
    path: 'routes',
    handler: (_call, env) => {
      const { data } = appData(env);
      return data ? { json: { items: data.routes } } : notBuilt();
    },
  },
  {
    method: 'GET',
    path: 'versions',
    handler: (_call, env) => {
      const summary = readVersions(env.app().root);
      const info: VersionsInfo = {
        current: summary.current,
        versions: summary.versions.map((v) => ({ semver: v.semver, timestamp: v.timestamp, routes: v.routes.length, removed: v.removed })),
        traffic: versionTraffic(),
      };
      return { json: info };
    },
  },
  {
    method: 'GET',
    path: 'versions/diff',
    handler: (call, env) => {
      const from = call.query.get('from');
      const to = call.query.get('to');
      if (!from || !to) return fail(400, 'give both versions: versions/diff?from=<semver>&to=<semver>');
      const diff = composeDiff(readVersions(env.app().root), from, to);
      return diff ? { json: diff } : fail(404, `no version ${from} or ${to} (GET versions lists them)`);
    },
  },
  {
    method: 'GET',
    path: 'effects',
    handler: async (_call, env) => {
      const { app, data } = appData(env);
      const { effectsInfo } = await import('../app-data/effects-source.js');
      const files = Object.fromEntries((data?.topology.nodes ?? []).filter((n) => n.kind === 'effect' && n.file).map((n) => [n.label, n.file!]));
      return { json: await effectsInfo(app, files) };
    },
  },
  {
    method: 'GET',
    path: 'effects/dead',
    handler: async (call, env) => {
      const limit = Math.min(Math.max(Number(call.query.get('limit') ?? 100) || 100, 1), 1000);
      const { deadJobs } = await import('../app-data/effects-source.js');
      return { json: { items: await deadJobs(env.app(), call.query.get('effect') ?? undefined, limit) } };
    },
  },
  {
    method: 'POST',
    path: 'effects/dead/:id/retry',
    handler: async (call, env) => {
      const { retryDead } = await import('../app-data/effects-source.js');
      const id = call.params['id']!;
      const done = await retryDead(env.app(), id);
      env.audit(call.user, 'effects.retry', { id, ...(done.ok ? { effect: done.effect } : { refused: done.detail }) });
      return done.ok ? { json: { ok: true, id } } : fail(done.status, done.detail);
    },
  },
  {
    method: 'GET',
    path: 'deployments',
    handler: (_call, env) => {
      const c = cluster(env);
      if (isResult(c)) return c;
      return c ? kube(async () => ({ json: await clusterDeployments(c) })) : { json: localDeployments(env.app().root) };
    },
  },
  {
    method: 'POST',
    path: 'deployments/rollback',
    handler: (call, env) => {
      const body = bodyOf(call);
      const to = body['to'];
      const envName = body['env'];
      if (typeof to !== 'string' || !to || typeof envName !== 'string' || !envName) return fail(400, 'send { env, to, apply? }: the environment and the deployment id (GET deployments lists them)');
      const apply = body['apply'] === true;
      const c = cluster(env);
      if (isResult(c)) return c;
      return kube(async () => {
        const plan = c ? await planClusterRollback(c, { to, apply }) : planLocalRollback(env.app().root, { env: envName, to, apply, mode: env.mode });
        env.audit(call.user, 'deployments.rollback', { env: envName, to, apply, applied: plan.applied });
        return planAnswer(plan);
      });
    },
  },
  {
    method: 'GET',
    path: 'scaling',
    handler: (_call, env) => {
      const c = cluster(env);
      if (isResult(c)) return c;
      return c ? kube(async () => ({ json: await clusterScaling(c) })) : { json: configScaling(readAppData(env.app().root)) };
    },
  },
  {
    method: 'POST',
    path: 'scaling',
    handler: (call, env) => {
      const body = bodyOf(call);
      const { env: envName, name } = body;
      if (typeof envName !== 'string' || typeof name !== 'string') return fail(400, 'send { env, name, replicas?, min?, max?, apply? }');
      const errors = scalingErrors(body);
      if (errors.length) return planAnswer({ diff: '', command: '', applied: false, errors });
      const request = { env: envName, name, replicas: body['replicas'] as number | undefined, min: body['min'] as number | undefined, max: body['max'] as number | undefined, apply: body['apply'] === true };
      const c = cluster(env);
      if (isResult(c)) return c;
      return kube(async () => {
        const plan = c ? await planClusterScaling(c, request) : planConfigScaling(env.app().root, readAppData(env.app().root), request, env.mode);
        env.audit(call.user, 'scaling.change', { env: envName, name, replicas: request.replicas, min: request.min, max: request.max, apply: request.apply, applied: plan.applied });
        return planAnswer(plan);
      });
    },
  },
  {
    method: 'GET',
    path: 'config',
    handler: (_call, env) => ({ json: configInfo(env.app().config) }),
  },
  {
    method: 'POST',
    path: 'config',
    handler: (call, env) => {
      const body = bodyOf(call);
      const changes = body['changes'];
      if (!changes || typeof changes !== 'object' || Array.isArray(changes) || Object.keys(changes).length === 0) return fail(400, 'send { changes: { "<path>": value, … }, apply? }');
      const errors = settingErrors(changes as Record<string, unknown>);
      const apply = body['apply'] === true;
      const plan: ChangePlan = errors.length
        ? { diff: '', command: 'gati build', applied: false, errors }
        : planConfigChange(env.app().root, { values: changes as Record<string, string | number | boolean>, command: 'gati build', apply, mode: env.mode });
      env.audit(call.user, 'config.change', { paths: Object.keys(changes), apply, applied: plan.applied });
      return planAnswer(plan);
    },
  },
];
