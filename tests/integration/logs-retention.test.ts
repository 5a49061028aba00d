// Logs partitions and retention on the real PostgreSQL, with a fake clock: records of a day inside
// the window get that day's logs_p partition, older ones land in logs_default; retention drops
// partitions past MESHLIGHT_LOGS_RETENTION_DAYS and old default rows, leaves spans' partitions
// alone, and forgets old correlation links.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CorrelationStore } from '../../collector/store/correlation-store';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { SPANS_TABLE } from '../../collector/signals/trace-signal';
import { retentionCutoffNs } from '../../collector/store/partition-plan';
import { PartitionManager } from '../../collector/store/partitions';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { emptyLogRecord, type LogBatch } from '../../lib/domain/logs/model';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const DAY_MS = 86_400_000;
const TODAY = 20_413; // 2025-11-21
let nowMs = TODAY * DAY_MS + 3_600_000;
let database: ScratchDatabase;
let db: SqlExecutor;

function batchAt(days: number[]): LogBatch {
  const records = days.map((day) => ({
    ...emptyLogRecord(),
    timeUnixNano: BigInt(day * DAY_MS + 1000) * 1_000_000n,
    body: `day ${day}`,
    traceId: 'ab'.repeat(16),
    correlationId: `c-${day}`,
  }));
  return {
    resourceLogs: [{ resource: { attributes: {}, droppedAttributesCount: 0 }, serviceName: 'api', schemaUrl: '', scopeLogs: [{ scope: { name: '', version: '', attributes: {} }, schemaUrl: '', records }] }],
    recordCount: records.length,
    rejectedRecords: 0,
    rejectionMessage: '',
  };
}

before(async () => {
  database = await createScratchDatabase('meshlight_logs_retention');
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 1);
});

after(async () => {
  await db?.close();
  await database?.drop();
});

async function partitionsOf(table: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

test('daily partitions inside the window, the default outside; retention drops only old logs', async () => {
  const policy = { retentionDays: 2, futureDays: 1 };
  const logs = createLogPartitions(db, policy, () => nowMs);
  const spans = new PartitionManager(db, SPANS_TABLE, policy, () => nowMs);
  await spans.ensureDays([TODAY - 2]);
  const store = new LogStore(db, logs);
  await store.write(encodeLogRows(batchAt([TODAY - 10, TODAY - 2, TODAY - 1, TODAY])));
  assert.deepEqual(await partitionsOf('logs'), ['logs_default', 'logs_p20251119', 'logs_p20251120', 'logs_p20251121']);
  const inDefault = await db.query<{ body: string }>(`SELECT body FROM logs_default`);
  assert.deepEqual(inDefault.map((r) => r.body), [`day ${TODAY - 10}`]);

  nowMs += 2 * DAY_MS; // two days later: TODAY-2 and TODAY-1 fall out of a 2-day window
  const report = await logs.applyRetention();
  assert.deepEqual(report, { table: 'logs', dropped: ['logs_p20251119', 'logs_p20251120'], deletedFromDefault: 1 });
  assert.deepEqual(await partitionsOf('logs'), ['logs_default', 'logs_p20251121']);
  assert.deepEqual(await partitionsOf('spans'), ['spans_default', 'spans_p20251119'], "spans' partitions are not the logs' business");

  const correlations = new CorrelationStore(db);
  const forgotten = await correlations.applyRetention(retentionCutoffNs(nowMs, policy));
  assert.equal(forgotten, 3);
  const left = await db.query<{ correlation_id: string }>(`SELECT correlation_id FROM correlations`);
  assert.deepEqual(left.map((r) => r.correlation_id), [`c-${TODAY}`]);
});
