// Login throttling: after MAX_FAILURES failed attempts for a user or from an address within
// WINDOW_MS, every attempt is refused (429) until the lock ends; each attempt during the lock
// counts as one more failure and doubles it (30 s, 1 min, 2 min, … at most WINDOW_MS).
import type { ControlStore, FailureRecord } from '../store/control-store.js';

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
const FIRST_LOCK_MS = 30_000;

export function throttleSubjects(ip: string, user: string | undefined): string[] {
  return user ? [`ip:${ip}`, `user:${user}`] : [`ip:${ip}`];
}

/** Seconds to wait when any subject is locked, else undefined. */
export async function lockedFor(store: ControlStore, subjects: string[], now = Date.now()): Promise<number | undefined> {
  let until = 0;
  for (const subject of subjects) until = Math.max(until, (await store.failures(subject))?.lockedUntil ?? 0);
  return until > now ? Math.ceil((until - now) / 1000) : undefined;
}

/** Records one failure per subject; returns the seconds to wait when that locks one of them. */
export async function recordFailure(store: ControlStore, subjects: string[], now = Date.now()): Promise<number | undefined> {
  let wait: number | undefined;
  for (const subject of subjects) {
    const previous = await store.failures(subject);
    const times = [...(previous?.times ?? []).filter((t) => t > now - WINDOW_MS), now];
    const record: FailureRecord = { times };
    if (times.length >= MAX_FAILURES) {
      record.lockedUntil = now + Math.min(WINDOW_MS, FIRST_LOCK_MS * 2 ** (times.length - MAX_FAILURES));
      wait = Math.max(wait ?? 0, Math.ceil((record.lockedUntil - now) / 1000));
    }
    await store.setFailures(subject, record, Math.max(WINDOW_MS, (record.lockedUntil ?? 0) - now));
  }
  return wait;
}

export async function clearFailures(store: ControlStore, subjects: string[]): Promise<void> {
  for (const subject of subjects) await store.clearFailures(subject);
}
