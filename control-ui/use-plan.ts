// The two steps of a change (rollback, scaling, config): preview (apply: false) then apply (apply: true)
// with the same request, each a POST that answers a ChangePlan.
import { useState } from 'preact/hooks';
import type { ChangePlan } from '../runtime-shim/control/api-types';
import { ApiError, postJson } from './api';

export interface PlanState {
  plan: ChangePlan | undefined;
  error: string | undefined;
  busy: boolean;
  preview(body: Record<string, unknown>): Promise<void>;
  apply(): Promise<void>;
  cancel(): void;
}

export function usePlan(path: string, onApplied?: () => void): PlanState {
  const [plan, setPlan] = useState<ChangePlan | undefined>();
  const [body, setBody] = useState<Record<string, unknown> | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const send = async (request: Record<string, unknown>, apply: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await postJson<ChangePlan>(path, { ...request, apply });
      setPlan(answer);
      if (apply && answer.applied) onApplied?.();
    } catch (e) {
      // A refused change (400/422) may still carry the plan's errors.
      const problem = e instanceof ApiError ? e.problem : undefined;
      if (problem && typeof problem.diff === 'string') setPlan(problem as unknown as ChangePlan);
      else setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return {
    plan,
    error,
    busy,
    preview: async (request) => {
      setBody(request);
      await send(request, false);
    },
    apply: async () => {
      if (body) await send(body, true);
    },
    cancel: () => {
      setPlan(undefined);
      setError(undefined);
    },
  };
}
