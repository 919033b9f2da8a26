// The emit stage: runs the one list of emitters (emitters/index.ts) whose phase is asked for, in
// order, each seeing what the ones before it produced (ctx.previous).
import type { AppModel } from '../model/app-model.js';
import type { Artifact } from '../emitters/artifact.js';
import type { EmitContext, EmitPhase, Emitter } from '../emitters/emitter.js';
import { EMITTERS } from '../emitters/index.js';

// `serving`: only the emitters whose output the dev server loads or reads (Emitter.serves).
export function emit(input: { model: AppModel; ctx: EmitContext; phases: readonly EmitPhase[]; emitters?: readonly Emitter[]; serving?: boolean }): Artifact[] {
  const artifacts: Artifact[] = [];
  for (const emitter of input.emitters ?? EMITTERS) {
    if (!input.phases.includes(emitter.phase) || (input.serving && !emitter.serves)) continue;
    artifacts.push(...emitter.emit(input.model, { ...input.ctx, previous: artifacts }));
  }
  return artifacts;
}
