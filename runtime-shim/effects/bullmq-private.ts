// The BullMQ internals the Redis backend relies on, in one place. redis-backend.ts drives BullMQ by
// hand (getNextJob / moveToCompleted / moveToFailed, all public) but finishes a job and locks the
// next in one round trip, and decides retries itself; for both it needs what BullMQ's own Worker
// does privately. test/private-apis.test.ts checks each against the installed BullMQ and a real
// Redis, and names this file when one moves.
//
// Pinned: bullmq 6.7.0 (package.json, exact). After an upgrade, run that test first. What breaks if
// one of them changes:
// - `Worker#nextJobFromJobData(jobData, jobId, token)` and `Worker#updateDelays(rateLimitDelay,
//   delayUntil)` (protected / private in its typings), and the array moveToFinished answers with
//   fetchNext (`[jobData, jobId, rateLimitDelay, delayUntil]`): without them the job locked by a
//   finish is not handed back, so it sits locked until its lease runs out and the stalled check
//   returns it (every job after the first waits a lease).
// - moveToFailed reading `job.opts.attempts` and `job.opts.backoff` from the in-memory Job to decide
//   between retry (delayed) and dead (failed): without it the runtime's retry policy and dead jobs
//   are ignored and BullMQ's own apply.
import type { Job, Worker } from 'bullmq';

/** What BullMQ's Worker does with a job that moveToActive or moveToFinished(fetchNext) locked. */
interface WorkerInternals {
  nextJobFromJobData(data: unknown, id: unknown, token: string): Promise<Job | undefined>;
  updateDelays(rateLimitDelay?: number, delayUntil?: number): void;
}

/**
 * The job a moveToCompleted/moveToFailed with fetchNext locked for this worker, if any. As
 * BullMQ's worker does, the answer also tells the worker when the next delayed job is due.
 */
export async function jobFetchedWithFinish(worker: Worker, result: unknown, token: string): Promise<Job | undefined> {
  if (!Array.isArray(result)) return undefined;
  const internals = worker as unknown as WorkerInternals;
  internals.updateDelays(result[2] as number | undefined, result[3] as number | undefined);
  return internals.nextJobFromJobData(result[0], result[1], token);
}

/**
 * Makes the next moveToFailed of this Job object do what the runtime decided: keep it as dead
 * (`retryAt` null) or run it again at `retryAt` (a fixed backoff of the remaining time).
 */
export function decideFailure(job: Job, retryAt: number | null): void {
  if (retryAt === null) {
    job.opts.attempts = 0;
    return;
  }
  job.opts.attempts = job.attemptsMade + 2;
  job.opts.backoff = { type: 'fixed', delay: Math.max(0, retryAt - Date.now()) };
}
