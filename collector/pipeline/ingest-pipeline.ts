// The ingest pipeline of every signal, written once: for each SignalDefinition a lane of its own
// (queue, writers, stats) under one shared memory budget, the one export() its receivers call, the
// shutdown spool and its replay, /metrics and /health. After the OpenTelemetry Collector's
// consumer.Traces/Metrics/Logs, but with one generic implementation instead of three.
import type { SignalGauges } from './collector-stats';
import { SignalStats, signalsToPrometheus } from './collector-stats';
import { BatchWriter, type BatchWriterOptions, type Logger } from './batch-writer';
import { RetryableError } from './errors';
import { MemoryBudget } from './memory-budget';
import type { AnySignalDefinition, ExportResult, SignalDefinition } from './signal';
import { SignalQueue, type QueuedRows } from './signal-queue';
import { spoolRows, unspoolRows } from './spool';
import { WriteAheadLog, type WalFsync } from './write-ahead-log';

export interface IngestPipelineOptions {
  /** The memory budget every signal's queue shares (bytes of encoded rows). */
  maxQueuedBytes: number;
  writers: BatchWriterOptions;
  spoolDir: string;
  /** A write-ahead log per signal under `dir/<signal>`; absent = acknowledge once queued in memory. */
  wal?: { dir: string; fsync: WalFsync; maxBytes: number; segmentBytes: number };
}

/** One signal's queue, writers and counters. */
export class SignalLane<Batch, Rows> {
  readonly stats: SignalStats;
  readonly queue: SignalQueue<Rows>;
  readonly writer: BatchWriter<Rows>;
  private wal: WriteAheadLog<Rows> | undefined;

  constructor(
    readonly definition: SignalDefinition<Batch, Rows>,
    budget: MemoryBudget,
    options: BatchWriterOptions,
    log: Logger,
  ) {
    this.stats = new SignalStats(definition.name, definition.unit);
    this.queue = new SignalQueue<Rows>(definition.maxQueuedItems, budget);
    const writers = definition.writers === undefined ? options.writers : Math.min(options.writers, definition.writers);
    this.writer = new BatchWriter(definition.name, this.queue, definition.rows, definition.store, { ...options, writers }, this.stats, log);
  }

  /** Gives the lane its write-ahead log; returns what the log held to queue again. */
  async openWal(options: NonNullable<IngestPipelineOptions['wal']>, log: Logger): Promise<number> {
    const { wal, replay } = await WriteAheadLog.open(this.definition.rows, { ...options, dir: `${options.dir}/${this.definition.name}` }, log);
    this.wal = wal;
    this.writer.journal = wal;
    this.queue.putBack(replay);
    return replay.reduce((n, item) => n + item.count, 0);
  }

  /**
   * Turns a decoded batch into rows and queues them, or refuses the whole request with a retryable
   * error (queue full, write-ahead log full, database down) so the client retries it. With a
   * write-ahead log, resolves only once the rows are in it (durable, per its fsync policy).
   */
  export(batch: Batch): ExportResult | Promise<ExportResult> {
    const outcome = this.definition.outcome(batch);
    let durable: Promise<void> | undefined;
    try {
      // With a write-ahead log, a database outage is no reason to refuse: accepted rows are durable
      // in the log and wait in the queue (bounded by checkRoom) until the database is back.
      if (!this.writer.storageAvailable && !this.wal) {
        throw new RetryableError('storage-unavailable', 'database unavailable; accepted data is being held, retry later', 5);
      }
      if (outcome.accepted > 0) {
        const rows = this.definition.encode(batch);
        const codec = this.definition.rows;
        const item: QueuedRows<Rows> = { rows, count: codec.count(rows), bytes: codec.bytes(rows) };
        this.queue.checkRoom(item);
        if (this.wal) {
          const appended = this.wal.append(rows);
          item.walRecords = [appended.id];
          durable = appended.durable;
        }
        this.queue.offer(item);
      }
    } catch (error) {
      if (error instanceof RetryableError) this.stats.refused(error.reason);
      throw error;
    }
    if (outcome.accepted > 0) for (const observer of this.definition.observers ?? []) observer.observe(batch);
    this.stats.accepted += outcome.accepted;
    this.stats.rejected += outcome.rejected;
    const result = { rejected: outcome.rejected, errorMessage: outcome.errorMessage };
    if (!durable) return result;
    return durable.then(
      () => result,
      (error: unknown) => {
        if (error instanceof RetryableError) this.stats.refused(error.reason);
        throw error;
      },
    );
  }

  /** Bytes of the write-ahead log on disk (undefined without one). */
  get walBytes(): number | undefined {
    return this.wal?.bytesOnDisk;
  }

  async closeWal(crash = false): Promise<void> {
    if (crash) await this.wal?.abandon();
    else await this.wal?.close();
  }

  get gauges(): SignalGauges {
    return { queuedItems: this.queue.queuedItems, queuedBytes: this.queue.queuedBytes, storageAvailable: this.writer.storageAvailable };
  }

  /** Everything accepted so far is written (or refused by the database) and nothing is queued. */
  get flushed(): boolean {
    return this.stats.settled && this.queue.queuedItems === 0 && this.writer.inFlight === 0;
  }
}

export class IngestPipeline {
  readonly budget: MemoryBudget;
  private readonly lanes = new Map<string, SignalLane<unknown, unknown>>();

  constructor(
    signals: readonly AnySignalDefinition[],
    private readonly options: IngestPipelineOptions,
    private readonly log: Logger,
  ) {
    this.budget = new MemoryBudget(options.maxQueuedBytes);
    for (const definition of signals) {
      if (this.lanes.has(definition.name)) throw new Error(`signal ${definition.name} is defined twice`);
      this.lanes.set(definition.name, new SignalLane(definition, this.budget, options.writers, log));
    }
  }

  /** The lane of a signal; throws for a signal that was not defined (a wiring bug). */
  lane<Batch = unknown>(name: string): SignalLane<Batch, unknown> {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`no signal named ${name}`);
    return lane as SignalLane<Batch, unknown>;
  }

  get all(): SignalLane<unknown, unknown>[] {
    return [...this.lanes.values()];
  }

  /**
   * Opens each signal's write-ahead log (when configured) and queues what it holds with the batch
   * ids it was sealed under, then what an older shutdown spooled. Call before receivers listen.
   */
  async replay(): Promise<void> {
    const wal = this.options.wal;
    if (wal) {
      for (const lane of this.lanes.values()) {
        const items = await lane.openWal(wal, this.log);
        if (items > 0) this.log.info(`re-queued ${lane.definition.unit} from the write-ahead log`, { [lane.definition.unit]: items });
      }
    }
    await this.replaySpool();
  }

  /** Queues what the last shutdown spooled. Call before start(). */
  async replaySpool(): Promise<void> {
    for (const lane of this.lanes.values()) {
      const items = await unspoolRows(this.options.spoolDir, lane.definition.unit, lane.definition.rows);
      if (items.length === 0) continue;
      lane.queue.putBack(items);
      this.log.info(`re-queued ${lane.definition.unit} spooled at the last shutdown`, { [lane.definition.unit]: items.reduce((n, i) => n + i.count, 0) });
    }
  }

  /** Storage is not reachable yet: until start(), receivers refuse with 503 unless a write-ahead log holds what they accept. */
  markUnavailable(): void {
    for (const lane of this.lanes.values()) lane.writer.markUnavailable();
  }

  start(): void {
    for (const lane of this.lanes.values()) lane.writer.start();
  }

  /**
   * Writes what it can until `deadlineMs`; what is left stays in the write-ahead log or, without
   * one, is spooled to disk.
   */
  async stop(deadlineMs: number, writersStarted = true): Promise<void> {
    if (writersStarted) await Promise.all(this.all.map((lane) => lane.writer.stop(deadlineMs)));
    else for (const lane of this.lanes.values()) lane.queue.close();
    if (this.options.wal) {
      for (const lane of this.lanes.values()) await lane.closeWal();
      return;
    }
    for (const lane of this.lanes.values()) {
      const left = lane.queue.drainAll();
      if (left.length === 0) continue;
      const file = await spoolRows(this.options.spoolDir, lane.definition.unit, lane.definition.rows, left);
      this.log.warn(`database unavailable at shutdown; spooled accepted ${lane.definition.unit} to disk`, {
        file,
        [lane.definition.unit]: left.reduce((n, i) => n + i.count, 0),
      });
    }
  }

  /** Stops as a crash would: nothing drained, nothing more written to the log (tests). */
  async crash(): Promise<void> {
    for (const lane of this.lanes.values()) {
      void lane.writer.stop(0);
      lane.queue.drainAll();
      await lane.closeWal(true);
    }
  }

  get storageAvailable(): boolean {
    return this.all.every((lane) => lane.writer.storageAvailable);
  }

  get flushed(): boolean {
    return this.all.every((lane) => lane.flushed);
  }

  metricsText(): string {
    return signalsToPrometheus(this.all.map((lane) => ({ stats: lane.stats, gauges: lane.gauges }))) + budgetMetrics(this.budget) + walMetrics(this.all);
  }

  /**
   * /health: overall status, per signal, and for each signal its unit-named figures at the top
   * level too (`queuedSpans`, `spansWritten`, ...), the shape /health has always had for traces.
   */
  health(): { status: 'ok' | 'degraded'; [key: string]: unknown } {
    const signals: Record<string, unknown> = {};
    const flat: Record<string, unknown> = {};
    for (const lane of this.lanes.values()) {
      const g = lane.gauges;
      const s = lane.stats;
      signals[lane.definition.name] = { storageAvailable: g.storageAvailable, queued: g.queuedItems, queuedBytes: g.queuedBytes, accepted: s.accepted, written: s.written };
      const unit = camel(lane.definition.unit);
      flat[`queued${unit[0]!.toUpperCase()}${unit.slice(1)}`] = g.queuedItems;
      flat[`${unit}Written`] = s.written;
    }
    return {
      status: this.storageAvailable ? 'ok' : 'degraded',
      ...flat,
      queuedBytes: this.budget.usedBytes,
      storageAvailable: this.storageAvailable,
      signals,
    };
  }
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function walMetrics(lanes: readonly SignalLane<unknown, unknown>[]): string {
  const lines = lanes.filter((lane) => lane.walBytes !== undefined).map((lane) => `meshlight_wal_bytes{signal="${lane.definition.name}"} ${lane.walBytes}\n`);
  if (lines.length === 0) return '';
  return '# HELP meshlight_wal_bytes Bytes of the signal\'s write-ahead log on disk (rows not yet known to be in the database).\n# TYPE meshlight_wal_bytes gauge\n' + lines.join('');
}

function budgetMetrics(budget: MemoryBudget): string {
  return (
    '# HELP meshlight_queue_budget_bytes The memory budget all signal queues share.\n' +
    '# TYPE meshlight_queue_budget_bytes gauge\n' +
    `meshlight_queue_budget_bytes ${budget.maxBytes}\n`
  );
}
