// Writer loops that drain one signal's queue into the database in batches. A database outage never
// loses accepted rows: the batch goes back to the front of the queue and is retried with backoff
// (up to `maxBackoffMs`), while receivers refuse new data with 503. Rows the database refuses as
// invalid are isolated by bisection and dropped one by one (logged and counted), so one bad row
// cannot block the rest.
//
// Exactly once: every batch gets an id before its first write, and the store writes a batch's rows
// and its id in one transaction, skipping an id already committed. A retry (the commit happened but
// its acknowledgement was lost with the connection) therefore writes nothing twice. Halves made by
// bisection get ids derived from their parent's, and splitting is deterministic, so a bisection
// interrupted by an outage resumes without duplicating the halves it already wrote.
import { randomUUID } from 'node:crypto';
import type { SignalStats } from './collector-stats';
import type { RowsCodec, SignalStore } from './signal';
import type { QueuedRows, SignalQueue } from './signal-queue';
import { isDataRejected } from '../store/sql-executor';
import type { BatchJournal } from './write-ahead-log';

export interface BatchWriterOptions {
  writers: number;
  /** Most items per database write. */
  batchItems: number;
  lingerMs: number;
  maxBackoffMs: number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export class BatchWriter<Rows> {
  private loops: Promise<void>[] = [];
  private available = true;
  private stopping = false;
  private backoffMs = 0;
  private holding = 0;
  /** The signal's write-ahead log, told when a batch gets its id and when it is written. */
  journal: BatchJournal<Rows> | undefined;

  constructor(
    private readonly signal: string,
    private readonly queue: SignalQueue<Rows>,
    private readonly codec: RowsCodec<Rows>,
    private readonly store: SignalStore<Rows>,
    private readonly options: BatchWriterOptions,
    private readonly stats: SignalStats,
    private readonly log: Logger,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** False while the database is unreachable; receivers then refuse new data. */
  get storageAvailable(): boolean {
    return this.available;
  }

  /** Items taken from the queue by a writer and not yet written or put back. */
  get inFlight(): number {
    return this.holding;
  }

  /** Marks storage unavailable before the writers start (the database is not reachable yet). */
  markUnavailable(): void {
    this.available = false;
  }

  /** Starts the writers; storage counts as available until a write fails. */
  start(): void {
    this.available = true;
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
      const parts = await this.queue.take(this.options.batchItems, this.options.lingerMs);
      if (parts.length === 0) return;
      const fresh = parts.length > 1 || parts[0]!.batchId === undefined;
      const batch = this.seal(parts);
      this.holding += batch.count;
      try {
        if (fresh && this.journal) {
          // Not logged, so not sealed: the next attempt must log it under a new id first.
          await this.journal.sealed(batch).catch((error: unknown) => {
            delete batch.batchId;
            throw error;
          });
        }
        const buffered: Promise<void>[] = [];
        const dropped = await this.writeIsolatingBadRows(batch.rows, batch.count, batch.batchId!, buffered, fresh);
        this.holding -= batch.count;
        // A buffering store (the metrics head) has the rows but not yet the database: the log keeps
        // them until it has, so a crash before then replays them.
        if (buffered.length === 0) this.journal?.written(batch);
        else if (this.journal) {
          const journal = this.journal;
          void Promise.all(buffered).then(
            () => journal.written(batch),
            () => {}, // never written in this process: replayed from the log at the next start
          );
        }
        this.onWritten(batch.count - dropped);
      } catch (error) {
        this.holding -= batch.count;
        this.stats.writeFailures++;
        this.queue.putBack([batch]);
        if (this.available) this.log.error(`database unavailable; holding accepted ${this.signal} and retrying`, { error: String(error) });
        this.available = false;
        if (this.stopping) return;
        this.backoffMs = Math.min(this.options.maxBackoffMs, Math.max(250, this.backoffMs * 2));
        await this.sleep(this.backoffMs);
      }
    }
  }

  /** One batch with an id: a sealed batch as it was, or the parts merged under a new id. */
  private seal(parts: QueuedRows<Rows>[]): QueuedRows<Rows> {
    if (parts.length === 1 && parts[0]!.batchId !== undefined) return parts[0]!;
    const rows = parts.length === 1 ? parts[0]!.rows : this.codec.merge(parts.map((p) => p.rows));
    let count = 0;
    let bytes = 0;
    for (const part of parts) {
      count += part.count;
      bytes += part.bytes;
    }
    const walRecords = parts.flatMap((p) => p.walRecords ?? []);
    return { rows, count, bytes, batchId: randomUUID(), ...(walRecords.length > 0 ? { walRecords } : {}) };
  }

  private onWritten(count: number): void {
    if (!this.available) this.log.info(`database reachable again; writing held ${this.signal}`);
    this.available = true;
    this.backoffMs = 0;
    this.stats.written += count;
    this.stats.batchesWritten++;
  }

  /**
   * Writes rows and returns how many the database refused as invalid (dropped, logged, counted).
   * Throws when the database is unavailable (or failed for any reason other than the data).
   */
  private async writeIsolatingBadRows(rows: Rows, count: number, batchId: string, buffered: Promise<void>[], newId: boolean): Promise<number> {
    try {
      const receipt = await this.store.write(rows, batchId, newId);
      if (receipt) buffered.push(receipt.persisted);
      return 0;
    } catch (error) {
      if (!isDataRejected(error)) throw error;
      if (count <= 1) {
        this.stats.droppedInvalid += count;
        this.log.warn(`database refused one of the ${this.signal}; dropped it`, { error: String(error), row: this.codec.describe(rows) });
        return count;
      }
      const [left, right] = this.codec.split(rows);
      return (
        (await this.writeIsolatingBadRows(left, this.codec.count(left), `${batchId}.0`, buffered, newId)) +
        (await this.writeIsolatingBadRows(right, this.codec.count(right), `${batchId}.1`, buffered, newId))
      );
    }
  }
}
