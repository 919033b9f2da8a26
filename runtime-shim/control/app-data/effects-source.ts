// The effects pages' data from the backend the running app uses (its config's, or its deploy
// environment's under GATI_ENV): the same listings `gati effects` prints. The panel opens its own
// connection to that backend (a second handle on the SQLite file, or a Redis client), once per
// app root and backend config, kept for the life of the process; it is loaded only when the
// effects pages are asked for.
import type { CompiledApp } from '../../server/app.js';
import type { DeadJob, EffectsInfo } from '../api-types.js';
import type { EffectBackend, JobView } from '../../effects/types.js';
import { existsSync } from 'node:fs';
import { CONFIG_DEFAULTS } from '../../defaults.js';

const backends = new Map<string, Promise<EffectBackend>>();
/** Queued jobs looked at to tell the delayed ones (run time in the future) from the ready ones. */
const DELAYED_SCAN = 1000;

/** The app's backend, or undefined when it is a SQLite file nothing was ever enqueued to (opening it would create it). */
async function backendOf(app: CompiledApp): Promise<EffectBackend | undefined> {
  const { effectsConfigFor, openBackend, sqlitePath } = await import('../../effects/index.js');
  const { config, key } = effectsConfigFor(app.config);
  if ((config?.backend ?? CONFIG_DEFAULTS.effects.backend) === 'sqlite' && !existsSync(sqlitePath(config, app.root))) return undefined;
  const id = `${app.root}\0${JSON.stringify(config ?? {})}`;
  let backend = backends.get(id);
  if (!backend) {
    backend = openBackend(config, app.root, key);
    backends.set(id, backend);
    backend.catch(() => backends.delete(id));
  }
  return backend;
}

export async function effectsInfo(app: CompiledApp, files: Record<string, string>): Promise<EffectsInfo> {
  const backend = await backendOf(app);
  const counts = (await backend?.counts()) ?? {};
  const names = [...new Set([...app.effects.map((e) => e.name), ...Object.keys(counts)])].sort();
  const effects: EffectsInfo['effects'] = [];
  for (const name of names) {
    const c = counts[name] ?? {};
    const delayed = c.queued ? await countDelayed(backend!, name) : 0;
    effects.push({ name, file: files[name] ?? '', counts: { queued: (c.queued ?? 0) - delayed, running: c.running ?? 0, delayed, done: c.completed ?? 0, dead: c.dead ?? 0 } });
  }
  return { backend: backend?.kind ?? 'sqlite', effects };
}

async function countDelayed(backend: EffectBackend, name: string): Promise<number> {
  const now = Date.now();
  let delayed = 0;
  let seen = 0;
  let cursor: string | null = null;
  do {
    const page = await backend.inspect(cursor === null ? { status: 'queued', name, limit: 200 } : { status: 'queued', name, limit: 200, cursor });
    for (const j of page.jobs) if (j.runAt > now) delayed++;
    seen += page.jobs.length;
    cursor = page.cursor;
  } while (cursor !== null && seen < DELAYED_SCAN);
  return delayed;
}

export async function deadJobs(app: CompiledApp, effect: string | undefined, limit: number): Promise<DeadJob[]> {
  const backend = await backendOf(app);
  if (!backend) return [];
  const jobs: JobView[] = [];
  let cursor: string | null = null;
  do {
    const query = { status: 'dead' as const, limit: Math.min(200, limit - jobs.length), ...(effect ? { name: effect } : {}), ...(cursor === null ? {} : { cursor }) };
    const page = await backend.inspect(query);
    jobs.push(...page.jobs);
    cursor = page.cursor;
  } while (cursor !== null && jobs.length < limit);
  // A dead job's run time is when its last attempt failed (the backends set it on fail).
  return jobs.map((j) => ({ id: j.id, effect: j.name, payload: j.payload, error: j.lastError ?? '', attempts: j.attempt, failedAt: j.runAt, enqueuedAt: j.createdAt }));
}

/** 'retried', or why not: the job is unknown, or not dead. */
export async function retryDead(app: CompiledApp, id: string): Promise<{ ok: true; effect: string } | { ok: false; status: number; detail: string }> {
  const backend = await backendOf(app);
  const job = await backend?.get(id);
  if (!job) return { ok: false, status: 404, detail: `no job '${id}'` };
  if (job.status !== 'dead') return { ok: false, status: 409, detail: `job '${id}' is ${job.status}; only dead jobs are retried from here` };
  if (!(await backend!.retry(id))) return { ok: false, status: 409, detail: `job '${id}' changed state meanwhile` };
  return { ok: true, effect: job.name };
}
