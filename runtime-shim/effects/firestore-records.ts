// Firestore as the record store of the pubsub backend (record-queue.ts): one document per job in a
// collection, written with create (fails when the id exists: idempotency keys) and update with a
// last-update-time precondition (the compare-and-set). The new records of one event-loop turn go out
// together, each create still conditional; so do the compare-and-sets of one turn (claims,
// heartbeats, completions), and its reads go out as one getAll. The writes of a turn are first tried
// as one atomic commit (cheap), and taken one by one through a BulkWriter (up to 20 writes a
// request, each answered on its own) when that fails: a key already used, a stale version. Pub/Sub keeps no state of its own to list or
// count, and Firestore is GCP's serverless store with the conditional writes this needs, as
// DynamoDB is for SQS. Project and emulator come from GOOGLE_CLOUD_PROJECT and FIRESTORE_EMULATOR_HOST.
import type { DocumentData, Firestore, Timestamp, WriteBatch } from '@google-cloud/firestore';
import type { JobRecord, JobRecords } from './record-queue.js';
import type { BatchOutcome } from './tick-batcher.js';

type FirestoreModule = typeof import('@google-cloud/firestore');

/** Fields a record may lack: written as null, so that a replace removes them. */
const OPTIONAL: (keyof JobRecord)[] = ['lastError', 'key', 'token', 'leaseUntil', 'traceparent'];

function toDoc(record: JobRecord): DocumentData {
  const doc: DocumentData = { ...record };
  for (const k of OPTIONAL) doc[k] = record[k] ?? null;
  return doc;
}

function fromDoc(doc: DocumentData): JobRecord {
  const record = { ...doc };
  for (const k of OPTIONAL) if (record[k] === null) delete record[k];
  return record as JobRecord;
}

const code = (error: unknown) => (error as { code?: number }).code;
/** gRPC status codes: ALREADY_EXISTS, NOT_FOUND, FAILED_PRECONDITION. */
const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
/** A commit holds at most 500 writes. */
const COMMIT_MAX = 500;

/**
 * The writes of one turn as one atomic commit: on the emulator several times cheaper per write than
 * a BulkWriter, which answers each write on its own. All or nothing, so it is tried only where
 * every write should succeed (fresh random ids, compare-and-sets on distinct documents): the
 * results in order, or null when it failed (one write's precondition, a request too large, the
 * service) and the BulkWriter should take the writes one by one to answer each.
 */
async function commitAll<T>(db: Firestore, items: T[], add: (batch: WriteBatch, item: T) => void): Promise<Timestamp[] | null> {
  if (items.length > COMMIT_MAX) return null;
  const batch = db.batch();
  for (const item of items) add(batch, item);
  try {
    return (await batch.commit()).map((r) => r.writeTime);
  } catch {
    return null;
  }
}

export function openFirestoreRecords(firestoreModule: FirestoreModule, collectionName: string): JobRecords {
  const db = new firestoreModule.Firestore();
  const jobs = db.collection(collectionName);
  return {
    async read(id) {
      const snap = await jobs.doc(id).get();
      return snap.exists ? { record: fromDoc(snap.data()!), version: snap.updateTime } : null;
    },
    async create(record) {
      try {
        await jobs.doc(record.id).create(toDoc(record));
        return true;
      } catch (error) {
        if (code(error) === ALREADY_EXISTS) return false;
        throw error;
      }
    },
    async createMany(records) {
      // Jobs without a key have fresh random ids: their creates normally all succeed.
      if (records.every((r) => r.key === undefined) && (await commitAll(db, records, (b, r) => b.create(jobs.doc(r.id), toDoc(r))))) {
        return records.map((): BatchOutcome<boolean> => ({ ok: true, value: true }));
      }
      const writer = db.bulkWriter({ throttling: false });
      // Settled before close() so that no refusal goes unhandled; transient errors are retried by the writer.
      const outcomes = records.map((r) =>
        writer.create(jobs.doc(r.id), toDoc(r)).then(
          (): BatchOutcome<boolean> => ({ ok: true, value: true }),
          (error: unknown): BatchOutcome<boolean> => (code(error) === ALREADY_EXISTS ? { ok: true, value: false } : { ok: false, error }),
        ),
      );
      await writer.close();
      return Promise.all(outcomes);
    },
    async readMany(ids) {
      // One getAll for the reads of a turn (an id asked twice is read once).
      const unique = [...new Set(ids)];
      const snaps = await db.getAll(...unique.map((id) => jobs.doc(id)));
      const byId = new Map(snaps.map((snap, i) => [unique[i]!, snap.exists ? { record: fromDoc(snap.data()!), version: snap.updateTime } : null]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    async replaceMany(items) {
      const distinct = new Set(items.map((i) => i.record.id)).size === items.length;
      const times = distinct ? await commitAll(db, items, (b, { record, version }) => b.update(jobs.doc(record.id), toDoc(record), { lastUpdateTime: version as Timestamp })) : null;
      if (times) return times.map((version): BatchOutcome<{ version: unknown } | null> => ({ ok: true, value: { version } }));
      const writer = db.bulkWriter({ throttling: false });
      // Each update keeps its own precondition, and so its own answer: the new version, or null when stale.
      const outcomes = items.map(({ record, version }) =>
        writer.update(jobs.doc(record.id), toDoc(record), { lastUpdateTime: version as Timestamp }).then(
          (result): BatchOutcome<{ version: unknown } | null> => ({ ok: true, value: { version: result.writeTime } }),
          (error: unknown): BatchOutcome<{ version: unknown } | null> =>
            code(error) === FAILED_PRECONDITION || code(error) === NOT_FOUND ? { ok: true, value: null } : { ok: false, error },
        ),
      );
      await writer.close();
      return Promise.all(outcomes);
    },
    async replace(record, version) {
      try {
        // The write's time is the document's new update time: the next compare-and-set needs no read.
        return { version: (await jobs.doc(record.id).update(toDoc(record), { lastUpdateTime: version as Timestamp })).writeTime };
      } catch (error) {
        if (code(error) === FAILED_PRECONDITION || code(error) === NOT_FOUND) return null;
        throw error;
      }
    },
    async all() {
      return (await jobs.get()).docs.map((d) => fromDoc(d.data()));
    },
    async close() {
      await db.terminate();
    },
  };
}
