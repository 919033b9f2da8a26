// DynamoDB as the record store of the sqs backend (record-queue.ts): one item per job (key: the job
// id), each field an attribute. SQS keeps no state of its own to list or count; DynamoDB keeps what
// it cannot (a job's status, attempts, last error, idempotency key, completed and dead jobs). Region,
// credentials and endpoint come from the SDK's chain (AWS_ENDPOINT_URL_DYNAMODB for an emulator).
//
// DynamoDB's conditional writes do in one call what the other stores do by compare-and-set: a
// conditional update (`update`), and the usual claim as one update (`leaseIfDue`). New records of
// jobs without a key, and the completed records of jobs whose lease still holds for long enough, go
// out 25 a call (BatchWriteItem), which cannot be conditional (`putMany`; record-queue-backend.ts
// says why no one else writes those records meanwhile).
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JobRecord, JobRecords } from './record-queue.js';
import { chunks, type BatchOutcome } from './tick-batcher.js';

type Dynamo = typeof import('@aws-sdk/client-dynamodb');

/** BatchWriteItem: 25 items a call. */
const WRITE_BATCH = 25;
const value = (v: string | number): AttributeValue => (typeof v === 'number' ? { N: String(v) } : { S: v });

function toItem(record: JobRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) item[k] = value(v as string | number);
  return item;
}

function fromItem(item: Record<string, AttributeValue>): JobRecord {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(item)) out[k] = v.N !== undefined ? Number(v.N) : v.S!;
  return out as unknown as JobRecord;
}

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

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

export async function openDynamoRecords(dynamo: Dynamo, table: string): Promise<JobRecords> {
  const db = new dynamo.DynamoDBClient({});
  await ensureTable(dynamo, db, table);

  /** A conditional UpdateItem; the new record, or null when the condition failed. */
  const conditional = async (input: { key: string; expression: string; condition: string; names: Record<string, string>; values: Record<string, AttributeValue> }): Promise<JobRecord | null> => {
    try {
      const out = await db.send(
        new dynamo.UpdateItemCommand({
          TableName: table,
          Key: { id: { S: input.key } },
          UpdateExpression: input.expression,
          ConditionExpression: input.condition,
          ExpressionAttributeNames: input.names,
          ExpressionAttributeValues: input.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  };

  /** Puts one chunk, retrying what DynamoDB leaves unprocessed until the deadline; sets an error for each record it could not write. */
  const putChunk = async (group: JobRecord[], deadline: number, errors: Map<string, unknown>): Promise<void> => {
    let left = group.map((r) => ({ PutRequest: { Item: toItem(r) } }));
    for (let wait = 25; left.length; wait = Math.min(wait * 2, 1000)) {
      try {
        const out = await db.send(new dynamo.BatchWriteItemCommand({ RequestItems: { [table]: left } }), { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        left = (out.UnprocessedItems?.[table] ?? []) as typeof left;
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
  };

  return {
    async read(id) {
      const out = await db.send(new dynamo.GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
      // Every write is conditional on fields, not on a version.
      return out.Item ? { record: fromItem(out.Item), version: null } : null;
    },
    async create(record) {
      try {
        await db.send(new dynamo.PutItemCommand({ TableName: table, Item: toItem(record), ConditionExpression: 'attribute_not_exists(id)' }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async putMany(records, deadline): Promise<BatchOutcome<void>[]> {
      const errors = new Map<string, unknown>();
      await Promise.all(chunks(records, WRITE_BATCH).map((group) => putChunk(group, deadline, errors)));
      return records.map((r) => (errors.has(r.id) ? { ok: false, error: errors.get(r.id) } : { ok: true, value: undefined }));
    },
    async update(id, set, when) {
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = {};
      const sets: string[] = [];
      const removes: string[] = [];
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
      return conditional({ key: id, expression, condition: conditions.join(' AND '), names, values });
    },
    leaseIfDue(id, msg, token, now, leaseUntil) {
      return conditional({
        key: id,
        expression: 'SET #status = :running, #attempt = #attempt + :one, #token = :token, #leaseUntil = :until',
        // Queued jobs only: a condition with an OR (also taking a running job whose lease ran out) cost
        // twice as much on dynalite; that rare case reads first (record-queue-backend.ts, "accept").
        condition: '#msg = :msg AND #status = :queued AND #runAt <= :now',
        names: { '#status': 'status', '#attempt': 'attempt', '#token': 'token', '#leaseUntil': 'leaseUntil', '#msg': 'msg', '#runAt': 'runAt' },
        values: { ':running': { S: 'running' }, ':queued': { S: 'queued' }, ':one': { N: '1' }, ':token': { S: token }, ':until': { N: String(leaseUntil) }, ':msg': { S: msg }, ':now': { N: String(now) } },
      });
    },
    /** A full table scan (`gati effects` listings and counts, not the hot path). */
    async all() {
      const out: JobRecord[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await db.send(new dynamo.ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const item of page.Items ?? []) out.push(fromItem(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
    async close() {
      db.destroy();
    },
  };
}
