// The one export() every OTLP trace transport calls, after the OpenTelemetry Collector's
// consumer.Traces: it turns a decoded batch into rows and queues them, or refuses the whole
// request with a retryable error (queue full, database down) so the client retries it.
import type { TraceBatch } from '../../lib/domain/model';
import { encodeSpanRows } from '../store/span-rows';
import type { CollectorStats } from './collector-stats';
import { RetryableError } from './errors';
import type { SpanQueue } from './span-queue';

export interface ExportResult {
  /** Spans refused as invalid: OTLP partial_success.rejected_spans. */
  rejectedSpans: number;
  errorMessage: string;
}

export interface StorageHealth {
  readonly storageAvailable: boolean;
}

/** Sees every batch once its spans are queued (the service graph); must not throw. */
export interface BatchObserver {
  observe(batch: TraceBatch): void;
}

export class TraceConsumer {
  constructor(
    private readonly queue: SpanQueue,
    private readonly storage: StorageHealth,
    private readonly stats: CollectorStats,
    private readonly observer?: BatchObserver,
  ) {}

  export(batch: TraceBatch): ExportResult {
    try {
      if (!this.storage.storageAvailable) {
        throw new RetryableError('storage-unavailable', 'database unavailable; accepted data is being held, retry later', 5);
      }
      if (batch.spanCount > 0) this.queue.offer(encodeSpanRows(batch));
    } catch (error) {
      if (error instanceof RetryableError) this.stats.refused(error.reason);
      throw error;
    }
    if (batch.spanCount > 0) this.observer?.observe(batch);
    this.stats.spansAccepted += batch.spanCount;
    this.stats.spansRejected += batch.rejectedSpans;
    return { rejectedSpans: batch.rejectedSpans, errorMessage: batch.rejectionMessage };
  }
}
