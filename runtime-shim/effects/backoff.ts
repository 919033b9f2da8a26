// When a failed attempt runs again: the effect's retry policy, with jitter on exponential backoff so
// that jobs failing together (a downstream outage) do not all come back in the same millisecond.

export interface RetrySettings {
  attempts: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
}

/** Longest wait between two attempts, whatever the policy says. */
export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;

/**
 * Delay before the attempt after `attempt` (1-based) failed: fixed is delayMs; exponential is
 * delayMs·2^(attempt-1) scaled by a random factor in [0.8, 1.2).
 */
export function retryDelay(policy: RetrySettings, attempt: number, random: () => number = Math.random): number {
  if (policy.backoff === 'fixed') return Math.min(policy.delayMs, MAX_BACKOFF_MS);
  const base = Math.min(policy.delayMs * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  return Math.min(Math.round(base * (0.8 + 0.4 * random())), MAX_BACKOFF_MS);
}

/** retryAt for fail(): null when the attempts are used up (the job is dead). */
export function nextRunAt(policy: RetrySettings, attempt: number, maxAttempts: number, now = Date.now()): number | null {
  return attempt >= maxAttempts ? null : now + retryDelay(policy, attempt);
}
