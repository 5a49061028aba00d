// `npx tsx scripts/bench-wal.ts`: bytes of WAL and of storage per span, measured on a private
// PostgreSQL 15 cluster (initdb in a temp dir, so nothing else writes to its WAL; needs root to run
// it as the postgres user). Loads BENCH_SPANS bench spans (20 attributes) through the collector's
// own migrations and COPY encoding, and prints WAL bytes/span (default full_page_writes, after a
// checkpoint, so the first touch of each page costs a full-page image as in production) and stored
// bytes/span. Used for docs/scaling.md's disk and replication-bandwidth arithmetic.
import os from 'node:os';
import pg from 'pg';
import { decodeTraceRequestProto } from '../collector/receivers/otlp/decode-trace-proto';
import { createPgExecutor } from '../collector/store/pg-executor';
import { PartitionManager } from '../collector/store/partitions';
import { encodeSpanRows, SPAN_COPY_TARGET } from '../collector/store/span-rows';
import { SPANS_TABLE } from '../collector/signals/trace-signal';
import { applyMigrations } from '../lib/db/migrator';
import { startPrimary } from '../tests/support/postgres-cluster';
import { makeSpans, toRequests } from './bench-data';

const TOTAL = Number(process.env.BENCH_SPANS ?? 50_000);

async function main(): Promise<void> {
  const cluster = await startPrimary();
  try {
    const admin = new pg.Client(cluster.url());
    await admin.connect();
    await admin.query('CREATE DATABASE meshlight');
    await admin.end();
    const url = cluster.url('meshlight');
    const db = createPgExecutor(url, 2);
    await applyMigrations(db);
    await new PartitionManager(db, SPANS_TABLE, { retentionDays: 7, futureDays: 1 }).ensureUpcoming();
    const rows = toRequests(makeSpans(TOTAL), 512).map((r) => encodeSpanRows(decodeTraceRequestProto(r)).copyText);
    const client = new pg.Client(url);
    await client.connect();
    await client.query('CHECKPOINT');
    const before = (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    const t0 = performance.now();
    for (const text of rows) await db.copyFrom(SPAN_COPY_TARGET, text);
    const seconds = (performance.now() - t0) / 1000;
    const { rows: [wal] } = await client.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS bytes', [before]);
    const { rows: [stored] } = await client.query<{ spans: string; bytes: string }>(
      `SELECT (SELECT count(*) FROM spans) AS spans,
              (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'spans') AS bytes`,
    );
    const spans = Number(stored!.spans);
    console.log(`spans loaded         ${spans} (${Math.round(spans / seconds)} spans/s, one COPY stream, fsync off)`);
    console.log(`WAL per span         ${Math.round(Number(wal!.bytes) / spans)} bytes (full_page_writes on, after a checkpoint)`);
    console.log(`stored per span      ${Math.round(Number(stored!.bytes) / spans)} bytes (table + indexes)`);
    console.log(`load average         ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
    await client.end();
    await db.close();
  } finally {
    cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
