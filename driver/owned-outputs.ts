// Which outputs a build owns, and which of them are stale after a write. Pure: paths in, paths out.
// Outputs are grouped by kind; a write that produced files of a kind is the authority on that
// kind, so its previous files of that kind that it did not write again are stale. A write that
// produced none of a kind (the dev loop writes no infra/, `gati generate` no schemas, a dry run
// no dist/versions.json) leaves that kind alone.

/** Where the list of owned outputs is kept (a cache: rebuilt by the next build when lost). */
export const OUTPUTS_MANIFEST = '.gati/cache/outputs.json';

/** Tentative SDKs: built by `gati dev`/`watch`/`generate` for a version not recorded yet. */
export const TENTATIVE_SDK_DIR = '.gati/cache/sdk';

const GROUPS: [prefix: string, group: string][] = [
  ['dist/schemas/', 'schemas'],
  // Written beside the schemas only while the app has WS routes: a build without any removes it.
  ['dist/asyncapi.json', 'schemas'],
  // Old versions' validators are written only where a version is recorded (`gati build`, `gati
  // deploy`); the dev loop's write of the newest validators must not make them stale.
  ['dist/validators/versions/', 'version-validators'],
  ['dist/validators/', 'validators'],
  ['dist/serializers/', 'serializers'],
  ['.gati/generated/', 'generated'],
  ['sdk/', 'sdk'],
  [`${TENTATIVE_SDK_DIR}/`, 'sdk'],
  ['infra/', 'infra'],
  ['dist/Dockerfile', 'infra'],
  ['dist/.dockerignore', 'infra'],
];

/** The kind of an output; a file outside every group is its own kind. */
export function outputGroup(path: string): string {
  return GROUPS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? path;
}

/**
 * Released SDKs (sdk/<app>-<semver>.tgz) are kept, one per recorded version, like the snapshots
 * they were built from; only tentative ones are replaced.
 */
const isReleasedSdk = (path: string) => path.startsWith('sdk/');

/** The previously owned outputs that a write of `written` makes stale. */
export function staleOutputs(previous: readonly string[], written: readonly string[]): string[] {
  const now = new Set(written);
  const groups = new Set(written.map(outputGroup));
  return previous.filter((p) => !now.has(p) && groups.has(outputGroup(p)) && !isReleasedSdk(p));
}

/** The artifacts with the SDK tarball moved to the tentative folder (a dry run records no version). */
export function withTentativeSdk<T extends { path: string }>(artifacts: T[]): T[] {
  return artifacts.map((a) => (a.path.startsWith('sdk/') ? { ...a, path: `${TENTATIVE_SDK_DIR}/${a.path.slice('sdk/'.length)}` } : a));
}
