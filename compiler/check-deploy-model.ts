// Deploy rules that need the model as well as the config: with split 'domain', every first path
// segment (and the root catch-all) must belong to one top-level handler folder (GATI3010).
import type { GatiConfig } from '../runtime-shim/config.js';
import type { AppModel } from './model/app-model.js';
import type { DiagnosticBag } from './diagnostics/diagnostic.js';
import { splitComponents } from '../emitters/infra/plan.js';

export function checkDeployModel(model: AppModel, config: GatiConfig, diagnostics: DiagnosticBag): void {
  const reported = new Set<string>();
  for (const [env, deploy] of Object.entries(config.deploy ?? {})) {
    if (deploy.split !== 'domain') continue;
    for (const conflict of splitComponents(model, model.app.name, 'domain').conflicts) {
      if (reported.has(conflict.prefix)) continue;
      reported.add(conflict.prefix);
      const routes = conflict.routes.map((key) => model.routes.find((r) => r.key === key)!);
      const first = routes.find((r) => !r.file.startsWith(`src/handlers/${conflict.components[0]}/`)) ?? routes[0]!;
      diagnostics.report('GATI3010', `deploy environment '${env}' splits by domain, but the path prefix '${conflict.prefix}' is served by the folders ${conflict.components.map((c) => `'${c}'`).join(' and ')}: ${first.key} cannot get its own Deployment`, {
        span: first.span,
        notes: routes.filter((r) => r !== first).map((r) => ({ message: `${r.key} (${r.file}) also starts with '${conflict.prefix}'`, span: r.span })),
      });
    }
  }
}
