// X-API-Version → one released version, or a 400 problem listing the available versions.
// Pure: the server passes the header and the version list from dist/versions.json.
//
// Header forms:
//   timestamp  2025-11-09T10:00:00Z (also with an offset, with milliseconds, without seconds, or in the
//              file-name form 2025-11-09T10-00-00Z): the newest version released at or before it;
//              a bare date 2025-11-09 means the end of that day (UTC)
//   semver     2, 2.1, 2.1.0 (an optional leading v): the newest version with that prefix

export interface ReleasedVersion { semver: string; timestamp: string }

export interface VersionProblem {
  type: string;
  title: string;
  status: 400;
  detail: string;
  /** Newest first. */
  versions: ReleasedVersion[];
}

export type VersionResolution<V extends ReleasedVersion> =
  | { ok: true; version: V; by: 'default' | 'timestamp' | 'semver' }
  | { ok: false; problem: VersionProblem };

export const VERSION_PROBLEM_TYPE = 'urn:gati:problem:api-version';

const SEMVER = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?)?$/;
const DATE_ONLY = /^(\d{4})-(\d\d)-(\d\d)$/;
const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d)[:-](\d\d)(?:[:-](\d\d)(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?$/;

export function resolveVersion<V extends ReleasedVersion>(header: string | undefined, versions: readonly V[], options: { requireVersion: boolean }): VersionResolution<V> {
  const sorted = [...versions].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const fail = (title: string, detail: string): VersionResolution<V> => ({
    ok: false,
    problem: { type: VERSION_PROBLEM_TYPE, title, status: 400, detail, versions: sorted.map((v) => ({ semver: v.semver, timestamp: v.timestamp })).reverse() },
  });
  if (sorted.length === 0) return fail('No API version is released', 'this app has no version snapshots yet');
  const value = header?.trim();
  if (!value) {
    if (options.requireVersion) return fail('API version required', 'send an X-API-Version header with a timestamp (2025-11-09T10:00:00Z) or a semver (2, 2.1, 2.1.0)');
    return { ok: true, version: sorted[sorted.length - 1]!, by: 'default' };
  }
  const semver = SEMVER.exec(value);
  if (semver) {
    const want = semver.slice(1).filter((p) => p !== undefined).map(Number);
    let best: V | undefined;
    for (const v of sorted) {
      const parts = v.semver.split('.').map(Number);
      if (want.every((p, i) => parts[i] === p) && (!best || compareSemver(v.semver, best.semver) > 0)) best = v;
    }
    return best ? { ok: true, version: best, by: 'semver' } : fail('Unknown API version', `no released version matches ${value}`);
  }
  const at = parseTimestamp(value);
  if (at === undefined) return fail('Malformed API version', `X-API-Version must be a timestamp (2025-11-09T10:00:00Z) or a semver (2, 2.1, 2.1.0), got ${JSON.stringify(value)}`);
  let match: V | undefined;
  for (const v of sorted) if (Date.parse(v.timestamp) <= at) match = v;
  return match ? { ok: true, version: match, by: 'timestamp' } : fail('API version too early', `${value} is before the first released version (${sorted[0]!.timestamp})`);
}

/** Milliseconds since the epoch, or undefined when malformed or not a real date. */
export function parseTimestamp(text: string): number | undefined {
  const d = DATE_ONLY.exec(text);
  if (d) {
    const start = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    return validDate(start, d[1]!, d[2]!, d[3]!) ? start + 86_400_000 - 1 : undefined;
  }
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, da, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const iso = `${y}-${mo}-${da}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) || !validDate(Date.UTC(Number(y), Number(mo) - 1, Number(da)), y!, mo!, da!) ? undefined : t;
}

function validDate(utc: number, y: string, m: string, d: string): boolean {
  const date = new Date(utc);
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() + 1 === Number(m) && date.getUTCDate() === Number(d);
}

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
