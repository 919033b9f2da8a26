// Whether the effects backend can be reached right now, as its connection reports it (Redis: the
// client's ready / close / error events), and the log of outages: one line when it goes down, a
// reminder at growing intervals while it stays down, one line when it is back. ioredis reports a
// failed reconnect every second or two; logging each (with a stack) buried the server's own log.

import type { Logger } from '../types.js';

export type AvailabilityListener = (up: boolean) => void;

/** First reminder after this long down, then twice as long each time, up to MAX_REMINDER_MS. */
export const FIRST_REMINDER_MS = 5_000;
export const MAX_REMINDER_MS = 5 * 60_000;

export class BackendAvailability {
  private state: 'connecting' | 'up' | 'down' = 'connecting';
  private lastReason = 'connecting';
  private readonly listeners = new Set<AvailabilityListener>();

  constructor(readonly backend: string) {}

  get up(): boolean {
    return this.state === 'up';
  }

  /** Why it is not up (for /_ready and logs), or null when it is. */
  get reason(): string | null {
    return this.state === 'up' ? null : this.lastReason;
  }

  markUp(): void {
    if (this.state === 'up') return;
    this.state = 'up';
    for (const l of this.listeners) l(true);
  }

  markDown(error: unknown): void {
    this.lastReason = describe(error);
    if (this.state === 'down') return;
    this.state = 'down';
    for (const l of this.listeners) l(false);
  }

  onChange(listener: AvailabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the backend is up, or at the first failure to reach it, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.state !== 'connecting') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const off = this.onChange(done);
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Resolves once the backend is up (immediately when it is), or after `timeoutMs`. */
  whenUp(timeoutMs: number): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const off = this.onChange((up) => up && done());
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}

/** A reason without host names or credentials: the error code when there is one (ECONNREFUSED), else the message's first line. */
function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e && typeof e.code === 'string') return e.code;
  const message = e && typeof e.message === 'string' ? e.message : String(error);
  return message.split('\n')[0]!.replace(/\b[a-z]+:\/\/\S+/gi, '<url>');
}

/** Logs the backend's outages as JSON lines with backoff; returns a function that stops watching. */
export function logOutages(availability: BackendAvailability, log: Logger): () => void {
  let reminder: NodeJS.Timeout | undefined;
  let downSince: number | null = null;
  const remind = (afterMs: number) => {
    reminder = setTimeout(() => {
      log.warn({ backend: availability.backend, reason: availability.reason, downForMs: Date.now() - (downSince ?? Date.now()) }, 'effects backend still unreachable; enqueue answers 503 until it is back');
      remind(Math.min(afterMs * 2, MAX_REMINDER_MS));
    }, afterMs);
    reminder.unref();
  };
  const off = availability.onChange((up) => {
    clearTimeout(reminder);
    if (up) {
      if (downSince !== null) log.info({ backend: availability.backend, downForMs: Date.now() - downSince }, 'effects backend reachable again');
      downSince = null;
      return;
    }
    downSince = Date.now();
    log.error({ backend: availability.backend, reason: availability.reason }, 'effects backend unreachable; retrying in the background (enqueue answers 503, /_ready 503)');
    remind(FIRST_REMINDER_MS);
  });
  return () => {
    clearTimeout(reminder);
    off();
  };
}
