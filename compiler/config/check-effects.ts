// Effects keys that the chosen backend never reads (GATI4021, a warning): a Redis URL next to the
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
