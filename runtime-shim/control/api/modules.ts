// GET /_control/api/modules: each module, where its instance comes from, calls in flight, swaps.
// POST /_control/api/modules/:name/swap { to }: a hot swap (modules/module-swapper.ts), audited.
// From the panel, a source runs no new program: a command is refused (it would let a panel session
// run anything on the host; `gati modules swap`, on the machine, may), and a module file must be
// inside the app.
import { resolve, sep } from 'node:path';
import type { ControlEndpoint } from '../endpoint.js';
import { parseSwapSource } from '../../modules/swap-source.js';
import type { List, ModuleStatus, SwapResult } from '../api-types.js';
import { SwapError } from '../../modules/module-swapper.js';
import { askControlSocket, controlSockets } from '../local-socket-client.js';

const TITLES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 502: 'Bad Gateway' };
const problem = (status: number, detail: string) => ({ status, json: { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail } });

/** Why the panel may not swap to `to`, or undefined. */
function refusedFromPanel(to: string, root: string): string | undefined {
  const source = parseSwapSource(to, root);
  if ('error' in source) return undefined; // the swap says what is wrong with it
  if (source.kind === 'process') return 'the control panel does not start commands; run gati modules swap on the server\'s machine, or give the URL of a running service';
  // resolve(): the bundle's root ends with a separator.
  if (source.kind === 'worker' && !source.source.startsWith('npm:') && !source.source.startsWith(`${resolve(root)}${sep}`)) return 'a module file swapped in from the control panel must be inside the app';
  return undefined;
}

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
      const refused = refusedFromPanel(to, env.app().root);
      if (refused) {
        env.audit(call.user, 'module swap refused', { module: call.params.name, to, reason: refused });
        return problem(403, refused);
      }
      try {
        const result: SwapResult = await swapper.swap(call.params.name!, to);
        // Under --workers each process has its own modules: the swap goes on to the siblings.
        const others = await swapInSiblings(env.app().root, call.params.name!, to);
        if (others.length > 0) result.processes = [{ pid: process.pid, ok: true }, ...others];
        env.audit(call.user, 'module swap', { module: result.name, kind: result.kind, source: result.source, processes: 1 + others.filter((p) => p.ok).length });
        return { json: result };
      } catch (error) {
        if (!(error instanceof SwapError)) throw error;
        env.audit(call.user, 'module swap refused', { module: call.params.name, to, reason: error.message });
        return problem(error.status, error.message);
      }
    },
  },
];

/**
 * The same swap in the other processes serving this app (`--workers N`: a panel request reaches one
 * worker), through their local control sockets, one after another as `gati modules swap` does.
 */
async function swapInSiblings(root: string, name: string, to: string): Promise<NonNullable<SwapResult['processes']>> {
  const out: NonNullable<SwapResult['processes']> = [];
  for (const socket of controlSockets(root)) {
    if (socket.pid === process.pid) continue;
    try {
      const answer = await askControlSocket<{ detail?: string }>(socket.path, 'POST', `/modules/${encodeURIComponent(name)}/swap`, { to });
      if (answer === 'gone') continue;
      out.push(answer.status === 200 ? { pid: socket.pid, ok: true } : { pid: socket.pid, ok: false, detail: answer.body.detail ?? `answered ${answer.status}` });
    } catch (error) {
      out.push({ pid: socket.pid, ok: false, detail: (error as Error).message });
    }
  }
  return out;
}
