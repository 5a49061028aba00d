// Writes accepted log rows, a batch in one transaction: its id (exactly once, see
// ingest-batches.ts), the dictionary rows the records reference, one COPY of all records, and the
// correlation links they teach. Partitions for the records' days are ensured first. The logs
// signal's SignalStore (collector/signals/log-signal.ts).
import type { SignalStore } from '../pipeline/signal';
import { CorrelationStore } from './correlation-store';
import { DictionaryWriter } from './dictionary-writer';
import { claimBatch } from './ingest-batches';
import { LOG_COPY_TARGET, type LogRows } from './log-rows';
import type { PartitionManager } from './partitions';
import type { SqlExecutor, SqlSession } from './sql-executor';
import { severityGroupSql, type VolumeCount } from '../../lib/domain/logs/volume';

/**
 * log_volume_minutes counted from the records stored (what migration 20261129190000 runs once; tools
 * that load records by SQL run it after). Adds to the counts there: run it on records not yet counted.
 */
export const COUNT_STORED_LOG_VOLUME_SQL = `INSERT INTO log_volume_minutes (minute_ms, service_name, severity_group, records)
SELECT floor(time_ns / 60000000000.0)::bigint * 60000, service_name,
       ${severityGroupSql('severity_number')}, count(*)
  FROM logs GROUP BY 1, 2, 3
ON CONFLICT (minute_ms, service_name, severity_group) DO UPDATE SET records = log_volume_minutes.records + EXCLUDED.records`;

/** Adds a batch's counts to log_volume_minutes (the histogram's rollup). */
async function addVolume(tx: SqlSession, volume: readonly VolumeCount[]): Promise<void> {
  if (volume.length === 0) return;
  await tx.query(
    `INSERT INTO log_volume_minutes (minute_ms, service_name, severity_group, records)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::bigint[])
     ON CONFLICT (minute_ms, service_name, severity_group) DO UPDATE SET records = log_volume_minutes.records + EXCLUDED.records`,
    [volume.map((v) => v[0]), volume.map((v) => v[1]), volume.map((v) => v[2]), volume.map((v) => v[3])],
  );
}

export class LogStore implements SignalStore<LogRows> {
  private readonly dictionary: DictionaryWriter;
  readonly correlations: CorrelationStore;
  private anonymousBatches = 0;

  constructor(
    private readonly db: SqlExecutor,
    private readonly partitions: PartitionManager,
    options: { dictionary?: DictionaryWriter; correlations?: CorrelationStore } = {},
  ) {
    this.dictionary = options.dictionary ?? new DictionaryWriter();
    this.correlations = options.correlations ?? new CorrelationStore(db);
  }

  /** `batchId` as the pipeline assigns it; tools writing directly may leave it out. */
  async write(rows: LogRows, batchId?: string): Promise<void> {
    if (rows.recordCount === 0) return;
    await this.partitions.ensureDays(rows.days);
    const dictionary = this.dictionary.due(rows.resources.values(), rows.scopes.values());
    const links = this.correlations.due(rows.correlations);
    const id = batchId ?? `direct-${process.pid}-${Date.now()}-${this.anonymousBatches++}`;
    await this.db.transaction(async (tx) => {
      if (!(await claimBatch(tx, 'logs', id))) return; // committed before: nothing to do
      await this.dictionary.write(tx, dictionary);
      await tx.copyFrom(LOG_COPY_TARGET, rows.copyBytes);
      await this.correlations.write(tx, links);
      // Last, so the rows it adds to (the current minute's, shared with every writer) stay locked
      // only until this commit; rows.volume is in one order for everyone (VolumeCounter.rows).
      await addVolume(tx, rows.volume);
    });
    this.dictionary.committed(dictionary);
    this.correlations.committed(links);
  }

  /** Forgets the volume of minutes before `cutoffMs` (with the logs' retention). */
  async applyVolumeRetention(cutoffMs: number): Promise<number> {
    const rows = await this.db.query<{ n: bigint | number }>(
      `WITH gone AS (DELETE FROM log_volume_minutes WHERE minute_ms < $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
      [cutoffMs],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
