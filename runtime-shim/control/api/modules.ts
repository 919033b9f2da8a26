// GET /_control/api/modules: each module, where its instance comes from, calls in flight, swaps.
// POST /_control/api/modules/:name/swap { to }: a hot swap (modules/module-swapper.ts), audited.
import type { ControlEndpoint } from '../endpoint.js';
import type { List, ModuleStatus, SwapResult } from '../api-types.js';
import { SwapError } from '../../modules/module-swapper.js';

const problem = (status: number, detail: string) => ({ status, json: { type: 'about:blank', title: status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : status === 502 ? 'Bad Gateway' : 'Error', status, detail } });

export const MODULE_ENDPOINTS: ControlEndpoint[] = [
  {
    method: 'GET',
    path: 'modules',
    handler: (_call, env) => {
      const list: List<ModuleStatus> = { items: env.modules?.()?.list() ?? [] };
      return { json: list };
    },
  },
  {
    method: 'POST',
    path: 'modules/:name/swap',
    handler: async (call, env) => {
      const swapper = env.modules?.();
      if (!swapper) return problem(404, 'this server has no modules to swap');
      const to = (call.body as { to?: unknown } | undefined)?.to;
      if (typeof to !== 'string') return problem(400, 'the body must be { "to": "<source>" }');
      try {
        const result: SwapResult = await swapper.swap(call.params.name!, to);
        env.audit(call.user, 'module swap', { module: result.name, kind: result.kind, source: result.source });
        return { json: result };
      } catch (error) {
        if (!(error instanceof SwapError)) throw error;
        env.audit(call.user, 'module swap refused', { module: call.params.name, to, reason: error.message });
        return problem(error.status, error.message);
      }
    },
  },
];
