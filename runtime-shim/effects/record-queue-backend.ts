// The effects contract on a message queue plus a record store (record-queue.ts): Amazon SQS +
// DynamoDB, Google Pub/Sub + Firestore and Azure Queue Storage + Azure Table Storage run through
// this one class.
//
// The record is the truth, the message a wake-up call. Every time a job is queued (enqueue, a retry
// after a failure, `gati effects retry`) it gets a fresh message with a fresh nonce (`msg`), and the
// record names the nonce of its one live message. A message whose nonce is not the record's (a
// cancelled job, a deduplicated enqueue, a retry that lost its lease) is deleted when received. That
// is what makes cancel, deduplication and "the old lease can no longer finish it" exact on queues
// that themselves can do none of them. The record is written for every job, delayed or not, keyed or
// not: `get`, `cancel`, counts and `inspect` read it, and no queue service can answer them.
//
// Order of writes: the message is always sent BEFORE the record is written, so a crash in between
// leaves a stale message (dropped when received) or, for a first enqueue, a message that carries the
// whole job and creates the record when received: never a queued record without a message.
//
// Leases are the message's hidden time (whole seconds on both services: a lease is rounded up) plus
// the record's `token`: heartbeats extend both, and only the holder of the token can finish the job.
// A message seen again after its lease ran out counts as an attempt, as on the other backends.
//
// Delays: a message is held back at send as far as the service allows (SQS: 15 minutes; Azure: 7
// days; Pub/Sub: not at all). A job due later is received early and hidden again until its run time,
// as long at a time as the service allows (SQS: 12 hours; Azure: 7 days; Pub/Sub's ack deadline: 10
// minutes); a message about to reach the end of the service's retention is replaced by a fresh one.
//
// Batching: where the queue has a batch send (SQS's SendMessageBatch) the messages sent in one turn
// of the event loop go out together, and where the store has a batch write (DynamoDB's
// BatchWriteItem) so do the new records of jobs without an idempotency key; each enqueue still
// resolves only once its own message and record are stored, and one the service refuses fails only
// its own caller (tick-batcher.ts). Where the store batches conditional creates instead
// (Firestore's BulkWriter), every new record goes out with the turn's others, keyed or not.
// The claims of one turn share one receive (receive-batcher.ts), and a finished job's message is
// deleted after complete/fail has answered (batched where the queue deletes batches: SQS, Pub/Sub):
// the record is already final, and a message whose delete was lost is stale when it comes back.
// Where the store compares versions (Firestore, Azure Table), a lease keeps the version of its own
// last write, so finishing a job is one write, not a read and a write.
// Pub/Sub's client batches concurrent publishes itself; Azure's records are one partition each, so
// its transactions could not group them: Azure sends and writes one by one. A batch write cannot be conditional, so a new job without a key (a fresh random id
// nobody else writes) is put unconditionally, and the one other writer of that id, a worker creating
// the record from a message whose enqueue died before the put, waits the record grace (30 s from the
// message's sending) before it does; the store's batch put gives up well before. Keyed jobs keep the
// conditional create.
//
// Finishing: where the store's batch write cannot be conditional (DynamoDB), a job whose lease still
// holds for PUT_FINISH_MARGIN_MS is completed by a put with the turn's others, not a conditional
// update of its own. No condition is needed, because while a lease holds no one else writes its
// record: a claim needs the lease run out (or the job queued), cancel a queued job, `gati effects
// retry` a finished one, and a heartbeat comes from the holder. The put gives up PUT_FINISH_SAFETY_MS
// before the lease ends (the workers' clocks must agree to within that, as leases already assume); a
// lease nearer its end, or a put that failed, completes with the conditional update. Where the store
// batches conditional writes instead (Firestore's BulkWriter), every compare-and-set of a turn
// (claims, heartbeats, completions) goes out together, and so do its reads (getAll).
//
// Idempotency keys are the record's id (a create that fails when the record exists). Every write to
// a record is a compare-and-set on the store's version (an ETag, an update time), retried while the
// fields it depends on still hold, or, where the store has one (DynamoDB), a conditional update.
import { createHash, randomUUID } from 'node:crypto';
import type { JobQueue, JobRecord, JobRecords, MessageBody, Received, Versioned } from './record-queue.js';
import { ReceiveBatcher } from './receive-batcher.js';
import { TickBatcher } from './tick-batcher.js';
import type { ClaimOptions, EffectBackend, InspectQuery, JobCounts, JobPage, JobStatus, JobView, Lease, NewJob } from './types.js';

/** Claim polls (neither service long-polls a single pull here): quick at first, then at most this often. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;
/** Compare-and-set attempts before a write gives up (only under contention on one job). */
const CAS_ATTEMPTS = 20;
/**
 * How old a message must be before it is taken for an orphan: one whose record is missing creates it
 * (where new records are batch-put), one its live record does not name yet is dropped as stale.
 */
export const RECORD_GRACE_MS = 30_000;
/** A batch put of new records gives up this long after it started: well before RECORD_GRACE_MS. */
const NEW_RECORD_DEADLINE_MS = 10_000;
/**
 * Where the store's batch write is unconditional (DynamoDB), a job is completed by a batched put
 * instead of a conditional update when its lease still holds at least this long ("finishing")...
 */
export const PUT_FINISH_MARGIN_MS = 10_000;
/** ...and the put gives up this long before the lease ends. */
const PUT_FINISH_SAFETY_MS = 5_000;

export const keyedJobId = (key: string) => `k${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

/**
 * A job's status as the other backends report it: a running job whose lease has run out is queued
 * again (the next worker to receive its message takes it, or makes it dead when it has no attempts
 * left), as SQLite's and BullMQ's sweeps put it back; the record itself changes when it is received.
 */
function statusOf(r: JobRecord, now = Date.now()): JobStatus {
  return r.status === 'running' && (r.leaseUntil ?? 0) <= now ? 'queued' : r.status;
}

function view(r: JobRecord): JobView {
  return {
    id: r.id,
    name: r.name,
    payload: JSON.parse(r.payload) as unknown,
    status: statusOf(r),
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    runAt: r.runAt,
    createdAt: r.createdAt,
    lastError: r.lastError ?? null,
    idempotencyKey: r.key ?? null,
    traceparent: r.traceparent ?? null,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The lease a record holds: as long as the message stays hidden, which all three services count in
 * whole seconds (a lease is rounded up). So a record whose lease has run out (shown as queued) has a
 * message that can be received again, not one still hidden for the rest of its second.
 */
const leaseSpan = (ms: number) => Math.ceil(ms / 1000) * 1000;

/** A lease this process holds: the job's message (to hide it longer or delete it). */
interface Held {
  id: string;
  message: Received;
  /** The record as this lease last wrote it, where the store compares versions (its next write needs no read). */
  known?: Versioned;
  /** The record as this lease last wrote it, where the store puts batches (completing it needs no condition while the lease holds). */
  record?: JobRecord;
  /** Epoch ms the lease holds until, as this process last wrote it. */
  leaseUntil: number;
}

export interface RecordQueueOptions {
  /** RECORD_GRACE_MS unless given (tests shorten it). */
  recordGraceMs?: number;
}

export class RecordQueueBackend implements EffectBackend {
  private held = new Map<string, Held>();
  private closed = false;
  private readonly recordGraceMs: number;
  /** Messages sent in one turn of the event loop, where the queue sends batches. */
  private readonly sender: TickBatcher<{ body: string; delayMs: number }, void> | null;
  /** New records (jobs without a key) written in one turn, where the store writes batches. */
  private readonly writer: TickBatcher<JobRecord, void> | null;
  /** Completed records of leases that hold long enough, put in one turn, where the store writes batches. */
  private readonly finisher: TickBatcher<{ record: JobRecord; deadline: number }, void> | null;
  /** Reads of one turn, where the store reads batches. */
  private readonly reader: TickBatcher<string, Versioned | null> | null;
  /** Compare-and-sets of one turn, where the store batches conditional writes. */
  private readonly replacer: TickBatcher<{ record: JobRecord; version: unknown }, { version: unknown } | null> | null;
  /** New records created (conditionally) in one turn, where the store batches creates. */
  private readonly creator: TickBatcher<JobRecord, boolean> | null;
  /** The claims of one turn share one receive. */
  private readonly receiver: ReceiveBatcher;
  /** Messages deleted in one turn, where the queue deletes batches. */
  private readonly deleter: TickBatcher<Received, void> | null;
  /** Deletes of finished jobs' messages still under way (close waits for them). */
  private readonly dropping = new Set<Promise<void>>();

  constructor(
    readonly kind: 'sqs' | 'pubsub' | 'azure-queue',
    private readonly queue: JobQueue,
    private readonly records: JobRecords,
    options: RecordQueueOptions = {},
  ) {
    this.recordGraceMs = options.recordGraceMs ?? RECORD_GRACE_MS;
    const { sendBatch, deleteBatch } = queue;
    const { putMany, createMany, readMany } = records;
    const replaceMany = 'replace' in records ? records.replaceMany : undefined;
    this.sender = sendBatch ? new TickBatcher((items) => sendBatch.call(queue, items)) : null;
    this.writer = putMany ? new TickBatcher((items) => putMany.call(records, items, Date.now() + NEW_RECORD_DEADLINE_MS)) : null;
    this.finisher = putMany
      ? new TickBatcher((items) => putMany.call(records, items.map((i) => i.record), Math.min(...items.map((i) => i.deadline))))
      : null;
    this.reader = readMany
      ? new TickBatcher(async (ids) => (await readMany.call(records, ids)).map((value) => ({ ok: true as const, value })))
      : null;
    this.replacer = replaceMany ? new TickBatcher((items) => replaceMany.call(records, items)) : null;
    this.creator = createMany ? new TickBatcher((items) => createMany.call(records, items)) : null;
    this.receiver = new ReceiveBatcher(queue);
    this.deleter = deleteBatch
      ? new TickBatcher(async (items) => {
          await deleteBatch.call(queue, items);
          return items.map(() => ({ ok: true, value: undefined }));
        })
      : null;
  }

  // ---- records ----

  /** A record with its version (read with the turn's others where the store reads batches). */
  private read(id: string): Promise<Versioned | null> {
    return this.reader ? this.reader.add(id) : this.records.read(id);
  }

  private async record(id: string): Promise<JobRecord | null> {
    return (await this.read(id))?.record ?? null;
  }

  /** Sets (or, for undefined, removes) fields while every `when` field has its value; the new record, or null when not. */
  private async update(id: string, set: Partial<JobRecord>, when: Partial<JobRecord>, known?: Versioned): Promise<JobRecord | null> {
    return (await this.write(id, set, when, known))?.record ?? null;
  }

  /** `update`, also answering the record's new version (null where the store has conditional updates). */
  private async write(id: string, set: Partial<JobRecord>, when: Partial<JobRecord>, known?: Versioned): Promise<Versioned | null> {
    if ('update' in this.records) {
      const record = await this.records.update(id, set, when);
      return record ? { record, version: null } : null;
    }
    for (let i = 0; i < CAS_ATTEMPTS; i++) {
      // A fresh read by the caller, or this lease's own last write, saves one round trip on the first
      // try; when it is out of date the compare-and-set fails and the loop reads.
      const current = i === 0 && known ? known : await this.read(id);
      if (!current) return null;
      const r = current.record as unknown as Record<string, unknown>;
      if (Object.entries(when).some(([k, v]) => r[k] !== v)) return null;
      const next: Record<string, unknown> = { ...r };
      for (const [k, v] of Object.entries(set)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      const record = next as unknown as JobRecord;
      const written = await (this.replacer ? this.replacer.add({ record, version: current.version }) : this.records.replace(record, current.version));
      if (written) return { record, version: written.version };
    }
    throw new Error(`job ${id}: its record kept changing under ${CAS_ATTEMPTS} writes in a row`);
  }

  // ---- messages ----

  /** Resolves once the service has the message (sent with the others of this turn where the queue batches). */
  private async send(body: MessageBody, runAt: number): Promise<void> {
    const message = { body: JSON.stringify(body), delayMs: Math.min(this.queue.maxDelayMs, Math.max(0, runAt - Date.now())) };
    await (this.sender ? this.sender.add(message) : this.queue.send(message.body, message.delayMs));
  }

  private async drop(message: Received): Promise<void> {
    await (this.deleter ? this.deleter.add(message) : this.queue.delete(message)).catch(() => undefined);
  }

  /**
   * The message of a job whose record is final for this lease (completed, dead, queued again with a
   * new message): deleted without holding up the worker. Losing the delete is harmless: the message
   * comes back once hidden no more, its nonce is no longer the record's, and it is dropped then.
   */
  private dropLater(message: Received): void {
    const dropping = this.drop(message).finally(() => this.dropping.delete(dropping));
    this.dropping.add(dropping);
  }

  /** The dead-letter copy; best effort: the record already says the job is dead, and `gati effects dead` reads records. */
  private async sendDead(record: JobRecord): Promise<void> {
    const copy = { id: record.id, name: record.name, payload: JSON.parse(record.payload) as unknown, attempt: record.attempt, lastError: record.lastError ?? null, deadAt: Date.now() };
    await this.queue.sendDead(JSON.stringify(copy)).catch(() => undefined);
  }

  // ---- the contract ----

  async enqueue(job: NewJob): Promise<{ id: string; deduped: boolean }> {
    const id = job.idempotencyKey === undefined ? randomUUID() : keyedJobId(job.idempotencyKey);
    if (job.idempotencyKey !== undefined && (await this.record(id))) return { id, deduped: true };
    const now = Date.now();
    const record: JobRecord = {
      id,
      name: job.name,
      payload: JSON.stringify(job.payload ?? null),
      status: 'queued',
      attempt: 0,
      maxAttempts: job.maxAttempts,
      runAt: now + Math.max(0, job.delayMs ?? 0),
      createdAt: now,
      msg: randomUUID(),
      ...(job.idempotencyKey !== undefined ? { key: job.idempotencyKey } : {}),
      ...(job.traceparent !== undefined ? { traceparent: job.traceparent } : {}),
    };
    await this.send({ id, msg: record.msg, job: record }, record.runAt);
    if (job.idempotencyKey === undefined && this.writer) {
      // A fresh random id: no one else writes it (see "batching"), so it is put with the turn's others.
      await this.writer.add(record);
      return { id, deduped: false };
    }
    if (await (this.creator ? this.creator.add(record) : this.records.create(record))) return { id, deduped: false };
    // Someone wrote the record first: another enqueue with the key, or a worker that received this
    // very message before the write (then it is this enqueue's job after all).
    return { id, deduped: (await this.record(id))?.msg !== record.msg };
  }

  async claim(options: ClaimOptions): Promise<Lease | null> {
    const deadline = Date.now() + options.waitMs;
    let pause = FIRST_POLL_MS;
    while (!this.closed) {
      const message = await this.receiver.take(options.leaseMs, Math.max(0, deadline - Date.now()));
      if (message === 'again') continue; // the shared receive ran short: ask again at once
      if (message) {
        const lease = await this.accept(message, options);
        if (lease) return lease;
        pause = FIRST_POLL_MS;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await sleep(Math.min(pause, remaining));
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
    return null;
  }

  /** A received message becomes a lease, unless it is stale, early, still leased, or out of attempts. */
  private async accept(message: Received, options: ClaimOptions): Promise<Lease | null> {
    let body: MessageBody;
    try {
      body = JSON.parse(message.body) as MessageBody;
      if (typeof body.id !== 'string' || typeof body.msg !== 'string') throw new Error('not a job message');
    } catch {
      await this.drop(message); // not one of Gati's messages
      return null;
    }
    const fast = await this.leaseAtOnce(body, message, options);
    if (fast) return fast;
    // Not leased as it stands: find out why (no record yet, stale, early, held, out of attempts).
    let read = await this.read(body.id);
    if (!read && body.job) {
      read = await this.orphan(body.job, message);
      if (!read) return null;
    }
    const record = read?.record;
    const live = record && (record.status === 'queued' || record.status === 'running');
    if (live && record.msg !== body.msg && Date.now() - message.sentAt < this.recordGraceMs) {
      // A fresh message the record does not name yet: a retry's, sent just before the record names
      // it (fail, retry: message first). Dropping it would strand the job; it is stale only once old.
      await this.queue.hide(message, 1000);
      return null;
    }
    if (!read || !record || !live || record.msg !== body.msg) {
      await this.drop(message);
      return null;
    }
    const now = Date.now();
    // Due later than the service could hold it back, or its lease is held (a heartbeat raced the hidden time).
    const notBefore = record.status === 'queued' ? record.runAt : (record.leaseUntil ?? 0);
    if (notBefore > now) {
      if (record.status === 'queued' && now - message.sentAt > this.queue.refreshAfterMs) {
        // Near the end of the service's retention: a fresh message rather than one more hide.
        const msg = randomUUID();
        await this.send({ id: record.id, msg }, notBefore);
        if (await this.update(record.id, { msg }, { msg: record.msg, status: 'queued' })) await this.drop(message);
      } else await this.queue.hide(message, Math.min(this.queue.maxHideMs, notBefore - now));
      return null;
    }
    // A running job's lease as read, too: a heartbeat that extended it since makes the write fail
    // (the compare-and-set stores' version says as much; a conditional update needs the field).
    const when = { msg: record.msg, attempt: record.attempt, status: record.status, ...(record.status === 'running' && record.leaseUntil !== undefined ? { leaseUntil: record.leaseUntil } : {}) };
    if (record.status === 'running' && record.attempt >= record.maxAttempts) {
      // Its last attempt's lease ran out (the worker stopped or hung): dead, as on the other backends.
      const dead = await this.update(record.id, { status: 'dead', lastError: `lease expired (the worker stopped or hung) on attempt ${record.attempt}`, token: undefined, leaseUntil: undefined }, when);
      if (dead) await this.sendDead(dead);
      await this.drop(message);
      return null;
    }
    const token = `${options.workerId}:${randomUUID()}`;
    const leaseUntil = now + leaseSpan(options.leaseMs);
    const leased = await this.write(record.id, { status: 'running', attempt: record.attempt + 1, token, leaseUntil }, when, read);
    if (!leased) return null;
    this.held.set(token, { id: record.id, message, leaseUntil, ...(leased.version !== null ? { known: leased } : { record: leased.record }) });
    return { job: view(leased.record), token };
  }

  /** The usual case in one round trip where the store can (a conditional update): the live message of a queued, due job. */
  private async leaseAtOnce(body: MessageBody, message: Received, options: ClaimOptions): Promise<Lease | null> {
    if (!this.records.leaseIfDue) return null;
    const now = Date.now();
    const token = `${options.workerId}:${randomUUID()}`;
    const leased = await this.records.leaseIfDue(body.id, body.msg, token, now, now + leaseSpan(options.leaseMs));
    if (!leased) return null;
    this.held.set(token, { id: leased.id, message, record: leased, leaseUntil: leased.leaseUntil ?? now + leaseSpan(options.leaseMs) });
    return { job: view(leased), token };
  }

  /**
   * A first enqueue's message received before its record exists. Where the enqueue writes the
   * record with a conditional create, the message creates it now (whichever is first wins, and the
   * enqueue then sees its own nonce). Where the enqueue batch-puts it unconditionally, the record
   * normally lands within milliseconds: the message waits for it, and creates it only once the
   * grace is over (the enqueue must have died); null when it was hidden to wait.
   */
  private async orphan(job: JobRecord, message: Received): Promise<Versioned | null> {
    let read: Versioned | null = null;
    if (this.writer) {
      const age = () => Date.now() - message.sentAt;
      for (let wait = 10; !read && age() < this.recordGraceMs && wait <= 640; wait *= 2) {
        await sleep(wait);
        read = await this.read(job.id);
      }
      if (read) return read;
      if (age() < this.recordGraceMs) {
        await this.queue.hide(message, Math.min(5_000, this.recordGraceMs - age()));
        return null;
      }
    }
    await this.records.create(job);
    return this.read(job.id);
  }

  private holding(lease: Lease): Held | undefined {
    const held = this.held.get(lease.token);
    return held && held.id === lease.job.id ? held : undefined;
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    const leaseUntil = Date.now() + leaseSpan(leaseMs);
    const written = await this.write(held.id, { leaseUntil }, { token: lease.token, status: 'running' }, held.known);
    if (!written) return false;
    if (written.version !== null) held.known = written;
    else held.record = written.record;
    held.leaseUntil = leaseUntil;
    return this.queue.hide(held.message, leaseMs);
  }

  async complete(lease: Lease): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    this.held.delete(lease.token);
    if (this.finisher && held.record && held.leaseUntil - Date.now() >= PUT_FINISH_MARGIN_MS) {
      // While the lease holds, no one else writes the record (see "finishing"): put with the turn's others.
      const { token: _token, leaseUntil: _until, ...rest } = held.record;
      try {
        await this.finisher.add({ record: { ...rest, status: 'completed' }, deadline: held.leaseUntil - PUT_FINISH_SAFETY_MS });
        this.dropLater(held.message);
        return true;
      } catch {
        // Not stored in time: the conditional update decides (it fails if the put landed after all).
      }
    }
    if (!(await this.update(held.id, { status: 'completed', token: undefined, leaseUntil: undefined }, { token: lease.token, status: 'running' }, held.known))) return false;
    this.dropLater(held.message);
    return true;
  }

  async fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    this.held.delete(lease.token);
    const when = { token: lease.token, status: 'running' as const };
    const cleared = { token: undefined, leaseUntil: undefined, lastError: error };
    if (retryAt === null) {
      const dead = await this.update(held.id, { ...cleared, status: 'dead' }, when, held.known);
      if (!dead) return false;
      await this.sendDead(dead);
    } else {
      // The retry's message first (see "order of writes"): if the lease was lost, it is stale.
      const msg = randomUUID();
      await this.send({ id: held.id, msg }, retryAt);
      if (!(await this.update(held.id, { ...cleared, status: 'queued', runAt: retryAt, msg }, when, held.known))) return false;
    }
    this.dropLater(held.message);
    return true;
  }

  /**
   * The end of a job and the claim of the next one at the same time: the worker's slot waits for
   * the longer of the two round trips, not for both in a row (the worker pool runs `next` at once).
   */
  async finishAndClaim(lease: Lease, failure: { error: string; retryAt: number | null } | null, next: ClaimOptions): Promise<{ finished: boolean; next: Lease | null }> {
    if (!this.holding(lease)) return { finished: false, next: null };
    const [finished, claimed] = await Promise.allSettled([
      failure ? this.fail(lease, failure.error, failure.retryAt) : this.complete(lease),
      this.closed ? Promise.resolve(null) : this.claim({ ...next, waitMs: 0 }),
    ]);
    const nextLease = claimed.status === 'fulfilled' ? claimed.value : null;
    if (finished.status === 'rejected') {
      // The pool logs the failure and runs nothing more in this slot: the next job's lease is let go
      // (its message is shown again; the record takes it back once the lease time has passed).
      if (nextLease) await this.letGo(nextLease);
      throw finished.reason;
    }
    return { finished: finished.value, next: nextLease };
  }

  private async letGo(lease: Lease): Promise<void> {
    const held = this.holding(lease);
    if (!held) return;
    this.held.delete(lease.token);
    await this.queue.hide(held.message, 0).catch(() => false);
  }

  async get(id: string): Promise<JobView | null> {
    const record = await this.record(id);
    return record ? view(record) : null;
  }

  private async sorted(): Promise<JobRecord[]> {
    return (await this.records.all()).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async inspect(query: InspectQuery): Promise<JobPage> {
    const limit = Math.max(1, query.limit ?? 50);
    // The cursor is the last job's "<createdAt>:<id>" in the listing's order.
    const [at, ...rest] = (query.cursor ?? '').split(':');
    const after = query.cursor ? { createdAt: Number(at), id: rest.join(':') } : null;
    const matching = (await this.sorted()).filter(
      (r) =>
        (!query.status || statusOf(r) === query.status) &&
        (!query.name || r.name === query.name) &&
        (!after || r.createdAt > after.createdAt || (r.createdAt === after.createdAt && r.id > after.id)),
    );
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    return { jobs: page.map(view), cursor: matching.length > limit && last ? `${last.createdAt}:${last.id}` : null };
  }

  async retry(id: string): Promise<boolean> {
    const record = await this.record(id);
    if (!record || (record.status !== 'dead' && record.status !== 'completed' && record.status !== 'cancelled')) return false;
    const msg = randomUUID();
    const now = Date.now();
    await this.send({ id, msg }, now);
    return (await this.update(id, { status: 'queued', attempt: 0, runAt: now, msg }, { status: record.status, msg: record.msg })) !== null;
  }

  async cancel(id: string): Promise<boolean> {
    // Its message turns stale and is dropped when received.
    return (await this.update(id, { status: 'cancelled' }, { status: 'queued' })) !== null;
  }

  async counts(): Promise<JobCounts> {
    const out: JobCounts = {};
    for (const r of await this.records.all()) {
      const byName = (out[r.name] ??= {});
      const status = statusOf(r);
      byName[status] = (byName[status] ?? 0) + 1;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.dropping]);
    await Promise.allSettled([this.queue.close(), this.records.close()]);
  }
}
