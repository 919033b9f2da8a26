// gati effects [dir] · gati effects dead [dir] · gati effects retry <id> [dir]: the app's jobs, read
// from the backend its config picks (SQLite file or Redis), without starting the app.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { discoverApp } from '../../compiler/discover/discover.js';
import { loadConfig } from '../../compiler/config/load-config.js';
import { DiagnosticBag } from '../../compiler/diagnostics/diagnostic.js';
import type { EffectsConfig } from '../../runtime-shim/config.js';
import type { EffectBackend, JobStatus, JobView } from '../../runtime-shim/effects/types.js';
import { JOB_STATUSES } from '../../runtime-shim/effects/types.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';

export async function effectsCommand(args: string[], term: Terminal, json: boolean): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'retry' && !rest[0]) {
    term.error("gati: 'gati effects retry' needs a job id (see 'gati effects dead')");
    return 2;
  }
  const action = sub === 'retry' ? 'retry' : sub === 'dead' ? 'dead' : 'counts';
  const root = resolve((action === 'retry' ? rest[1] : action === 'dead' ? rest[0] : sub) ?? '.');
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  if (bag.hasErrors && reportDiagnostics(bag.sorted().filter((d) => d.severity === 'error'), term, json)) return 1;
  // The backend `gati start` would open here: in a deploy environment (GATI_ENV), its own.
  const { effectsConfigFor, isEffectsConfigError, formatConfigError } = await import('../../runtime-shim/effects/effects-config.js');
  const { config: effectsConfig, key } = effectsConfigFor(config) as { config: EffectsConfig | undefined; key: string };
  const { openBackend, sqlitePath } = await import('../../runtime-shim/effects/open-backend.js');
  if ((effectsConfig?.backend ?? CONFIG_DEFAULTS.effects.backend) === 'sqlite' && !existsSync(sqlitePath(effectsConfig, root))) {
    // Nothing was ever enqueued here: say so rather than create an empty database.
    if (action === 'retry') {
      term.error(`gati: no job '${rest[0]}' (no effects database at ${sqlitePath(effectsConfig, root)})`);
      return 1;
    }
    if (json) term.data(action === 'dead' ? '[]' : '{}');
    else term.info(`no jobs yet (no effects database at ${sqlitePath(effectsConfig, root)})`);
    return 0;
  }
  let backend: EffectBackend;
  try {
    backend = await openBackend(effectsConfig, root, key);
  } catch (error) {
    if (!isEffectsConfigError(error)) throw error;
    term.error(formatConfigError(error));
    return 1;
  }
  // Redis down: say so rather than wait for it.
  const availability = backend.availability;
  await availability?.settled(5_000);
  if (availability && !availability.up) {
    term.error(`gati effects: the effects backend (${backend.kind}) is unreachable (${availability.reason}): is it running, and is the URL right?`);
    await backend.close();
    return 1;
  }
  try {
    if (action === 'retry') return await retry(backend, rest[0]!, term, json);
    if (action === 'dead') return await dead(backend, term, json);
    return await counts(backend, term, json);
  } finally {
    await backend.close();
  }
}

async function counts(backend: EffectBackend, term: Terminal, json: boolean): Promise<number> {
  const all = await backend.counts();
  if (json) {
    term.data(JSON.stringify(all, null, 2));
    return 0;
  }
  const names = Object.keys(all).sort();
  if (names.length === 0) {
    term.data(`no jobs (${backend.kind})`);
    return 0;
  }
  const header = ['effect', ...JOB_STATUSES];
  const rows = names.map((n) => [n, ...JOB_STATUSES.map((s: JobStatus) => String(all[n]![s] ?? 0))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  term.data([line(header), ...rows.map(line)].join('\n'));
  return 0;
}

async function dead(backend: EffectBackend, term: Terminal, json: boolean): Promise<number> {
  const jobs: JobView[] = [];
  let cursor: string | null = null;
  do {
    const page = await backend.inspect(cursor === null ? { status: 'dead', limit: 200 } : { status: 'dead', limit: 200, cursor });
    jobs.push(...page.jobs);
    cursor = page.cursor;
  } while (cursor !== null);
  if (json) {
    term.data(JSON.stringify(jobs, null, 2));
    return 0;
  }
  if (jobs.length === 0) {
    term.data('no dead jobs');
    return 0;
  }
  term.data(
    jobs
      .map((j) => `${j.id}  ${j.name}  attempts ${j.attempt}/${j.maxAttempts}  created ${new Date(j.createdAt).toISOString()}\n  payload: ${JSON.stringify(j.payload)}\n  last error: ${(j.lastError ?? '').split('\n').join('\n    ')}`)
      .join('\n\n'),
  );
  term.info(`\n${jobs.length} dead job${jobs.length === 1 ? '' : 's'}; run one again with 'gati effects retry <id>'`);
  return 0;
}

async function retry(backend: EffectBackend, id: string, term: Terminal, json: boolean): Promise<number> {
  const job = await backend.get(id);
  if (!job) {
    term.error(`gati: no job '${id}'`);
    return 1;
  }
  if (!(await backend.retry(id))) {
    term.error(`gati: job '${id}' is ${job.status}; only dead, cancelled or completed jobs can be retried`);
    return 1;
  }
  if (json) term.data(JSON.stringify({ id, name: job.name, status: 'queued' }));
  else term.info(`job ${id} (${job.name}) is queued again, from attempt 1`);
  return 0;
}
