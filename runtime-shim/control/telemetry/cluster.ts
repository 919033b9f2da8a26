// `--workers N`: the panel's request lands on one worker, which asks the primary to gather every
// worker's answer (logs, traces, instances, metrics windows) over the cluster's IPC channel, as
// prom-client's AggregatorRegistry does for /metrics. A worker that does not answer within
// GATHER_TIMEOUT_MS is left out (its part of the answer is missing, not the answer).
import cluster from 'node:cluster';
import type { Telemetry } from './telemetry.js';
import { answerLocally, instanceOf, type QueryKind, type Queries } from './queries.js';

const GATHER_TIMEOUT_MS = 2_000;
const GATHER = 'gati:control:gather';
const GATHERED = 'gati:control:gathered';
const COLLECT = 'gati:control:collect';
const PART = 'gati:control:part';

interface Message { type: string; id: number; kind?: QueryKind; args?: unknown; data?: unknown; parts?: unknown[] }

let nextId = 1;
const waiting = new Map<number, (parts: unknown[]) => void>();
let workerInstalled = false;

/** Every process's answer: this one's alone, or (in a cluster worker) every worker's through the primary. */
export async function askAll<K extends QueryKind>(telemetry: Telemetry, kind: K, args: Queries[K]['args']): Promise<Queries[K]['result'][]> {
  if (!cluster.isWorker || !process.send) return [await answerLocally(telemetry, kind, args)];
  answerPrimary(telemetry);
  const id = nextId++;
  const parts = await new Promise<unknown[]>((resolve) => {
    const timer = setTimeout(() => (waiting.delete(id), resolve([])), GATHER_TIMEOUT_MS * 2);
    waiting.set(id, (got) => (clearTimeout(timer), resolve(got)));
    process.send!({ type: GATHER, id, kind, args } satisfies Message);
  });
  // The primary could not be asked (or answered nothing): this worker's own answer at least.
  return parts.length ? (parts as Queries[K]['result'][]) : [await answerLocally(telemetry, kind, args)];
}

/** In a cluster worker: answer the primary's questions (installed once, when the panel starts). */
export function answerPrimary(telemetry: Telemetry): void {
  if (workerInstalled || !cluster.isWorker) return;
  workerInstalled = true;
  process.on('message', (raw: unknown) => {
    const message = raw as Message;
    if (message?.type === GATHERED) waiting.get(message.id)?.(message.parts ?? []), waiting.delete(message.id);
    else if (message?.type === COLLECT) {
      void answerLocally(telemetry, message.kind!, message.args as never)
        .then((data) => process.send?.({ type: PART, id: message.id, data } satisfies Message))
        .catch(() => process.send?.({ type: PART, id: message.id, data: null } satisfies Message));
    }
  });
}

/** In the cluster primary: relay a worker's question to every worker and hand it their answers. */
export function relayControlQueries(primary: Telemetry | undefined): void {
  const pending = new Map<number, { parts: unknown[]; expected: number; done: () => void }>();
  let nextCollect = 1;
  cluster.on('message', (worker, raw: unknown) => {
    const message = raw as Message;
    if (message?.type === PART) {
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.data !== null) entry.parts.push(message.data);
      if (--entry.expected === 0) entry.done();
      return;
    }
    if (message?.type !== GATHER) return;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && w.isConnected());
    const id = nextCollect++;
    const entry = { parts: [] as unknown[], expected: workers.length, done: () => {} };
    // The primary is an instance too (it serves nothing, but it is the process the others hang from).
    if (message.kind === 'instance' && primary) entry.parts.push(instanceOf(primary, 'primary'));
    const timer = setTimeout(() => entry.done(), GATHER_TIMEOUT_MS);
    entry.done = () => {
      clearTimeout(timer);
      pending.delete(id);
      if (worker.isConnected()) worker.send({ type: GATHERED, id: message.id, parts: entry.parts } satisfies Message);
    };
    pending.set(id, entry);
    if (workers.length === 0) return entry.done();
    for (const w of workers) w!.send({ type: COLLECT, id, kind: message.kind, args: message.args } satisfies Message);
  });
}
