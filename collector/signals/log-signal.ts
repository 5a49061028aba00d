// The logs signal: what the generic pipeline (collector/pipeline/) needs to know about log records.
// Decoded LogBatch → LogRows (COPY text + dictionary rows + correlation links, store/log-rows.ts)
// → LogStore. Also the trace signal's observer that learns, from span attributes, which traces a
// correlation id belongs to. The wire side is receivers/logs-intake.ts (OTLP, Loki push, JSON lines).
import { correlationLinksOfSpans } from '../../lib/domain/logs/correlation';
import type { LogBatch } from '../../lib/domain/logs/model';
import type { TraceBatch } from '../../lib/domain/model';
import type { BatchObserver, RowsCodec, SignalDefinition } from '../pipeline/signal';
import { CommonTerms } from '../store/common-terms';
import type { CorrelationStore } from '../store/correlation-store';
import { describeLogRows, encodeLogRows, logRowsBytes, logRowsFromBinary, logRowsFromJson, logRowsToBinary, logRowsToJson, mergeLogRows, splitLogRows, type LogRows } from '../store/log-rows';
import { LogStore } from '../store/log-store';
import type { PartitionManager } from '../store/partitions';
import type { SqlExecutor } from '../store/sql-executor';

export const logRowsCodec: RowsCodec<LogRows> = {
  count: (rows) => rows.recordCount,
  bytes: logRowsBytes,
  merge: mergeLogRows,
  split: splitLogRows,
  describe: describeLogRows,
  toJson: logRowsToJson,
  fromJson: logRowsFromJson,
  toBinary: logRowsToBinary,
  fromBinary: logRowsFromBinary,
};

export interface LogSignalOptions {
  db: SqlExecutor;
  partitions: PartitionManager;
  maxQueuedRecords: number;
  /** See every accepted batch (the live tail). */
  observers?: readonly BatchObserver<LogBatch>[];
  /** A common term could not be recorded (it stays indexed; it is proposed again later), or the list not refreshed. */
  onTermsError?: (error: unknown) => void;
}

export function logSignal(options: LogSignalOptions): SignalDefinition<LogBatch, LogRows> & { store: LogStore; terms: CommonTerms } {
  const terms = new CommonTerms(options.db, options.onTermsError ?? (() => {}));
  return {
    name: 'logs',
    unit: 'log_records',
    outcome: (batch) => ({ accepted: batch.recordCount, rejected: batch.rejectedRecords, errorMessage: batch.rejectionMessage }),
    encode: (batch) => encodeLogRows(batch, terms.learner),
    rows: logRowsCodec,
    store: new LogStore(options.db, options.partitions),
    terms,
    maxQueuedItems: options.maxQueuedRecords,
    observers: options.observers ?? [],
  };
}

export interface CorrelationObserverStats {
  linksWritten: number;
  failures: number;
}

/**
 * Sees every accepted trace batch and records the (correlation id, trace id) pairs its spans carry
 * under `keys`. Writes are fire-and-forget (observers must not block or throw); a failure is counted
 * and logged, and the pair is learned again from the next span that carries it.
 */
export function correlationObserver(
  store: CorrelationStore,
  keys: readonly string[],
  onError: (error: unknown) => void,
): BatchObserver<TraceBatch> & { stats: CorrelationObserverStats; idle(): Promise<void> } {
  const stats: CorrelationObserverStats = { linksWritten: 0, failures: 0 };
  const pending = new Set<Promise<void>>();
  return {
    stats,
    observe(batch) {
      const links = correlationLinksOfSpans(batch.resourceSpans, keys);
      if (links.length === 0) return;
      const write = store.record(links).then(
        () => {
          stats.linksWritten += links.length;
        },
        (error: unknown) => {
          stats.failures++;
          onError(error);
        },
      );
      pending.add(write);
      void write.finally(() => pending.delete(write));
    },
    /** Resolves once every write started so far has finished (shutdown, tests). */
    async idle() {
      await Promise.all([...pending]);
    },
  };
}
