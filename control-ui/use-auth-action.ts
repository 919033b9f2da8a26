// One step of signing in or enrolling (a passkey ceremony, a TOTP code): busy while it runs, and
// its failure said in words the user can act on. Shared by the login and enroll pages.
import { useState } from 'preact/hooks';
import { ApiError } from './api';

export function failure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return 'Too many attempts: wait a few minutes and try again.';
    if (error.status === 410) return 'This enrollment link is used or expired: ask for a new one (gati control enroll).';
    if (error.status === 401 && error.problem?.detail) return String(error.problem.detail);
    return error.message;
  }
  if (error instanceof Error && error.name === 'NotAllowedError') return 'The passkey prompt was cancelled.';
  return error instanceof Error ? error.message : String(error);
}

export function useAuthAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await step();
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
