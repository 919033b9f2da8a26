// The AWS backend: Amazon SQS delivers the jobs, a DynamoDB table keeps what SQS cannot (a job's
// status, attempts, last error, idempotency key, completed and dead jobs for `gati effects`).
// Loaded only when the config says `effects: { backend: 'sqs' }`; the AWS clients are optional peers.
//
// The record is the truth, the message is a wake-up call. Every time a job is queued (enqueue, a
// retry after a failure, `gati effects retry`) it gets a fresh message with a fresh nonce (`msg`),
// and the record names the nonce of its one live message. A message whose nonce is not the record's
// (a cancelled job, a deduplicated enqueue, a retry that lost its lease) is deleted when received.
// That is what makes cancel, deduplication and "the old lease can no longer finish it" exact on a
// queue that itself can do none of them.
//
// Order of writes: the message is always sent BEFORE the record is written, so a crash in between
// leaves a stale message (dropped when received) or, for a first enqueue, a message that carries the
// whole job and creates the record when received: never a queued record without a message.
//
// Batching: the messages sent and the new records written in one turn of the event loop go out
// together (SendMessageBatch, 10 a call; BatchWriteItem, 25 a call), and each enqueue still resolves
// only once SQS has its message and DynamoDB its record. BatchWriteItem cannot be conditional, so a
// new job without an idempotency key (a fresh random id nobody else writes) is put unconditionally,
// and the one other writer of that id, a worker creating the record from a message whose enqueue died
// before the put, waits RECORD_GRACE_MS from the message's sending before it does (the enqueue gives
// its put up after RECORD_WRITE_DEADLINE_MS, well before). Keyed jobs keep the conditional put.
//
// The record is written for every job, delayed or not, keyed or not: `get` and `cancel` right after
// enqueue, `gati effects` counts of queued jobs and `inspect` all read it, and SQS can answer none of
// them (its counts are approximate, per queue, not per effect). Batching makes it cheap instead.
//
// Leases are the message's visibility timeout (whole seconds: a lease is rounded up) plus the
// record's `token`: heartbeats extend both, and only the holder of the token can finish the job.
// A message seen again after its lease ran out counts as an attempt, as on the other backends.
//
// What SQS cannot do and how this covers it: DelaySeconds stops at 15 minutes, so a job due later is
// received early and hidden again (ChangeMessageVisibility, up to 12 hours at a time; further out,
// sent again, so SQS's 14-day retention never ends it) until its run time; delays and leases are whole seconds; SQS deduplicates only FIFO queues and only for
// 5 minutes, so idempotency keys are the record's id (a conditional put).
import { createHash, randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { requireOptionalDependency } from '../dependency.js';
import { chunks, TickBatcher, type BatchOutcome } from './tick-batcher.js';
import type { ClaimOptions, EffectBackend, InspectQuery, JobCounts, JobPage, JobStatus, JobView, Lease, NewJob } from './types.js';

type Sqs = typeof import('@aws-sdk/client-sqs');
type Dynamo = typeof import('@aws-sdk/client-dynamodb');

export interface SqsBackendOptions {
  /** SQS queue name (created when missing; the deploy output creates it in AWS). */
  queue: string;
  /** DynamoDB table name for the job records (created when missing). */
  table: string;
  /** How old a message must be before it creates its own missing record (default RECORD_GRACE_MS; tests shorten it). */
  recordGraceMs?: number;
}

/** SQS's longest per-message delay and visibility timeout, in seconds. */
const MAX_DELAY_S = 900;
const MAX_VISIBILITY_S = 43_200;
const MAX_RETENTION_S = 1_209_600;
/** Longest long poll SQS allows. */
const MAX_WAIT_S = 20;
/** SQS batch calls: 10 messages and 256 KiB of bodies; DynamoDB BatchWriteItem: 25 items. */
const SEND_BATCH = 10;
const SEND_BATCH_BYTES = 262_144;
const WRITE_BATCH = 25;
/** An enqueue gives up writing its record this long after its batch started (the message is sent). */
const RECORD_WRITE_DEADLINE_MS = 10_000;
/** A worker creates a job's record from its message only once the message is this old (see "Batching"). */
const RECORD_GRACE_MS = 30_000;

interface JobRecord {
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

interface MessageBody {
  id: string;
  msg: string;
  /** The whole job, on a first enqueue only: creates the record if the enqueue died before writing it. */
  job?: JobRecord;
}

const keyedJobId = (key: string) => `k${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));

function toItem(record: JobRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) item[k] = typeof v === 'number' ? { N: String(v) } : { S: String(v) };
  return item;
}

function fromItem(item: Record<string, AttributeValue>): JobRecord {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(item)) out[k] = v.N !== undefined ? Number(v.N) : v.S!;
  return out as unknown as JobRecord;
}

function view(r: JobRecord): JobView {
  return {
    id: r.id,
    name: r.name,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status,
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    runAt: r.runAt,
    createdAt: r.createdAt,
    lastError: r.lastError ?? null,
    idempotencyKey: r.key ?? null,
  };
}

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

export async function openSqsBackend(options: SqsBackendOptions): Promise<EffectBackend> {
  const sqs = requireOptionalDependency<Sqs>('@aws-sdk/client-sqs');
  const dynamo = requireOptionalDependency<Dynamo>('@aws-sdk/client-dynamodb');
  // Region, credentials and endpoints come from the SDK's standard chain (AWS_REGION, IRSA's web
  // identity, AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_DYNAMODB for an emulator): never from the config.
  // Requests go to the configured endpoint, not to the host in the queue URL (an emulator's queue URLs
  // name hosts such as sqs.us-east-1.localhost that need not resolve).
  const sqsClient = new sqs.SQSClient({ useQueueUrlAsEndpoint: false });
  const dynamoClient = new dynamo.DynamoDBClient({});
  const queueUrl = await ensureQueue(sqs, sqsClient, options.queue);
  await ensureTable(dynamo, dynamoClient, options.table);
  return new SqsBackend(sqs, sqsClient, queueUrl, dynamo, dynamoClient, options.table, options.recordGraceMs ?? RECORD_GRACE_MS);
}

async function ensureQueue(sqs: Sqs, client: SQSClient, name: string): Promise<string> {
  try {
    return (await client.send(new sqs.GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  } catch (error) {
    if (!(error instanceof sqs.QueueDoesNotExist)) throw error;
    // The longest retention SQS allows (14 days; the default is 4): a message is deleted when it is
    // that old, hidden or not, so a job due later than half a day gets a fresh message (see accept).
    return (await client.send(new sqs.CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: String(MAX_RETENTION_S) } }))).QueueUrl!;
  }
}

async function ensureTable(dynamo: Dynamo, client: DynamoDBClient, table: string): Promise<void> {
  const status = async () => {
    try {
      return (await client.send(new dynamo.DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    } catch (error) {
      if (error instanceof dynamo.ResourceNotFoundException) return undefined;
      throw error;
    }
  };
  if ((await status()) === undefined) {
    try {
      await client.send(
        new dynamo.CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      // Another process created it meanwhile.
      if (!(error instanceof dynamo.ResourceInUseException)) throw error;
    }
  }
  for (let i = 0; (await status()) !== 'ACTIVE'; i++) {
    if (i > 600) throw new Error(`the DynamoDB table ${table} did not become active`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A lease this process holds: the message's receipt handle (to hide, extend or delete it). */
interface Held {
  id: string;
  receipt: string;
}

class SqsBackend implements EffectBackend {
  readonly kind = 'sqs' as const;
  private held = new Map<string, Held>();
  private closed = false;
  /** Ends long polls on close. */
  private readonly abort = new AbortController();
  /** Messages sent in one turn of the event loop: one SendMessageBatch per 10. */
  private readonly sender = new TickBatcher<{ body: string; delay: number }, void>((items) => this.sendBatch(items));
  /** New records (jobs without a key) written in one turn: one BatchWriteItem per 25. */
  private readonly writer = new TickBatcher<JobRecord, void>((records) => this.writeBatch(records));

  constructor(
    private readonly sqs: Sqs,
    private readonly sqsClient: SQSClient,
    private readonly queueUrl: string,
    private readonly dynamo: Dynamo,
    private readonly db: DynamoDBClient,
    private readonly table: string,
    private readonly recordGraceMs: number,
  ) {}

  // ---- records ----

  private async record(id: string): Promise<JobRecord | null> {
    const out = await this.db.send(new this.dynamo.GetItemCommand({ TableName: this.table, Key: { id: { S: id } }, ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : null;
  }

  /** Writes a new record; false when one with its id exists. */
  private async create(record: JobRecord): Promise<boolean> {
    try {
      await this.db.send(new this.dynamo.PutItemCommand({ TableName: this.table, Item: toItem(record), ConditionExpression: 'attribute_not_exists(id)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Sets (or, for undefined, removes) fields when every `when` field has its value; false when not. */
  private async update(id: string, set: Partial<JobRecord>, when: Partial<JobRecord>): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    const value = (v: string | number): AttributeValue => (typeof v === 'number' ? { N: String(v) } : { S: v });
    for (const [k, v] of Object.entries(set)) {
      names[`#${k}`] = k;
      if (v === undefined) removes.push(`#${k}`);
      else {
        sets.push(`#${k} = :${k}`);
        values[`:${k}`] = value(v as string | number);
      }
    }
    const conditions = ['attribute_exists(id)'];
    for (const [k, v] of Object.entries(when)) {
      names[`#${k}`] = k;
      values[`:w_${k}`] = value(v as string | number);
      conditions.push(`#${k} = :w_${k}`);
    }
    const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
    try {
      await this.db.send(
        new this.dynamo.UpdateItemCommand({
          TableName: this.table,
          Key: { id: { S: id } },
          UpdateExpression: expression,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Every record (a full table scan: `gati effects` listings and counts, not the hot path). */
  private async all(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.db.send(new this.dynamo.ScanCommand({ TableName: this.table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      for (const item of page.Items ?? []) out.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // ---- messages ----

  /** Resolves once SQS has the message (sent with the others of this turn). */
  private send(body: MessageBody, runAt: number): Promise<void> {
    return this.sender.add({ body: JSON.stringify(body), delay: seconds(runAt - Date.now(), MAX_DELAY_S) });
  }

  private async sendBatch(items: { body: string; delay: number }[]): Promise<BatchOutcome<void>[]> {
    const groups = chunks(items, SEND_BATCH, SEND_BATCH_BYTES, (item) => Buffer.byteLength(item.body));
    const outcomes = await Promise.all(
      groups.map(async (group): Promise<BatchOutcome<void>[]> => {
        try {
          const out = await this.sqsClient.send(
            new this.sqs.SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: group.map((item, i) => ({ Id: String(i), MessageBody: item.body, DelaySeconds: item.delay })) }),
          );
          const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
          return group.map((_, i) => {
            const f = failed.get(String(i));
            return f ? { ok: false, error: new Error(`SQS did not take the message: ${f.Code ?? 'error'}: ${f.Message ?? ''}`) } : { ok: true, value: undefined };
          });
        } catch (error) {
          return group.map(() => ({ ok: false, error }));
        }
      }),
    );
    return outcomes.flat();
  }

  /** Puts new records, 25 a call, retrying what DynamoDB leaves unprocessed until the deadline. */
  private async writeBatch(records: JobRecord[]): Promise<BatchOutcome<void>[]> {
    const deadline = Date.now() + RECORD_WRITE_DEADLINE_MS;
    const errors = new Map<string, unknown>();
    await Promise.all(
      chunks(records, WRITE_BATCH).map(async (group) => {
        let left = group.map((r) => ({ PutRequest: { Item: toItem(r) } }));
        for (let wait = 25; left.length; wait = Math.min(wait * 2, 1000)) {
          try {
            const out = await this.db.send(new this.dynamo.BatchWriteItemCommand({ RequestItems: { [this.table]: left } }), { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
            left = (out.UnprocessedItems?.[this.table] ?? []) as typeof left;
          } catch (error) {
            for (const r of left) errors.set(r.PutRequest.Item['id']!.S!, error);
            return;
          }
          if (left.length && Date.now() + wait >= deadline) {
            for (const r of left) errors.set(r.PutRequest.Item['id']!.S!, new Error('DynamoDB did not write the job record in time (throttled)'));
            return;
          }
          if (left.length) await new Promise((r) => setTimeout(r, wait));
        }
      }),
    );
    return records.map((r) => (errors.has(r.id) ? { ok: false, error: errors.get(r.id) } : { ok: true, value: undefined }));
  }

  private async drop(receipt: string): Promise<void> {
    await this.sqsClient.send(new this.sqs.DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt })).catch(() => undefined);
  }

  private async hide(receipt: string, ms: number): Promise<boolean> {
    try {
      await this.sqsClient.send(new this.sqs.ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: seconds(ms, MAX_VISIBILITY_S) }));
      return true;
    } catch {
      return false;
    }
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
    };
    await this.send({ id, msg: record.msg, job: record }, record.runAt);
    if (job.idempotencyKey === undefined) {
      // A fresh random id: no one else writes it (see "Batching"), so it is put with the turn's others.
      await this.writer.add(record);
      return { id, deduped: false };
    }
    if (await this.create(record)) return { id, deduped: false };
    // Someone wrote the record first: another enqueue with the key, or a worker that received this
    // very message before the put (then it is this enqueue's job after all).
    return { id, deduped: (await this.record(id))?.msg !== record.msg };
  }

  async claim(options: ClaimOptions): Promise<Lease | null> {
    const deadline = Date.now() + options.waitMs;
    while (!this.closed) {
      const remaining = deadline - Date.now();
      let message: Message | undefined;
      try {
        const out = await this.sqsClient.send(
          new this.sqs.ReceiveMessageCommand({
            QueueUrl: this.queueUrl,
            MaxNumberOfMessages: 1,
            MessageSystemAttributeNames: ['SentTimestamp'],
            VisibilityTimeout: seconds(options.leaseMs, MAX_VISIBILITY_S),
            WaitTimeSeconds: Math.min(MAX_WAIT_S, Math.max(0, Math.floor(remaining / 1000))),
          }),
          { abortSignal: this.abort.signal },
        );
        message = out.Messages?.[0];
      } catch (error) {
        if (this.closed) return null;
        throw error;
      }
      if (message) {
        const lease = await this.accept(message, options);
        if (lease) return lease;
        continue;
      }
      if (Date.now() >= deadline) return null;
      // A short poll found nothing: wait a little before the next (long polls wait in SQS).
      if (remaining < 1000) await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    return null;
  }

  /** A received message becomes a lease, unless it is stale, early, still leased, or out of attempts. */
  private async accept(message: Message, options: ClaimOptions): Promise<Lease | null> {
    const receipt = message.ReceiptHandle!;
    let body: MessageBody;
    try {
      body = JSON.parse(message.Body ?? '') as MessageBody;
    } catch {
      await this.drop(receipt); // not one of Gati's messages
      return null;
    }
    const fast = await this.claimAtOnce(body, receipt, options);
    if (fast) return fast;
    // Not claimable as it stands: find out why (no record yet, stale, early, held, out of attempts).
    let record = await this.record(body.id);
    if (!record && body.job) {
      // Received before its enqueue wrote the record (batched, unconditional: see "Batching"): the
      // record normally lands within milliseconds; only once the enqueue must have given up does
      // the message create it.
      const sent = Number(message.Attributes?.SentTimestamp ?? 0);
      for (let wait = 10; !record && Date.now() - sent < this.recordGraceMs && wait <= 640; wait *= 2) {
        await new Promise((r) => setTimeout(r, wait));
        record = await this.record(body.id);
      }
      if (!record && Date.now() - sent < this.recordGraceMs) {
        await this.hide(receipt, Math.min(5_000, this.recordGraceMs - (Date.now() - sent)));
        return null;
      }
      if (!record) {
        await this.create(body.job);
        record = await this.record(body.id);
      }
    }
    const live = record && (record.status === 'queued' || record.status === 'running');
    if (record && live && record.msg !== body.msg && Date.now() - Number(message.Attributes?.SentTimestamp ?? 0) < this.recordGraceMs) {
      // A fresh message the record does not name yet: a retry's, sent just before the record names
      // it (fail, retry: message first). Dropping it would strand the job; it is stale only once old.
      await this.hide(receipt, 1000);
      return null;
    }
    if (!record || !live || record.msg !== body.msg) {
      await this.drop(receipt);
      return null;
    }
    const now = Date.now();
    // Due later than SQS's delay cap allowed, or its lease is held (a heartbeat raced the visibility).
    const notBefore = record.status === 'queued' ? record.runAt : (record.leaseUntil ?? 0);
    if (notBefore > now) {
      if (record.status === 'queued' && notBefore - now > MAX_VISIBILITY_S * 1000) {
        // Due in more than 12 hours: a fresh message (new retention period) rather than one more hide.
        const msg = randomUUID();
        await this.send({ id: record.id, msg }, notBefore);
        if (await this.update(record.id, { msg }, { msg: record.msg, status: 'queued' })) await this.drop(receipt);
      } else await this.hide(receipt, notBefore - now);
      return null;
    }
    const when = { msg: record.msg, attempt: record.attempt, status: record.status };
    if (record.status === 'running' && record.attempt >= record.maxAttempts) {
      // Its last attempt's lease ran out (the worker stopped or hung): dead, as on the other backends.
      await this.update(record.id, { status: 'dead', lastError: `lease expired (the worker stopped or hung) on attempt ${record.attempt}`, token: undefined, leaseUntil: undefined }, when);
      await this.drop(receipt);
      return null;
    }
    const token = `${options.workerId}:${randomUUID()}`;
    const leased = { status: 'running' as const, attempt: record.attempt + 1, token, leaseUntil: now + options.leaseMs };
    if (!(await this.update(record.id, leased, when))) return null;
    this.held.set(token, { id: record.id, receipt });
    return { job: view({ ...record, ...leased }), token };
  }

  /**
   * The usual case in one round trip: the message is the record's live one and the job is due (or
   * its lease ran out with attempts left), so the record is leased by a conditional update.
   */
  private async claimAtOnce(body: MessageBody, receipt: string, options: ClaimOptions): Promise<Lease | null> {
    const now = Date.now();
    const token = `${options.workerId}:${randomUUID()}`;
    try {
      const out = await this.db.send(
        new this.dynamo.UpdateItemCommand({
          TableName: this.table,
          Key: { id: { S: body.id } },
          UpdateExpression: 'SET #status = :running, #attempt = #attempt + :one, #token = :token, #leaseUntil = :until',
          ConditionExpression: '#msg = :msg AND ((#status = :queued AND #runAt <= :now) OR (#status = :running AND #leaseUntil <= :now AND #attempt < #maxAttempts))',
          ExpressionAttributeNames: { '#status': 'status', '#attempt': 'attempt', '#token': 'token', '#leaseUntil': 'leaseUntil', '#msg': 'msg', '#runAt': 'runAt', '#maxAttempts': 'maxAttempts' },
          ExpressionAttributeValues: {
            ':running': { S: 'running' },
            ':queued': { S: 'queued' },
            ':one': { N: '1' },
            ':token': { S: token },
            ':until': { N: String(now + options.leaseMs) },
            ':msg': { S: body.msg },
            ':now': { N: String(now) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const record = fromItem(out.Attributes!);
      this.held.set(token, { id: record.id, receipt });
      return { job: view(record), token };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  private holding(lease: Lease): Held | undefined {
    const held = this.held.get(lease.token);
    return held && held.id === lease.job.id ? held : undefined;
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    if (!(await this.update(held.id, { leaseUntil: Date.now() + leaseMs }, { token: lease.token, status: 'running' }))) return false;
    return this.hide(held.receipt, leaseMs);
  }

  async complete(lease: Lease): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    this.held.delete(lease.token);
    if (!(await this.update(held.id, { status: 'completed', token: undefined, leaseUntil: undefined }, { token: lease.token, status: 'running' }))) return false;
    await this.drop(held.receipt);
    return true;
  }

  async fail(lease: Lease, error: string, retryAt: number | null): Promise<boolean> {
    const held = this.holding(lease);
    if (!held) return false;
    this.held.delete(lease.token);
    const when = { token: lease.token, status: 'running' as const };
    const cleared = { token: undefined, leaseUntil: undefined, lastError: error };
    if (retryAt === null) {
      if (!(await this.update(held.id, { ...cleared, status: 'dead' }, when))) return false;
    } else {
      // The retry's message first (see "order of writes"): if the lease was lost, it is stale.
      const msg = randomUUID();
      await this.send({ id: held.id, msg }, retryAt);
      if (!(await this.update(held.id, { ...cleared, status: 'queued', runAt: retryAt, msg }, when))) return false;
    }
    await this.drop(held.receipt);
    return true;
  }

  async get(id: string): Promise<JobView | null> {
    const record = await this.record(id);
    return record ? view(record) : null;
  }

  async inspect(query: InspectQuery): Promise<JobPage> {
    const limit = Math.max(1, query.limit ?? 50);
    // The cursor is the last job's "<createdAt>:<id>" in the listing's order.
    const [at, ...rest] = (query.cursor ?? '').split(':');
    const after = query.cursor ? { createdAt: Number(at), id: rest.join(':') } : null;
    const matching = (await this.all()).filter(
      (r) =>
        (!query.status || r.status === query.status) &&
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
    return this.update(id, { status: 'queued', attempt: 0, runAt: now, msg }, { status: record.status, msg: record.msg });
  }

  async cancel(id: string): Promise<boolean> {
    // Its message turns stale and is dropped when received.
    return this.update(id, { status: 'cancelled' }, { status: 'queued' });
  }

  async counts(): Promise<JobCounts> {
    const out: JobCounts = {};
    for (const r of await this.all()) {
      const byName = (out[r.name] ??= {});
      byName[r.status] = (byName[r.status] ?? 0) + 1;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.sqsClient.destroy();
    this.db.destroy();
  }
}
