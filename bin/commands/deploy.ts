// gati deploy <env> [dir] [--dry-run] [--rollback] [--skip-image]: build, then apply the environment's
// artifacts with the user's own tools (docker, kubectl, cdk, az, or the custom scripts), and record it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { StageClock, write } from '../../driver/stages.js';
import { withTentativeSdk } from '../../driver/owned-outputs.js';
import type { DeployManifest } from '../../emitters/infra/index.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';
import { buildOrExplain, bundleServer, releaseAndWrite } from './build.js';
import { reportTimings } from './timings.js';
import { deploySteps, formatStep, type Step } from '../deploy/steps.js';
import { hashFiles, copySnapshot, discardSnapshot, previousEntry, readRecord, recordPath, snapshotPath, writeRecord, type DeploymentEntry } from '../deploy/record.js';
import { diffFolders, type FileChange } from '../deploy/diff.js';
import { preflight } from '../deploy/preflight.js';

export interface DeployOptions {
  dryRun: boolean;
  rollback: boolean;
  skipImage: boolean;
}

const MAX_DIFF_LINES = 60;

export async function deployCommand(root: string, env: string | undefined, options: DeployOptions, term: Terminal, json: boolean): Promise<number> {
  if (!env) {
    term.error('usage: gati deploy <env> [dir] [--dry-run] [--rollback] [--skip-image]');
    return 2;
  }
  const record = readRecord(root, env);
  const current = record.history.at(-1);
  let manifest: DeployManifest;
  let files: string;
  let target: DeploymentEntry | undefined;

  if (options.rollback) {
    target = previousEntry(record);
    if (!target) {
      term.error(`gati deploy: nothing to roll back to: ${relative(root, recordPath(root, env))} holds no earlier deployment that differs from the current one (${record.history.length} recorded)`);
      return 1;
    }
    files = target.files;
    manifest = JSON.parse(readFileSync(join(root, files, 'deploy.json'), 'utf8')) as DeployManifest;
  } else {
    term.progress(`gati deploy ${env}: building…`);
    const result = await buildOrExplain(root, term, 'gati deploy');
    if (!result) return 1;
    if (reportDiagnostics(result.diagnostics, term, json && !options.dryRun)) return 1;
    if (!result.config.deploy?.[env]) {
      const known = Object.keys(result.config.deploy ?? {});
      term.error(`gati deploy: no deploy environment '${env}' in the config${known.length ? ` (known: ${known.join(', ')})` : '; add one under `deploy` (see "Deployment" in the README)'}`);
      return 1;
    }
    // A real deployment releases a recorded API version, as `gati build` does; a dry run records
    // nothing (it writes the build to show the diff, with the versions the last build recorded).
    const clock = new StageClock();
    let built = result.artifacts;
    if (options.dryRun) clock.time('write', () => write({ root, artifacts: result.versions?.plan.changed ? withTentativeSdk(result.artifacts) : result.artifacts }));
    else {
      const released = releaseAndWrite(root, result, term, json, 'gati deploy', clock);
      if (!released) return 1;
      built = released.artifacts;
    }
    // The image copies dist/: the server bundle must be there too.
    if ((await bundleServer(root, term, clock, built)) === undefined) return 1;
    reportTimings(term, [...result.timings, ...clock.timings]);
    files = `infra/${env}`;
    manifest = JSON.parse(readFileSync(join(root, files, 'deploy.json'), 'utf8')) as DeployManifest;
  }

  if (options.dryRun) {
    const steps = deploySteps(manifest, { files, image: !options.rollback && !options.skipImage, rollback: options.rollback });
    const changes = diffFolders(current ? join(root, current.files) : undefined, join(root, files));
    printDryRun(term, json, env, manifest, steps, changes, current, options.rollback);
    return 0;
  }

  if (!options.rollback) files = snapshotPath(env, manifest.version, record);
  const steps = deploySteps(manifest, { files, image: !options.rollback && !options.skipImage, rollback: options.rollback });
  const problems = preflight(root, manifest, steps);
  if (problems.length) {
    term.error(`gati deploy ${env}: cannot deploy, nothing was applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  if (!options.rollback) copySnapshot(root, env, files);
  const started = performance.now();
  const applied = applySteps(root, env, steps, term);
  if (!applied) {
    // Nothing is recorded for a failed deployment, and neither is its snapshot folder kept.
    if (!options.rollback) discardSnapshot(root, files);
    return 1;
  }
  const entry: DeploymentEntry = {
    version: manifest.version,
    image: manifest.image.ref,
    provider: manifest.provider,
    regions: manifest.regions,
    deployedAt: new Date().toISOString(),
    files,
    hashes: hashFiles(join(root, files)),
    ...(options.rollback && current ? { rollbackOf: current.files } : {}),
  };
  record.history.push(entry);
  record.current = entry.version;
  writeRecord(root, record);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  term.info(
    `${term.style.bold('gati deploy')} ${manifest.app} ${options.rollback ? `rolled back ${env} to ${entry.version}, the deployment of ${target!.deployedAt} (${target!.files})` : `${entry.version} to ${env}`} (${manifest.provider}, ${manifest.regions.join(', ')}) in ${seconds} s`,
  );
  term.info(`  recorded in ${relative(root, recordPath(root, env))}`);
  return 0;
}

/** Runs the steps in order; false (after saying why) when one fails. */
function applySteps(root: string, env: string, steps: Step[], term: Terminal): boolean {
  const vars: Record<string, string> = {};
  for (const step of steps) {
    const args = step.args.map((a) => a.replace(/\$\{(\w+)\}/g, (_, name: string) => vars[name] ?? ''));
    term.info(`${term.style.gray('$')} ${formatStep({ ...step, args, captureAs: undefined })}`);
    const [command, commandArgs] = resolveCommand(root, step, args);
    const run = spawnSync(command, commandArgs, {
      cwd: root,
      env: { ...process.env, ...step.env },
      stdio: step.captureAs ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'inherit', 'inherit'],
      encoding: 'utf8',
    });
    if (run.error || run.status !== 0) {
      term.error(`gati deploy ${env}: '${formatStep({ ...step, args })}' failed (${run.error ? run.error.message : `exit code ${run.status}`}) while trying to ${step.why}; the deployment was not recorded`);
      return false;
    }
    if (step.captureAs) {
      const value = String(run.stdout).trim();
      if (!value) {
        term.error(`gati deploy ${env}: ${step.why} is empty (the load balancer may still be provisioning); run the deploy again in a minute`);
        return false;
      }
      vars[step.captureAs] = value;
    }
  }
  return true;
}

/** A custom script runs with node when it is JavaScript, else directly (its shebang decides). */
function resolveCommand(root: string, step: Step, args: string[]): [string, string[]] {
  if (step.env === undefined) return [step.tool, args];
  const path = isAbsolute(step.tool) ? step.tool : join(root, step.tool);
  return /\.(c|m)?js$/.test(path) ? [process.execPath, [path, ...args]] : [path, args];
}

function printDryRun(term: Terminal, json: boolean, env: string, m: DeployManifest, steps: Step[], changes: FileChange[], current: DeploymentEntry | undefined, rollback: boolean): void {
  if (json) {
    term.data(JSON.stringify({ env, provider: m.provider, regions: m.regions, image: m.image.ref, version: m.version, previous: current?.version ?? null, rollback, steps: steps.map(formatStep), changes }, null, 2));
    return;
  }
  const out: string[] = [];
  out.push(`gati deploy ${env} --dry-run${rollback ? ' --rollback' : ''}: ${m.app} on ${m.provider} (${m.regions.join(', ')}), image ${m.image.ref}`);
  out.push(current ? `  version ${current.version} (deployed ${current.deployedAt}) → ${m.version}` : `  version ${m.version} (first deployment of '${env}')`);
  out.push('', 'Would run:');
  for (const step of steps) out.push(`  ${formatStep(step)}`);
  if (steps.some((s) => s.env)) out.push(`  with ${Object.entries(steps[0]!.env ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  out.push('', current ? `Changes since ${current.version}:` : 'Changes: everything is new');
  if (changes.length === 0) out.push('  none: the cluster already runs these files');
  for (const c of changes) {
    out.push(`  ${c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~'} ${c.file}${c.kind === 'changed' ? '' : ` (${c.kind})`}`);
    if (current && c.kind === 'changed') {
      for (const line of c.lines.slice(0, MAX_DIFF_LINES)) out.push(`      ${line}`);
      if (c.lines.length > MAX_DIFF_LINES) out.push(`      … ${c.lines.length - MAX_DIFF_LINES} more lines`);
    }
  }
  term.data(out.join('\n'));
}

