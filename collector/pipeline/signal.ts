// What a signal (traces, metrics, logs, ...) is to the ingest pipeline: a definition, after the
// STYLE note "Several signals, one pipeline". The queue, batch writers, spool, stats and health are
// written once in this folder and take a SignalDefinition; nothing here knows what a span is.
//
//   decoded Batch ──encode()──► Rows (compact, ready to write; counted and sized)
//   Rows ──merge()/split()──► the writer's batches, and the bisection that isolates a bad row
//   Rows ──store.write(rows, batchId)──► the database, atomically and at most once per batchId
//   Batch ──observers──► derived views (the service graph), after the rows are queued

/** How many items a decoded batch holds and what was refused: OTLP partial_success. */
export interface ExportResult {
  /** Items refused as invalid (partial_success.rejected_spans / _data_points / _log_records). */
  rejected: number;
  /** partial_success.error_message: why, or a warning; '' when there is nothing to say. */
  errorMessage: string;
}

/** Sees every batch once its rows are queued; must not throw (failures are its own to count). */
export interface BatchObserver<Batch> {
  observe(batch: Batch): void;
}

/** toBinary's result as one buffer, as the write-ahead log gives it back to fromBinary. */
export function joinedBinary(binary: Buffer | readonly Buffer[]): Buffer {
  return Array.isArray(binary) ? Buffer.concat(binary as readonly Buffer[]) : (binary as Buffer);
}

/** The encoded rows of a signal, as the pipeline handles them without looking inside. */
export interface RowsCodec<Rows> {
  /** Items (spans, samples, log records) the rows hold. */
  count(rows: Rows): number;
  /** Approximate memory the rows hold, for the shared memory budget. */
  bytes(rows: Rows): number;
  /** Several accepted batches as one write. Must not mutate the parts. */
  merge(parts: readonly Rows[]): Rows;
  /**
   * Two halves, to isolate a row the database refuses. Must be deterministic: the same rows always
   * split the same way, because each half is written under an id derived from its parent's.
   */
  split(rows: Rows): [Rows, Rows];
  /** A short excerpt for the log line when the database refuses a single row. */
  describe(rows: Rows): string;
  /** A JSON-serializable form for the shutdown spool, and back. */
  toJson(rows: Rows): unknown;
  fromJson(value: unknown): Rows;
  /**
   * Optional compact binary form for the write-ahead log (every accepted request is encoded, so it
   * is on the ingest path); without it the log stores toJson(). fromBinary(toBinary(rows)) must
   * give rows that write the same data. Pieces are written one after another (no copy to join
   * them first); fromBinary gets them as one buffer it may keep (it is not reused).
   */
  toBinary?(rows: Rows): Buffer | readonly Buffer[];
  fromBinary?(bytes: Buffer): Rows;
}

/**
 * What a store that buffers before it writes (the metrics head) returns from write(): the rows are
 * taken, and `persisted` resolves once they are in the database. Until then the write-ahead log
 * keeps them, so a crash in between replays them instead of losing them.
 */
export interface StoreReceipt {
  persisted: Promise<void>;
}

/** Where a signal's rows are written. */
export interface SignalStore<Rows> {
  /**
   * Writes all rows or none (one transaction), at most once per `batchId`: when a batch with this
   * id was already committed (the commit's acknowledgement was lost and the writer retried), it
   * writes nothing. Throws on failure; see isDataRejected() for how errors are classified. A store
   * that only buffers the rows returns a receipt that resolves when they are written.
   * `newId`: the writer minted `batchId` for this attempt (not a replay or a retry), so no commit can
   * hold it yet and a store may skip looking it up.
   */
  write(rows: Rows, batchId: string, newId?: boolean): Promise<void | StoreReceipt>;
}

export interface SignalDefinition<Batch, Rows> {
  /** The signal's name: `traces`, `metrics`, `logs`. Label value on /metrics, key in /health. */
  readonly name: string;
  /**
   * What one item is called, plural, snake_case: `spans`, `samples`, `log_records`. Metric names are
   * built from it (meshlight_spans_accepted_total, meshlight_queue_spans, ...).
   */
  readonly unit: string;
  /** Items in a decoded batch, and what the decoder refused. */
  outcome(batch: Batch): { accepted: number } & ExportResult;
  /** The batch as rows ready to write (done once, at accept time). */
  encode(batch: Batch): Rows;
  readonly rows: RowsCodec<Rows>;
  readonly store: SignalStore<Rows>;
  readonly observers?: readonly BatchObserver<Batch>[];
  /** Most items queued for this signal before receivers answer 503. */
  readonly maxQueuedItems: number;
  /**
   * At most this many concurrent writers (default: the pipeline's). One keeps batches in queue
   * order, which a store that only accepts each series' samples in time order needs.
   */
  readonly writers?: number;
}

/** A definition whose batch type has been erased, for tables of several signals. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignalDefinition = SignalDefinition<any, any>;
