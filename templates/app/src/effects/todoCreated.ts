// A background job: a handler calls gctx.effects.enqueue('todoCreated', { id, title }); a worker
// runs it after the response, retrying on failure. Delivery is at least once: keep it idempotent.
import type { EffectContext, GlobalContext } from 'gati';

export const retry = { attempts: 3, backoff: 'exponential', delayMs: 1000 };

export async function run(payload: { id: string; title: string }, gctx: GlobalContext, ectx: EffectContext): Promise<void> {
  // Send an e-mail, call a webhook, update a search index… here we only log. ectx.log's lines already
  // carry the effect's name, the job id and the attempt (ectx.attempt).
  ectx.log.info({ todoId: payload.id }, `new todo: ${payload.title}`);
}
