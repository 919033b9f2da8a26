// Claims that ask for a message in the same turn of the event loop share one receive: the worker
// pool fills its free slots with claims in parallel, and each of them used to make its own request
// for one message. Here they go out as one request for as many messages as there are claims (split
// at the service's maximum), each claim taking one message. Never more messages than claims: a
// received message's hidden time (its lease) runs from the receive, so none waits in a buffer.
import type { JobQueue, Received } from './record-queue.js';
import { chunks, TickBatcher, type BatchOutcome } from './tick-batcher.js';

/** A message; null when the queue had none; `again` when the shared receive ran short (there may be more). */
export type Taken = Received | null | 'again';

interface Ask {
  hideMs: number;
  waitMs: number;
}

export class ReceiveBatcher {
  private readonly batcher: TickBatcher<Ask, Taken>;

  constructor(private readonly queue: JobQueue) {
    this.batcher = new TickBatcher((asks) => this.run(asks));
  }

  take(hideMs: number, waitMs: number): Promise<Taken> {
    return this.batcher.add({ hideMs, waitMs });
  }

  private async run(asks: Ask[]): Promise<BatchOutcome<Taken>[]> {
    const out: BatchOutcome<Taken>[] = new Array(asks.length);
    // One request per lease length (the hidden time is per request) and per maxReceive claims.
    const byHide = new Map<number, number[]>();
    asks.forEach((a, i) => byHide.set(a.hideMs, [...(byHide.get(a.hideMs) ?? []), i]));
    const groups = [...byHide.entries()].flatMap(([hideMs, indexes]) => chunks(indexes, this.queue.maxReceive).map((g) => ({ hideMs, indexes: g })));
    await Promise.all(
      groups.map(async ({ hideMs, indexes }) => {
        // The shortest wait of the group: a claim that must not wait is not held by one that may.
        const waitMs = Math.min(...indexes.map((i) => asks[i]!.waitMs));
        try {
          const messages = await this.queue.receive(hideMs, waitMs, indexes.length);
          indexes.forEach((i, k) => (out[i] = { ok: true, value: messages[k] ?? (messages.length ? 'again' : null) }));
        } catch (error) {
          for (const i of indexes) out[i] = { ok: false, error };
        }
      }),
    );
    return out;
  }
}
