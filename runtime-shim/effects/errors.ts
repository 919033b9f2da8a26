// Errors thrown by gctx.effects.enqueue in the handler, so a bad call fails the request, never a job.

export class EffectPayloadError extends Error {
  override readonly name = 'EffectPayloadError';
  constructor(readonly effect: string, readonly errors: { path: string; message: string }[]) {
    super(`invalid payload for effect '${effect}': ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  }
}

export class UnknownEffectError extends Error {
  override readonly name = 'UnknownEffectError';
  constructor(readonly effect: string, known: string[]) {
    super(`no effect named '${effect}' (known: ${known.length ? known.join(', ') : 'none'})`);
  }
}
