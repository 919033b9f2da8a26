// The environment variable that overrides a config module's base URL: the Kubernetes output sets
// it to the module's Service, `gati start --workers N` to the process the primary runs.

/** `ranker` → `GATI_MODULE_RANKER_URL`. */
export function moduleUrlEnv(name: string): string {
  return `GATI_MODULE_${name.toUpperCase()}_URL`;
}
