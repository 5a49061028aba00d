// Writes accepted log rows: partitions for their days, the dictionary rows they reference, then one
// COPY of all records, then the correlation links they teach. The generic pipeline's SignalStore
// for logs (the pipeline owns batching, retries and the at-most-once batch id).
import { CorrelationStore } from './correlation-store';
import { DictionaryWriter } from './dictionary-writer';
import { LOG_COPY_TARGET, type LogRows } from './log-rows';
import type { PartitionManager } from './partitions';
import type { SqlExecutor } from './sql-executor';

export class LogStore {
  private readonly dictionary: DictionaryWriter;
  readonly correlations: CorrelationStore;

  constructor(
    private readonly db: SqlExecutor,
    private readonly partitions: PartitionManager,
    options: { dictionary?: DictionaryWriter; correlations?: CorrelationStore } = {},
  ) {
    this.dictionary = options.dictionary ?? new DictionaryWriter(db);
    this.correlations = options.correlations ?? new CorrelationStore(db);
  }

  async write(rows: LogRows): Promise<void> {
    if (rows.recordCount === 0) return;
    await this.partitions.ensureDays(rows.days);
    await this.dictionary.write(rows.resources.values(), rows.scopes.values());
    await this.db.copyFrom(LOG_COPY_TARGET, rows.copyText);
    await this.correlations.record(rows.correlations);
  }
}
