// The shape of a cloud backend that pairs a message queue with a record store: Amazon SQS with
// DynamoDB, Google Pub/Sub with Firestore, Azure Queue Storage with Azure Table Storage
// (runtime-shim/effects/*-backend.ts). The queue and the store are adapters (these two interfaces);
// what makes the pair keep the effects contract is one class, RecordQueueBackend
// (record-queue-backend.ts), the same for all three. An adapter offers the optional batch and
// one-call methods its service has; the class falls back to the single calls where it has none.
//
// The record is the truth, the message a wake-up call: every time a job is
// queued it gets a fresh message with a fresh nonce (`msg`), the record names the nonce of its one
// live message, and a message whose nonce is not the record's is dropped when received.
import type { BatchOutcome } from './tick-batcher.js';
import type { JobStatus } from './types.js';

export interface JobRecord {
  id: string;
  name: string;
  /** JSON text of the payload. */
  payload: string;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  runAt: number;
  createdAt: number;
  /** Nonce of the job's one live message. */
  msg: string;
  lastError?: string;
  key?: string;
  /** W3C traceparent of the enqueue (tracing on). */
  traceparent?: string;
  token?: string;
  leaseUntil?: number;
}

export interface MessageBody {
  id: string;
  msg: string;
  /** The whole job, on a first enqueue only: creates the record if the enqueue died before writing it. */
  job?: JobRecord;
}

/** A message as received: its text, when it was sent, and what the queue needs to hide or delete it. */
export interface Received {
  body: string;
  /** Epoch ms the message was first sent (its retention runs from then). */
  sentAt: number;
  /** The queue's handle (Azure's pop receipt changes on every hide, so the adapter may replace it). */
  handle: unknown;
}

export interface JobQueue {
  /** Longest a message may stay hidden by one `hide` (a lease or a wait for a later run time). */
  readonly maxHideMs: number;
  /** Longest a message may be held back at send (0: the service has no per-message delay). */
  readonly maxDelayMs: number;
  /** A message older than this is replaced by a fresh one rather than hidden again (the service's retention). */
  readonly refreshAfterMs: number;
  /** Resolves once the service has stored the message. */
  send(body: string, delayMs: number): Promise<void>;
  /** Where the service has a batch send (SQS): the messages of one event-loop turn, one outcome each, in order. */
  sendBatch?(messages: { body: string; delayMs: number }[]): Promise<BatchOutcome<void>[]>;
  /** Most messages one `receive` may ask for (SQS: 10; Azure: 32). */
  readonly maxReceive: number;
  /**
   * Up to `max` messages (at most maxReceive), each hidden from other receivers for `hideMs`; none
   * when none is visible. A queue that long-polls (SQS) may wait up to `waitMs` for some; the others
   * answer at once. It may return fewer than `max` while more are visible.
   */
  receive(hideMs: number, waitMs: number, max: number): Promise<Received[]>;
  /** Hides the message for `ms` from now; false when the handle is no longer valid. */
  hide(message: Received, ms: number): Promise<boolean>;
  delete(message: Received): Promise<void>;
  /** Where the service deletes (acknowledges) several in one call (SQS, Pub/Sub): the deletes of one turn. */
  deleteBatch?(messages: Received[]): Promise<void>;
  /** A copy of a dead job for the dead-letter queue or topic (operators' tooling; the record stays the truth). */
  sendDead(body: string): Promise<void>;
  close(): Promise<void>;
}

/** A record with the store's version of it (an ETag, an update time) for a compare-and-set. */
export interface Versioned {
  record: JobRecord;
  version: unknown;
}

interface RecordStore {
  read(id: string): Promise<Versioned | null>;
  /** Writes a new record; false when one with its id exists. */
  create(record: JobRecord): Promise<boolean>;
  /**
   * Where the store batches conditional creates (Firestore's BulkWriter): `create` for the new
   * records of one event-loop turn, one outcome each, in order (true: written; false: the id exists).
   */
  createMany?(records: JobRecord[]): Promise<BatchOutcome<boolean>[]>;
  /**
   * Where the store has a batch write (DynamoDB): puts the records of one event-loop turn
   * UNCONDITIONALLY (one outcome each, in order), giving up at `deadline` (epoch ms). Used only where
   * no one else can be writing the record (record-queue-backend.ts): a new job's record with a fresh
   * random id (a worker that finds no record for such a job's message waits out the record grace
   * before it creates one, "batching"), and the completed record of a job whose lease still holds for
   * long enough ("finishing").
   */
  putMany?(records: JobRecord[], deadline: number): Promise<BatchOutcome<void>[]>;
  /** Where the store reads several records in one call (Firestore's getAll): `read` for the reads of one turn, in order. */
  readMany?(ids: string[]): Promise<(Versioned | null)[]>;
  /**
   * Where the store has conditional updates (DynamoDB): leases the job in one round trip if `msg`
   * is its live message and it is queued and due (runAt <= now); the leased record, or null when not
   * (then the backend reads the record to learn why: a running job whose lease ran out is taken by a
   * conditional update after that read).
   */
  leaseIfDue?(id: string, msg: string, token: string, now: number, leaseUntil: number): Promise<JobRecord | null>;
  /** Every record (`gati effects` listings and counts, not the hot path). */
  all(): Promise<JobRecord[]>;
  close(): Promise<void>;
}

/** Sets (undefined: removes) fields while every `when` field has its value; the new record, or null when not. */
export type RecordUpdate = (id: string, set: Partial<JobRecord>, when: Partial<JobRecord>) => Promise<JobRecord | null>;

/**
 * A store writes a record either by compare-and-set on its version (Firestore's update time, Azure's
 * ETag: the class retries while the `when` fields hold) or by a conditional update in one call (DynamoDB).
 */
export type JobRecords = RecordStore &
  (
    | {
        /**
         * Replaces the record if it is still at `version`: its new version (the next compare-and-set
         * needs no read), or null when someone changed it first.
         */
        replace(record: JobRecord, version: unknown): Promise<{ version: unknown } | null>;
        /**
         * Where the store batches conditional writes (Firestore's BulkWriter): `replace` for the
         * compare-and-sets of one event-loop turn, one outcome each, in order, each still conditional.
         */
        replaceMany?(items: { record: JobRecord; version: unknown }[]): Promise<BatchOutcome<{ version: unknown } | null>[]>;
      }
    | { update: RecordUpdate }
  );
