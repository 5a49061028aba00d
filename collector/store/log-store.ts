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
import type { SqlExecutor } from './sql-executor';

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
    });
    this.dictionary.committed(dictionary);
    this.correlations.committed(links);
  }
}
