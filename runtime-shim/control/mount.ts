// The panel in front of a served app (`gati start`, `node dist/server.mjs`): off unless
// `control.enabled: true` or GATI_CONTROL=1, and then one prefix check per request before the
// pipeline. When off, the pipeline is served untouched (no cost at all).
import type { GatiConfig } from '../config.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import type { AnswerRequest, Respond } from '../server/wire.js';
import type { ControlPanel } from './panel.js';

export function controlEnabled(config: GatiConfig, env: Record<string, string | undefined> = process.env): boolean {
  const flag = env.GATI_CONTROL;
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return config.control?.enabled ?? CONFIG_DEFAULTS.control.enabled;
}

/** `handle` with the panel answering /_control first; its other properties (prepareUpgrade) kept. */
export function withControlPanel<H extends AnswerRequest & { respond?: Respond }>(handle: H, panel: ControlPanel): H {
  const wrapped = Object.assign((req: Parameters<AnswerRequest>[0]) => panel.answer(req) ?? handle(req), handle) as H;
  const respond = handle.respond;
  if (respond) {
    wrapped.respond = (req, reply, ctx) => {
      const answer = panel.answer(req);
      if (answer === undefined) return respond(req, reply, ctx);
      // The panel's answers never reject (panel.ts answers its own failures).
      void answer.then((out) => reply(ctx, out));
    };
  }
  return wrapped;
}
