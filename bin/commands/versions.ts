// gati versions [dir]                 list the released versions (newest first)
// gati versions diff [from] [to]      the classified changes between two versions (default: the newest and the one before);
//                                     `current` is the app's source as the next build would release it
// gati versions new "<description>"   scaffold src/versions/<timestamp>-<slug>.ts, with a stub for every route that breaks
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildApp } from '../../driver/build.js';
import type { ApiChange } from '../../compiler/versions/diff.js';
import { diffSurfaces, bumpOf } from '../../compiler/versions/diff.js';
import { describeChange } from '../../compiler/versions/plan.js';
import { readSnapshots } from '../../compiler/versions/store.js';
import { nextTimestamp, type Snapshot } from '../../compiler/versions/snapshot.js';
import type { ApiSurface } from '../../compiler/versions/surface.js';
import { resolveVersion } from '../../runtime-shim/versions/resolve.js';
import { loadConfig } from '../../compiler/config/load-config.js';
import { discoverApp } from '../../compiler/discover/discover.js';
import { DiagnosticBag } from '../../compiler/diagnostics/diagnostic.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';

export async function versionsCommand(args: string[], dirOption: string | undefined, term: Terminal, json: boolean): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'diff') return diffCommand(dirOption ?? '.', rest, term, json);
  if (sub === 'new') return newCommand(dirOption ?? rest[1] ?? '.', rest[0], term);
  return listCommand(dirOption ?? sub ?? '.', term, json);
}

function load(root: string, term: Terminal): Snapshot[] | undefined {
  const { snapshots, diagnostics } = readSnapshots(root);
  if (reportDiagnostics(diagnostics, term, false)) return undefined;
  return snapshots;
}

function listCommand(root: string, term: Terminal, json: boolean): number {
  const snapshots = load(root, term);
  if (!snapshots) return 1;
  if (json) {
    term.data(JSON.stringify(snapshots.map((s) => ({ semver: s.semver, timestamp: s.timestamp, bump: s.bump, hash: s.hash, changes: s.changes.length, versionChanges: s.versionChanges })).reverse(), null, 2));
    return 0;
  }
  if (!snapshots.length) {
    term.data('No API versions yet: `gati build` writes the first snapshot to .gati/versions/.');
    return 0;
  }
  const rows = [...snapshots].reverse().map((s) => [s.semver, s.timestamp, s.bump, summary(s)] as const);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  term.data([`${snapshots.length} version${snapshots.length === 1 ? '' : 's'}, newest first`, ...rows.map((r) => `  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`)].join('\n'));
  return 0;
}

function summary(s: Snapshot): string {
  if (s.bump === 'initial') return `${Object.keys(s.surface.routes).length} routes`;
  const counts = new Map<string, number>();
  for (const c of s.changes) counts.set(c.rule, (counts.get(c.rule) ?? 0) + 1);
  const rules = [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
  const described = s.versionChanges.map((v) => v.description).join('; ');
  return `${s.changes.length} change${s.changes.length === 1 ? '' : 's'}${rules ? `: ${rules}` : ''}${described ? ` (${described})` : ''}`;
}

async function diffCommand(root: string, args: string[], term: Terminal, json: boolean): Promise<number> {
  const snapshots = load(root, term);
  if (!snapshots) return 1;
  const pick = async (spec: string | undefined, fallback: number): Promise<{ label: string; surface: ApiSurface } | undefined | 'error'> => {
    if (spec === 'current') {
      const result = await buildApp(root, { versions: 'warn' });
      if (reportDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), term, false) || !result.versions) return 'error';
      return { label: 'current', surface: result.versions.input.surface };
    }
    if (spec === undefined) {
      const s = snapshots[fallback];
      return s && { label: s.semver, surface: s.surface };
    }
    const r = resolveVersion(spec, snapshots, { requireVersion: true });
    if (!r.ok) {
      term.error(`gati versions diff: ${r.problem.detail}; versions: ${r.problem.versions.map((v) => v.semver).join(', ') || 'none'}`);
      return 'error';
    }
    return { label: r.version.semver, surface: r.version.surface };
  };
  const toIndex = args[1] === undefined ? snapshots.length - 1 : -1;
  const to = await pick(args[1], snapshots.length - 1);
  if (to === 'error') return 1;
  const fromFallback = args[1] === undefined ? toIndex - 1 : snapshots.length - 1;
  const from = await pick(args[0], fromFallback);
  if (from === 'error') return 1;
  if (!from || !to) {
    term.data(snapshots.length ? `Only one version (${snapshots[0]!.semver}): nothing to compare. Try \`gati versions diff ${snapshots[0]!.semver} current\`.` : 'No API versions yet.');
    return 0;
  }
  // The config's rule overrides apply, as they do in `gati build`.
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  if (reportDiagnostics(bag.items, term, false)) return 1;
  const changes = diffSurfaces(from.surface, to.surface, { rules: config.versioning?.rules ?? {} });
  if (json) {
    term.data(JSON.stringify({ from: from.label, to: to.label, bump: bumpOf(changes) ?? null, changes }, null, 2));
    return 0;
  }
  term.data(renderChanges(from.label, to.label, changes));
  return 0;
}

export function renderChanges(from: string, to: string, changes: ApiChange[]): string {
  if (!changes.length) return `${from} → ${to}: no wire changes`;
  const lines = [`${from} → ${to}: ${bumpOf(changes)} (${changes.length} change${changes.length === 1 ? '' : 's'})`];
  let route = '';
  for (const c of changes) {
    if (c.route !== route) lines.push('', (route = c.route));
    lines.push(`  ${c.level.padEnd(5)}  ${describeChange(c)}`);
  }
  return lines.join('\n');
}

async function newCommand(root: string, description: string | undefined, term: Terminal): Promise<number> {
  if (!description) {
    term.error('usage: gati versions new "<description>" [dir]');
    return 2;
  }
  const result = await buildApp(root, { versions: 'warn' });
  if (reportDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), term, false)) return 1;
  const breaking = new Map<string, { request: boolean; response: boolean; notes: string[] }>();
  for (const c of result.versions?.plan.changes ?? []) {
    if (c.level !== 'major') continue;
    const e = breaking.get(c.route) ?? { request: false, response: false, notes: [] };
    if (c.position === 'input') e.request = true;
    if (c.position === 'output') e.response = true;
    e.notes.push(describeChange(c));
    breaking.set(c.route, e);
  }
  const stamp = nextTimestamp(new Date(), undefined).replace(/:/g, '-');
  const slug = description.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'change';
  const file = join(root, 'src', 'versions', `${stamp}-${slug}.ts`);
  if (existsSync(file)) {
    term.error(`gati versions new: ${relative(process.cwd(), file)} already exists`);
    return 1;
  }
  const routes = [...breaking].map(([key, e]) => [
    ...e.notes.map((n) => `    // ${n}`),
    `    '${key}': {`,
    ...(e.request ? ['      request(old) {', '        return old; // TODO: turn the old request into the new shape', '      },'] : []),
    ...(e.response ? ['      response(body, status) {', '        return body; // TODO: turn the new response into the old shape', '      },'] : []),
    '    },',
  ].join('\n'));
  const text = `import { defineVersionChange } from 'gati';

export default defineVersionChange({
  description: '${description.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}',
  routes: {
${routes.join('\n')}
  },
});
`;
  mkdirSync(join(root, 'src', 'versions'), { recursive: true });
  writeFileSync(file, text);
  term.info(`wrote ${relative(process.cwd(), file)}${breaking.size ? ` with ${breaking.size} route${breaking.size === 1 ? '' : 's'} to migrate` : ''}`);
  return 0;
}
