// A module's circuit: after `threshold` consecutive failed calls it opens, and calls fail at once
// (503) instead of each waiting on a service that is down; after `resetMs` one probe call goes
// through (half-open): its success closes the circuit, its failure opens it again.

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state: 'closed' | 'open' | 'half-open' = 'closed';

  constructor(private readonly threshold: number, private readonly resetMs: number) {}

  /** Whether a call may go out now; in half-open, only the one probe may. */
  allow(now = Date.now()): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && now - this.openedAt >= this.resetMs) {
      this.state = 'half-open';
      return true; // the probe
    }
    return false;
  }

  succeeded(): void {
    this.failures = 0;
    this.state = 'closed';
  }

  failed(now = Date.now()): void {
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      this.state = 'open';
      this.openedAt = now;
    }
  }

  /** closed (calls go out), open (they fail at once) or half-open (one probe may go). */
  get current(): 'closed' | 'open' | 'half-open' {
    return this.state;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }
}
