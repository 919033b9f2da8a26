// .gati/deployments/<env>.json: every deployment of an environment, newest last, and a snapshot of the
// files it applied (.gati/deployments/<env>/<n>-<version>/) so that --rollback re-applies exact bytes.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../model/stable-json.js';
import { listFiles, type DeploymentRecord } from '../../runtime-shim/deploy-records.js';
// The record's shape and its readers are shared with the control panel's deployments page.
export { listFiles, previousEntry, type DeploymentEntry, type DeploymentRecord } from '../../runtime-shim/deploy-records.js';

export const recordPath = (root: string, env: string) => join(root, '.gati', 'deployments', `${env}.json`);

export function readRecord(root: string, env: string): DeploymentRecord {
  const path = recordPath(root, env);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DeploymentRecord) : { env, history: [] };
}

export function writeRecord(root: string, record: DeploymentRecord): void {
  mkdirSync(join(root, '.gati', 'deployments'), { recursive: true });
  writeFileSync(recordPath(root, record.env), canonicalJson(record));
}

export function hashFiles(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

/** The snapshot folder of the next deployment, relative to the root. */
export function snapshotPath(env: string, version: string, record: DeploymentRecord): string {
  return `.gati/deployments/${env}/${String(record.history.length + 1).padStart(4, '0')}-${version}`;
}

/** Copies infra/<env> into the snapshot folder (replacing what a failed attempt left there). */
export function copySnapshot(root: string, env: string, rel: string): void {
  const target = join(root, rel);
  rmSync(target, { recursive: true, force: true });
  cpSync(join(root, 'infra', env), target, { recursive: true });
}

/**
 * Removes the snapshot folder of a deployment that failed: only recorded deployments keep one,
 * so `.gati/deployments/<env>/` lists exactly what the record lists (and a rollback never finds a
 * folder that was never applied). The env folder goes too when it is left empty.
 */
export function discardSnapshot(root: string, rel: string): void {
  rmSync(join(root, rel), { recursive: true, force: true });
  const envDir = dirname(join(root, rel));
  if (existsSync(envDir) && readdirSync(envDir).length === 0) rmSync(envDir, { recursive: true, force: true });
}
