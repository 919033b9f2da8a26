// Groups the calls made in one turn of the event loop into one batch, as a database groups the
// commits that arrive together: `add` queues an item and resolves (or rejects) with that item's own
// outcome once its batch has run. A batch starts on the next turn (setImmediate), so everything the
// callers started together goes in it; batches do not wait for each other, so a slow one does not
// hold back the next.
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export class TickBatcher<T, R> {
  private pending: { item: T; resolve(value: R): void; reject(error: unknown): void }[] = [];
  private scheduled = false;

  /** `run` gets the items of one turn and returns one outcome per item, in order. */
  constructor(private readonly run: (items: T[]) => Promise<BatchOutcome<R>[]>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    let outcomes: BatchOutcome<R>[];
    try {
      outcomes = await this.run(batch.map((b) => b.item));
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((b, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: new Error('the batch returned no outcome for this item') };
      if (outcome.ok) b.resolve(outcome.value);
      else b.reject(outcome.error);
    });
  }
}

/** Splits items into chunks of at most `max` items and `maxBytes` of `size` (an item larger than that goes alone). */
export function chunks<T>(items: T[], max: number, maxBytes = Infinity, size: (item: T) => number = () => 0): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length && (current.length === max || bytes + n > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += n;
  }
  if (current.length) out.push(current);
  return out;
}
