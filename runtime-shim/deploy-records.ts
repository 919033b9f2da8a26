// .gati/deployments/<env>.json as `gati deploy` writes it (bin/deploy/record.ts) and the control
// panel reads it (control/app-data/deployments.ts): every deployment of an environment, newest last,
// with the snapshot folder of the files it applied.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DeploymentEntry {
  version: string;
  image: string;
  provider: string;
  regions: string[];
  deployedAt: string;
  /** Snapshot folder, relative to the app root. */
  files: string;
  /** sha256 of each snapshot file, by path inside the snapshot. */
  hashes: Record<string, string>;
  /** Set on a rollback: the snapshot folder of the deployment it replaced. */
  rollbackOf?: string;
}

export interface DeploymentRecord {
  env: string;
  current?: string;
  history: DeploymentEntry[];
}

/** Every file under `dir`, relative, '/'-separated, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The deployment a rollback goes back to: the newest earlier one whose files differ from the current one
 * (a config-only change is a deployment too, with the same image version). */
export function previousEntry(record: DeploymentRecord): DeploymentEntry | undefined {
  const current = record.history.at(-1);
  if (!current) return undefined;
  const same = (a: DeploymentEntry) => JSON.stringify(a.hashes) === JSON.stringify(current.hashes) && a.version === current.version;
  for (let i = record.history.length - 2; i >= 0; i--) {
    if (!same(record.history[i]!)) return record.history[i];
  }
  return undefined;
}
