// What a build means for the API's version, decided without touching the disk or the clock:
// the diff against the newest snapshot, the bump and next semver, the version change files the
// new snapshot binds, and the refusal (GATI5001) of breaking changes that no migration covers.
import type { Span } from '../../model/gtype.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, type SourceText } from '../diagnostics/location.js';
import { bumpOf, diffSurfaces, type ApiChange } from './diff.js';
import { bumpSemver } from './semver.js';
import { surfaceHash, type ApiSurface } from './surface.js';
import type { BumpLevel } from './rules.js';
import type { Snapshot } from './snapshot.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import type { StaticVersionChange } from './version-change-file.js';

export interface PlanInput {
  /** Existing snapshots, oldest first. */
  snapshots: Snapshot[];
  surface: ApiSurface;
  /** Every version change file of the app, sorted by file name. */
  versionChanges: StaticVersionChange[];
  /** Route key → the handler's position, for GATI5001. */
  routeSpans?: Record<string, Span>;
  /** The app's files as analysed, to copy the handler's line into a GATI5001. */
  sourceText?: SourceText;
  initialVersion?: string;
  rules?: Record<string, BumpLevel>;
}

export interface VersionPlan {
  /** False when the surface equals the newest snapshot's: nothing to write. */
  changed: boolean;
  hash: string;
  surface: ApiSurface;
  /** The semver of the new snapshot, or of the newest one when unchanged. */
  semver: string;
  bump: BumpLevel | 'initial' | undefined;
  changes: ApiChange[];
  previous: Snapshot | undefined;
  /** Version change files not bound to an existing snapshot, oldest first: the new snapshot binds them. */
  pending: StaticVersionChange[];
  diagnostics: Diagnostic[];
}

export function planVersion(input: PlanInput): VersionPlan {
  const { snapshots, surface } = input;
  const hash = surfaceHash(surface);
  const previous = snapshots[snapshots.length - 1];
  const bound = new Set(snapshots.flatMap((s) => s.versionChanges.map((v) => v.file)));
  const pending = input.versionChanges.filter((v) => !bound.has(v.file));
  if (!previous) {
    return { changed: true, hash, surface, semver: input.initialVersion ?? CONFIG_DEFAULTS.versioning.initialVersion, bump: 'initial', changes: [], previous, pending, diagnostics: [] };
  }
  if (previous.hash === hash) {
    return { changed: false, hash, surface, semver: previous.semver, bump: undefined, changes: [], previous, pending, diagnostics: [] };
  }
  const changes = diffSurfaces(previous.surface, surface, { rules: input.rules ?? {} });
  // Bytes differ but nothing a client can observe does (properties reordered, a snapshot hashed
  // by an older gati before surfaces were canonical): no version, rather than a patch with 0 changes.
  if (changes.length === 0) {
    return { changed: false, hash: previous.hash, surface, semver: previous.semver, bump: undefined, changes, previous, pending, diagnostics: [] };
  }
  const bump = bumpOf(changes)!;
  const diagnostics = [...unknownRoutes(pending, previous.surface, surface), ...uncovered(changes, pending[pending.length - 1], input, previous.semver)];
  return { changed: true, hash, surface, semver: bumpSemver(previous.semver, bump), bump, changes, previous, pending, diagnostics };
}

/** GATI5002 for a route key in a pending version change that neither the previous nor the new version has (a typo would never run). */
function unknownRoutes(pending: StaticVersionChange[], before: ApiSurface, after: ApiSurface): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const change of pending) {
    for (const key of Object.keys(change.routes)) {
      if (before.routes[key] || after.routes[key]) continue;
      const known = [...new Set([...Object.keys(before.routes), ...Object.keys(after.routes)])];
      const close = known.find((k) => k.toLowerCase().replace(/:\w+/g, ':') === key.toLowerCase().replace(/:\w+/g, ':')) ?? known.find((k) => k.split(' ')[1] === key.split(' ')[1]);
      out.push(diagnostic('GATI5002', `'${key}' is not a route of the previous version nor of this one${close ? ` (did you mean '${close}'?)` : ''}`, { span: change.spans[key] }));
    }
  }
  return out;
}

/** GATI5001 per route whose breaking changes the newest pending version change file does not cover. */
function uncovered(changes: ApiChange[], latest: StaticVersionChange | undefined, at: Pick<PlanInput, 'routeSpans' | 'sourceText'>, semver: string): Diagnostic[] {
  const byRoute = new Map<string, ApiChange[]>();
  for (const c of changes) if (c.level === 'major') byRoute.set(c.route, [...(byRoute.get(c.route) ?? []), c]);
  const out: Diagnostic[] = [];
  for (const [route, breaking] of byRoute) {
    const entry = latest?.routes[route];
    const needsRequest = breaking.some((c) => c.position === 'input');
    const needsResponse = breaking.some((c) => c.position === 'output');
    const missing = !entry ? 'no migration' : needsRequest && !entry.request ? 'no request migration' : needsResponse && !entry.response ? 'no response migration' : undefined;
    if (!missing) continue;
    const routeSpan = at.routeSpans?.[route];
    const span = routeSpan && locate(routeSpan, at.sourceText?.(routeSpan.file));
    const where = latest ? `${latest.file} has ${missing} for it` : 'src/versions/ has no pending version change file';
    out.push(diagnostic('GATI5001', `breaking change to '${route}' for clients of ${semver}: ${where}`, {
      span,
      notes: breaking.map((c) => ({ message: describeChange(c) })),
      hint: latest
        ? `Add '${route}': { ${needsRequest ? 'request(old) { … }' : ''}${needsRequest && needsResponse ? ', ' : ''}${needsResponse ? 'response(body, status) { … }' : ''} } to ${latest.file}, or override the rule's level in versioning.rules.`
        : `Run \`gati versions new "<what changed>"\` and migrate '${route}' in the file it creates, or override the rule's level in versioning.rules.`,
    }));
  }
  return out;
}

/** `body.amount [input] field-removed (major): number → (none)` */
export function describeChange(c: ApiChange): string {
  const where = c.path || '(route)';
  const types = c.old !== undefined || c.new !== undefined ? `: ${c.old ?? '(none)'} → ${c.new ?? '(none)'}` : '';
  return `${where} [${c.position}] ${c.rule} (${c.level})${c.detail ? `, ${c.detail}` : ''}${types}`;
}
