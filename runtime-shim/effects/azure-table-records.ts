// Azure Table Storage as the record store of the azure-queue backend (record-queue.ts), in the same
// storage account as the queue: one entity per job (partition key: the job id), its record as JSON
// in one property (a table's integers are 32-bit; epoch milliseconds are not). Created with
// createEntity (fails when the id exists: idempotency keys), replaced with an ETag match (the
// compare-and-set).
import type { JobRecord, JobRecords } from './record-queue.js';

import type { TableClient } from '@azure/data-tables';

const ROW = 'job';
const status = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** `create`: create the table when missing (not through an identity: the deploy template made it). */
export async function openAzureTableRecords(table: TableClient, create: boolean): Promise<JobRecords> {
  if (create) await table.createTable(); // no-op when it exists
  const entity = (record: JobRecord) => ({ partitionKey: record.id, rowKey: ROW, record: JSON.stringify(record) });
  return {
    async read(id) {
      try {
        const e = await table.getEntity<{ record: string }>(id, ROW);
        return { record: JSON.parse(e.record) as JobRecord, version: e.etag };
      } catch (error) {
        if (status(error) === 404) return null;
        throw error;
      }
    },
    async create(record) {
      try {
        await table.createEntity(entity(record));
        return true;
      } catch (error) {
        if (status(error) === 409) return false;
        throw error;
      }
    },
    async replace(record, version) {
      try {
        const out = await table.updateEntity(entity(record), 'Replace', { etag: version as string });
        // Without an ETag in the answer the next write reads first (a null version never matches).
        return { version: out.etag ?? null };
      } catch (error) {
        if (status(error) === 412 || status(error) === 404) return null;
        throw error;
      }
    },
    async all() {
      const out: JobRecord[] = [];
      for await (const e of table.listEntities<{ record: string }>()) out.push(JSON.parse(e.record) as JobRecord);
      return out;
    },
    async close() {},
  };
}
