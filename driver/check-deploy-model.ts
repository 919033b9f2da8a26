// Deploy rules that need the model as well as the config: with split 'domain', every first path
// segment (and the root catch-all) must belong to one top-level handler folder (GATI3010); the
// app's effects need a queue that every pod of an environment shares (GATI3011).
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel, RouteModel } from '../model/app-model.js';
import type { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { locate, type SourceText } from '../compiler/diagnostics/location.js';
import { deployedEffectsProblem, splitComponents } from '../emitters/infra/plan.js';
import { locateKey } from '../compiler/config/locate-key.js';
import { effectsConfigFor } from '../runtime-shim/effects/effects-config.js';

/** The config file (relative to the app root) and its text, to point at its keys. */
export interface ConfigSource {
  file: string;
  text: string;
}

/** `appText` gives the app's files as analysed, to copy a handler's line into a diagnostic. */
export function checkDeployModel(model: AppModel, config: GatiConfig, diagnostics: DiagnosticBag, source?: ConfigSource, appText: SourceText = () => undefined): void {
  const at = (route: RouteModel) => locate(route.span, appText(route.span.file));
  checkDeployedEffects(model, config, diagnostics, source);
  const reported = new Set<string>();
  for (const [env, deploy] of Object.entries(config.deploy ?? {})) {
    if (deploy.split !== 'domain') continue;
    for (const conflict of splitComponents(model, model.app.name, 'domain').conflicts) {
      if (reported.has(conflict.prefix)) continue;
      reported.add(conflict.prefix);
      const routes = conflict.routes.map((key) => model.routes.find((r) => r.key === key)!);
      const first = routes.find((r) => !r.file.startsWith(`src/handlers/${conflict.components[0]}/`)) ?? routes[0]!;
      diagnostics.report('GATI3010', `deploy environment '${env}' splits by domain, but the path prefix '${conflict.prefix}' is served by the folders ${conflict.components.map((c) => `'${c}'`).join(' and ')}: ${first.key} cannot get its own Deployment`, {
        span: at(first),
        notes: routes.filter((r) => r !== first).map((r) => ({ message: `${r.key} (${r.file}) also starts with '${conflict.prefix}'`, span: at(r) })),
      });
    }
  }
}

function checkDeployedEffects(model: AppModel, config: GatiConfig, diagnostics: DiagnosticBag, source?: ConfigSource): void {
  const at = (key: string) => (source ? locateKey(source.text, source.file, key) : undefined);
  const problems = Object.keys(config.deploy ?? {})
    .sort()
    .map((env) => ({ env, problem: deployedEffectsProblem(model, config, env) }));
  const onSqlite = problems.filter((p) => p.problem === 'sqlite').map((p) => p.env);
  if (onSqlite.length) {
    const names = model.effects.map((e) => e.name).sort().join(', ');
    const many = onSqlite.length > 1;
    diagnostics.report(
      'GATI3011',
      `deploy environment${many ? 's' : ''} ${onSqlite.map((e) => `'${e}'`).join(', ')} cannot run the app's effects (${names}) on the embedded SQLite backend${onSqlite.every((env) => effectsConfigFor(config, env).config?.backend === undefined) ? ' (the default)' : ''}: ` +
        `${many ? 'their' : 'its'} api and worker pods must share one queue, and each pod would get a file of its own, on a read-only root file system`,
      { span: at(config.effects ? 'effects' : 'deploy'), hint: `Give ${many ? 'each' : 'the'} environment Redis: deploy.${onSqlite[0]}.effects: { backend: 'redis' } with REDIS_URL in deploy.${onSqlite[0]}.secrets (or set effects.backend: 'redis' for every environment). Local builds and \`gati dev\` keep SQLite.` },
    );
  }
  for (const { env, problem } of problems) {
    if (problem !== 'redis-url') continue;
    diagnostics.report(
      'GATI3011',
      `deploy environment '${env}' gives its pods no Redis URL for the effects: '${effectsConfigFor(config, env).key}.url' is not set, and 'deploy.${env}' has no REDIS_URL in 'env' or 'secrets'`,
      { span: at(env), hint: `Set '${effectsConfigFor(config, env).key}.url', or pass the URL as a secret: deploy.${env}.secrets: { REDIS_URL: { secret: '<name>', key: '<key>' } }.` },
    );
  }
}
