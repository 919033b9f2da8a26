// Queue and table names the chosen cloud refuses (GATI4002: the schema allows what any backend takes),
// and effects keys that the chosen backend never reads (GATI4021, a warning): a Redis URL next to the
// SQLite backend, a SQLite file next to Redis. Usually a half-done switch of backends; the build goes
// on, but the user learns that the key does nothing. What only the environment can tell (REDIS_URL)
// is checked at start instead (GATI4020, runtime-shim/effects/effects-config.ts).
import type { EffectsConfig, GatiConfig } from '../../runtime-shim/config.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { locateKey } from './locate-key.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';

export function checkEffectsConfig(config: GatiConfig, file: string, text: string, diagnostics: DiagnosticBag): void {
  const sections: [string, EffectsConfig | undefined][] = [['effects', config.effects], ...Object.entries(config.deploy ?? {}).map(([env, d]): [string, EffectsConfig | undefined] => [`deploy.${env}.effects`, d.effects])];
  for (const [key, effects] of sections) {
    if (!effects) continue;
    checkNames(key, effects, file, text, diagnostics);
    const backend = effects.backend ?? CONFIG_DEFAULTS.effects.backend;
    const backendText = effects.backend === undefined ? `'${CONFIG_DEFAULTS.effects.backend}' (the default)` : `'${backend}'`;
    const unused = backend === 'redis' ? (effects.path !== undefined ? 'path' : undefined) : effects.url !== undefined ? 'url' : undefined;
    if (!unused) continue;
    diagnostics.report('GATI4021', `config key '${key}.${unused}' is ignored: '${key}.backend' is ${backendText}, which does not read it`, {
      span: locateKey(text, file, unused),
      severity: 'warning',
      hint:
        unused === 'url'
          ? `Set '${key}.backend' to 'redis' to use this URL, or remove '${key}.url'.`
          : `The Redis backend keeps its jobs in Redis: remove '${key}.path', or set '${key}.backend' to 'sqlite'.`,
    });
  }
}

/** What each cloud takes beyond the schema's common pattern, with the rule in words. */
const NAME_RULES: Partial<Record<NonNullable<EffectsConfig['backend']>, { queue?: [RegExp, string]; table?: [RegExp, string] }>> = {
  pubsub: { queue: [/^[A-Za-z][A-Za-z0-9_-]{2,249}$/, 'a Pub/Sub topic name: a letter first, 3 characters at least'] },
  'azure-queue': {
    // 63 at most, less "-dead" for the dead-letter queue beside it.
    queue: [/^(?!.*--)[a-z0-9][a-z0-9-]{1,56}[a-z0-9]$/, 'an Azure queue name: lowercase letters, digits and single hyphens inside, 3 to 58 characters'],
    table: [/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'an Azure table name: letters and digits, a letter first, 3 to 63 characters'],
  },
};

function checkNames(key: string, effects: EffectsConfig, file: string, text: string, diagnostics: DiagnosticBag): void {
  const rules = NAME_RULES[effects.backend ?? 'sqlite'];
  for (const field of ['queue', 'table'] as const) {
    const value = effects[field];
    const rule = rules?.[field];
    if (value === undefined || !rule || rule[0].test(value)) continue;
    diagnostics.report('GATI4002', `config key '${key}.${field}' must be ${rule[1]}, got ${JSON.stringify(value)}`, { span: locateKey(text, file, field) });
  }
}
