// Writer loops that drain the queue into the database in batches. A database outage never loses
// accepted rows: the batch goes back to the front of the queue and is retried with backoff, while
// receivers refuse new data with 503. Rows the database refuses as invalid are isolated by
// bisection and dropped one by one (logged and counted), so one bad span cannot block the rest.
import type { CollectorStats } from './collector-stats';
import type { SpanQueue } from './span-queue';
import { isDataRejected } from '../store/sql-executor';
import { mergeSpanRows, splitSpanRows, type SpanRows } from '../store/span-rows';

export interface SpanSink {
  write(rows: SpanRows): Promise<void>;
}

export interface BatchWriterOptions {
  writers: number;
  batchSpans: number;
  lingerMs: number;
  maxBackoffMs: number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export class BatchWriter {
  private loops: Promise<void>[] = [];
  private available = true;
  private stopping = false;
  private backoffMs = 0;
  private readonly written = new Set<() => void>();

  constructor(
    private readonly queue: SpanQueue,
    private readonly sink: SpanSink,
    private readonly options: BatchWriterOptions,
    private readonly stats: CollectorStats,
    private readonly log: Logger,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** False while the database is unreachable; receivers then refuse new data. */
  get storageAvailable(): boolean {
    return this.available;
  }

  start(): void {
    for (let i = 0; i < this.options.writers; i++) this.loops.push(this.loop());
  }

  /**
   * Stops after the queue is empty, or at the deadline; what could not be written stays queued.
   * Resolves only once no writer holds rows any more, so the caller can spool what is left.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.queue.close();
    const all = Promise.all(this.loops);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()))));
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    // Past the deadline: each writer finishes (or puts back) the batch it holds, then returns.
    this.stopping = true;
    await all;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const parts = await this.queue.take(this.options.batchSpans, this.options.lingerMs);
      if (parts.length === 0) return;
      const rows = mergeSpanRows(parts);
      try {
        const dropped = await this.writeIsolatingBadRows(rows);
        this.onWritten(rows.spanCount - dropped);
      } catch (error) {
        this.stats.writeFailures++;
        this.queue.putBack(parts);
        if (this.available) this.log.error('database unavailable; holding accepted spans and retrying', { error: String(error) });
        this.available = false;
        if (this.stopping) return;
        this.backoffMs = Math.min(this.options.maxBackoffMs, Math.max(250, this.backoffMs * 2));
        await this.sleep(this.backoffMs);
      }
    }
  }

  private onWritten(spanCount: number): void {
    if (!this.available) this.log.info('database reachable again; writing held spans');
    this.available = true;
    this.backoffMs = 0;
    this.stats.spansWritten += spanCount;
    this.stats.batchesWritten++;
  }

  /**
   * Writes rows and returns how many the database refused as invalid (dropped, logged, counted).
   * Throws when the database is unavailable (or failed for any reason other than the data).
   */
  private async writeIsolatingBadRows(rows: SpanRows): Promise<number> {
    try {
      await this.sink.write(rows);
      return 0;
    } catch (error) {
      if (!isDataRejected(error)) throw error;
      if (rows.spanCount <= 1) {
        this.stats.spansDroppedInvalid += rows.spanCount;
        this.log.warn('database refused a span; dropped it', { error: String(error), row: rows.copyText.slice(0, 500) });
        return rows.spanCount;
      }
      const [left, right] = splitSpanRows(rows);
      return (await this.writeIsolatingBadRows(left)) + (await this.writeIsolatingBadRows(right));
    }
  }
}
