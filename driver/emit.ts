// The emit stage: runs the one list of emitters (emitters/index.ts) whose phase is asked for, in
// order, each seeing what the ones before it produced (ctx.previous).
import type { AppModel } from '../model/app-model.js';
import type { Artifact } from '../emitters/artifact.js';
import type { EmitContext, EmitPhase, Emitter } from '../emitters/emitter.js';
import { EMITTERS } from '../emitters/index.js';

export function emit(input: { model: AppModel; ctx: EmitContext; phases: readonly EmitPhase[]; emitters?: readonly Emitter[] }): Artifact[] {
  const artifacts: Artifact[] = [];
  for (const emitter of input.emitters ?? EMITTERS) {
    if (!input.phases.includes(emitter.phase)) continue;
    artifacts.push(...emitter.emit(input.model, { ...input.ctx, previous: artifacts }));
  }
  return artifacts;
}
