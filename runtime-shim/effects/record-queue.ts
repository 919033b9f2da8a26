// The shape of a cloud backend that pairs a message queue with a record store: Google Pub/Sub with
// Firestore, Azure Queue Storage with Azure Table Storage (runtime-shim/effects/*-backend.ts). The
// queue and the store are adapters (these two interfaces); what makes the pair keep the effects
// contract is one class, RecordQueueBackend (record-queue-backend.ts), the same for both.
//
// The record is the truth, the message a wake-up call (as in sqs-backend.ts): every time a job is
// queued it gets a fresh message with a fresh nonce (`msg`), the record names the nonce of its one
// live message, and a message whose nonce is not the record's is dropped when received.
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
  /** One message, hidden from other receivers for `hideMs`, or null when none is visible (never waits). */
  receive(hideMs: number): Promise<Received | null>;
  /** Hides the message for `ms` from now; false when the handle is no longer valid. */
  hide(message: Received, ms: number): Promise<boolean>;
  delete(message: Received): Promise<void>;
  /** A copy of a dead job for the dead-letter queue or topic (operators' tooling; the record stays the truth). */
  sendDead(body: string): Promise<void>;
  close(): Promise<void>;
}

/** A record with the store's version of it (an ETag, an update time) for a compare-and-set. */
export interface Versioned {
  record: JobRecord;
  version: unknown;
}

export interface JobRecords {
  read(id: string): Promise<Versioned | null>;
  /** Writes a new record; false when one with its id exists. */
  create(record: JobRecord): Promise<boolean>;
  /** Replaces the record if it is still at `version`; false when someone changed it first. */
  replace(record: JobRecord, version: unknown): Promise<boolean>;
  /** Every record (`gati effects` listings and counts, not the hot path). */
  all(): Promise<JobRecord[]>;
  close(): Promise<void>;
}
