// The logs histogram's volume rollup on the real PostgreSQL: LogStore adds each batch's counts per
// minute, service and severity range to log_volume_minutes in the batch's own transaction (a batch
// written again under its id counts once), and GET /api/logs/volume answers from those counts for
// the whole minutes of a range and from the records for its part-minutes: the same totals as
// counting every record, per bucket too when buckets are whole minutes from a minute's start.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GET as getVolume } from '../../app/api/logs/volume/route';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { LOG_COPY_TARGET, encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { applyMigrations } from '../../lib/db/migrator';
import { disconnectDb } from '../../lib/db/prisma';
import { emptyLogRecord, type LogRecord } from '../../lib/domain/logs/model';
import { severityName } from '../../lib/domain/logs/severity';
import { migrateDatabase, migrateUntil } from '../support/migrate';
import { serviceLogBatch } from '../support/shop-log-batch';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

// 2026-11-20 00:00:00 UTC, a minute's start; records over the next 90 minutes.
const T0_MS = 1_763_596_800_000;
const SERVICES = ['api', 'web', 'db'];
const SEVERITIES = [0, 5, 9, 9, 9, 13, 17, 21];

let database: ScratchDatabase;
let db: SqlExecutor;
const written: Array<{ timeMs: number; service: string; severity: number }> = [];

function recordsFor(service: string, count: number, seed: number, sink: typeof written = written): LogRecord[] {
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    // Spread over 90 minutes at uneven offsets (some exactly on a minute's start).
    const offsetMs = i % 17 === 0 ? Math.floor((i * 7919 + seed) % 90) * 60_000 : (i * 104_729 + seed * 31) % 5_400_000;
    const severity = SEVERITIES[(i + seed) % SEVERITIES.length]!;
    sink.push({ timeMs: T0_MS + offsetMs, service, severity });
    records.push({ ...emptyLogRecord(), timeUnixNano: BigInt(T0_MS + offsetMs) * 1_000_000n + 123n, observedTimeUnixNano: BigInt(T0_MS) * 1_000_000n, severityNumber: severity, body: `r${i}` });
  }
  return records;
}

before(async () => {
  database = await createScratchDatabase('meshlight_logs_volume');
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => T0_MS + 3_600_000);
  await partitions.load();
  const store = new LogStore(db, partitions);
  for (const [n, service] of SERVICES.entries()) {
    const rows = encodeLogRows(serviceLogBatch(service, recordsFor(service, 400 + 100 * n, n)));
    await store.write(rows, `batch-${service}`);
    await store.write(rows, `batch-${service}`); // written again under its id (a retry): counted once
  }
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  await disconnectDb();
  await db?.close();
  await database?.drop();
});

async function volume(params: string): Promise<{ stepMs: number; buckets: Array<{ t: number; counts: Record<string, number> }> }> {
  const response = await getVolume(new Request(`http://meshlight.test/api/logs/volume?${params}`), {});
  assert.equal(response.status, 200);
  return response.json();
}

/** What counting every written record gives: totals per severity range, and per bucket by the record's time. */
function expected(startMs: number, endMs: number, stepMs: number, filter: (r: (typeof written)[number]) => boolean) {
  const totals: Record<string, number> = {};
  const perBucket = new Map<number, Record<string, number>>();
  for (const r of written) {
    if (r.timeMs < startMs || r.timeMs > endMs || !filter(r)) continue;
    const name = severityName(r.severity);
    totals[name] = (totals[name] ?? 0) + 1;
    const bucket = Math.min(Math.floor((r.timeMs - startMs) / stepMs), 59);
    const counts = perBucket.get(bucket) ?? {};
    counts[name] = (counts[name] ?? 0) + 1;
    perBucket.set(bucket, counts);
  }
  return { totals, perBucket };
}

function totalsOf(v: Awaited<ReturnType<typeof volume>>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const bucket of v.buckets) for (const [name, n] of Object.entries(bucket.counts)) totals[name] = (totals[name] ?? 0) + n;
  return totals;
}

test('the rollup holds every record once, by minute, service and severity range', async () => {
  const [row] = await db.query<{ rollup: string; records: string }>(
    `SELECT (SELECT sum(records) FROM log_volume_minutes)::text AS rollup, (SELECT count(*) FROM logs)::text AS records`,
  );
  assert.equal(row!.records, String(written.length));
  assert.equal(row!.rollup, String(written.length), 'a batch written twice under its id is counted once');
});

test('whole-minute buckets from a minute start: every bucket as counting the records gives', async () => {
  const startMs = T0_MS;
  const endMs = T0_MS + 120 * 60_000; // 60 buckets of 2 minutes
  const v = await volume(`start=${startMs}&end=${endMs}`);
  assert.equal(v.stepMs, 120_000);
  const { perBucket, totals } = expected(startMs, endMs, v.stepMs, () => true);
  v.buckets.forEach((bucket, i) => assert.deepEqual(bucket.counts, perBucket.get(i) ?? {}, `bucket ${i}`));
  assert.deepEqual(totalsOf(v), totals);
});

test('a range starting and ending inside minutes: exact totals, with service and severity filters', async () => {
  const startMs = T0_MS + 17_250;
  const endMs = T0_MS + 83 * 60_000 + 41_500;
  for (const [params, filter] of [
    ['', () => true],
    ['&service=web', (r: (typeof written)[number]) => r.service === 'web'],
    ['&severity=info,error', (r: (typeof written)[number]) => r.severity === 9 || r.severity === 17],
    ['&service=db&severity=fatal', (r: (typeof written)[number]) => r.service === 'db' && r.severity === 21],
  ] as const) {
    const v = await volume(`start=${startMs}&end=${endMs}${params}`);
    assert.deepEqual(totalsOf(v), expected(startMs, endMs, v.stepMs, filter).totals, params || 'no filter');
  }
});

test('short ranges and text filters count the records themselves', async () => {
  const startMs = T0_MS + 5 * 60_000 + 3_000;
  const short = await volume(`start=${startMs}&end=${startMs + 50_000}`);
  assert.deepEqual(totalsOf(short), expected(startMs, startMs + 50_000, short.stepMs, () => true).totals);
  const text = await volume(`start=${T0_MS}&end=${T0_MS + 90 * 60_000}&q=r1`);
  const sum = Object.values(totalsOf(text)).reduce((a, b) => a + b, 0);
  const [row] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM logs WHERE body ILIKE 'r1%'`);
  assert.equal(sum, Number(row!.n));
});

test('the migration counts the records stored before it', async () => {
  const scratch = await createScratchDatabase('meshlight_logs_volume_migration');
  const executor = createPgExecutor(scratch.url, 1);
  try {
    await migrateUntil(executor, '20261129190000');
    const partitions = createLogPartitions(executor, { retentionDays: 7, futureDays: 1 }, () => T0_MS + 3_600_000);
    await partitions.load();
    await partitions.ensureDays([Math.floor(T0_MS / 86_400_000)]);
    const rows = encodeLogRows(serviceLogBatch('api', recordsFor('api', 50, 9, []).concat({ ...emptyLogRecord(), timeUnixNano: BigInt(T0_MS) * 1_000_000n - 1n, severityNumber: 17, body: 'before the minute' })));
    await executor.copyFrom(LOG_COPY_TARGET, rows.copyBytes);
    await applyMigrations(executor);
    const counted = await executor.query<{ minute_ms: string; service_name: string; severity_group: number; records: string }>(
      'SELECT minute_ms::text, service_name, severity_group, records::text FROM log_volume_minutes ORDER BY 1, 2, 3',
    );
    assert.deepEqual(
      counted.map((r) => [Number(r.minute_ms), r.service_name, r.severity_group, Number(r.records)]),
      rows.volume,
      'the same counts the collector keeps',
    );
  } finally {
    await executor.close();
    await scratch.drop();
  }
});
