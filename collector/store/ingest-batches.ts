// The exactly-once marker every signal's store writes (table ingest_batches): a batch's id is
// inserted in the same transaction as its rows. Claiming an id that is already there means the
// batch was committed before (its COMMIT's acknowledgement was lost, or it was spooled after being
// written), and the store then writes nothing.
import type { SqlExecutor, SqlSession } from './sql-executor';

/** Inserts `batchId`; false when it was already committed, and the batch must be skipped. */
export async function claimBatch(session: SqlSession, signal: string, batchId: string): Promise<boolean> {
  const rows = await session.query(
    'INSERT INTO ingest_batches (id, signal) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1 AS claimed',
    [batchId, signal],
  );
  return rows.length > 0;
}

/** Forgets the ids of batches written before `cutoffMs` (retention; a retry never comes that late). */
export async function forgetBatchesBefore(db: SqlExecutor, cutoffMs: number): Promise<number> {
  const rows = await db.query<{ n: bigint | number }>(
    'WITH gone AS (DELETE FROM ingest_batches WHERE written_at < to_timestamp($1::bigint / 1000.0) RETURNING 1) SELECT count(*) AS n FROM gone',
    [cutoffMs],
  );
  return Number(rows[0]?.n ?? 0);
}
