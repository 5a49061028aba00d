// Durable before acknowledged: one signal's write-ahead log, after Prometheus's WAL and the
// OpenTelemetry Collector's persistent queue. A request's rows are appended as a DATA record before
// the receiver answers 2xx (with fsync=batch, after an fsync shared by every request waiting at that
// moment: group commit). When a writer seals a batch under a new id, a SEAL record (id + the DATA
// records it merges, in order) is made durable before the database write, so a replay after a crash
// rebuilds the same rows under the same id and the store's exactly-once check (ingest_batches)
// skips what was already committed. Segments are deleted oldest first, whole, once every record in
// them belongs to a batch the database has (or refused as invalid).
//
//   <dir>/<16-digit sequence>.wal   records framed by wal-segment.ts
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { RetryableError } from './errors';
import type { RowsCodec } from './signal';
import type { QueuedRows } from './signal-queue';
import { encodeRecord, SegmentReader, type WalRecord } from './wal-segment';
import type { Logger } from './batch-writer';

/** How much of a segment replay reads at a time. */
const REPLAY_READ_BYTES = 1 << 20;

export type WalFsync = 'batch' | 'off';

export interface WalOptions {
  dir: string;
  /** `batch`: fsync before acknowledging (group commit); `off`: acknowledge once queued for writing. */
  fsync: WalFsync;
  /** Most bytes on disk; appends past it are refused with a retryable error. */
  maxBytes: number;
  segmentBytes: number;
}

const DATA = 1;
const SEAL = 2;
/** A DATA record in the codec's binary form: 6-byte LE record id, then toBinary(rows). */
const DATA_BINARY = 3;

interface Segment {
  seq: number;
  bytes: number;
  /** Records in it that belong to a batch not yet written. */
  pending: number;
}

interface PendingWrite {
  seq: number;
  buffer: Buffer;
}

/** What the writers tell the log about batches (BatchWriter calls these). */
export interface BatchJournal<Rows> {
  /** A batch was just given its id: make that durable before it is written. */
  sealed(batch: QueuedRows<Rows>): Promise<void>;
  /** The batch is in the database (or was refused as invalid): its records may go. */
  written(batch: QueuedRows<Rows>): void;
}

export class WriteAheadLog<Rows> implements BatchJournal<Rows> {
  private readonly segments: Segment[] = [];
  private readonly recordSegment = new Map<number, number>();
  private nextId = 1;
  private activeSeq = 0;
  private totalBytes = 0;
  private queued: PendingWrite[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private running: Promise<void> | undefined;
  private file: { seq: number; handle: FileHandle } | undefined;
  private closed = false;
  /** Work (writes or a truncation) arrived while the I/O loop was running. */
  private again = false;

  private constructor(
    private readonly codec: RowsCodec<Rows>,
    private readonly options: WalOptions,
    private readonly log: Logger,
  ) {}

  /** Opens the log in `options.dir`, returning what it holds to queue again (before receivers listen). */
  static async open<Rows>(codec: RowsCodec<Rows>, options: WalOptions, log: Logger): Promise<{ wal: WriteAheadLog<Rows>; replay: QueuedRows<Rows>[] }> {
    const wal = new WriteAheadLog(codec, options, log);
    await mkdir(options.dir, { recursive: true });
    const replay = await wal.load();
    wal.activeSeq = (wal.segments.at(-1)?.seq ?? 0) + 1;
    wal.segments.push({ seq: wal.activeSeq, bytes: 0, pending: 0 });
    wal.kick();
    return { wal, replay };
  }

  get bytesOnDisk(): number {
    return this.totalBytes;
  }

  /**
   * Appends a request's rows; throws RetryableError('wal-full') when the log is at its bound.
   * Returns the record id (for QueuedRows.walRecords) and a promise that resolves once durable.
   */
  append(rows: Rows): { id: number; durable: Promise<void> } {
    const id = this.nextId++;
    const record = this.codec.toBinary
      ? encodeRecord(DATA_BINARY, binaryPayload(id, this.codec.toBinary(rows)))
      : encodeRecord(DATA, JSON.stringify({ id, rows: this.codec.toJson(rows) }));
    if (this.totalBytes + record.length > this.options.maxBytes) {
      this.nextId--;
      throw new RetryableError('wal-full', `write-ahead log is full (${Math.round(this.totalBytes / 1048576)} MiB not yet in the database); retry later`, 5);
    }
    return { id, durable: this.write(id, record) };
  }

  async sealed(batch: QueuedRows<Rows>): Promise<void> {
    const records = batch.walRecords ?? [];
    const id = this.nextId++;
    const record = encodeRecord(SEAL, JSON.stringify({ id, batchId: batch.batchId, records }));
    batch.walRecords = [...records, id];
    await this.write(id, record, true);
  }

  written(batch: QueuedRows<Rows>): void {
    for (const id of batch.walRecords ?? []) {
      const seq = this.recordSegment.get(id);
      if (seq === undefined) continue;
      this.recordSegment.delete(id);
      const segment = this.segments.find((s) => s.seq === seq);
      if (segment) segment.pending--;
    }
    this.kick();
  }

  /** Writes what is buffered (fsync per policy) and closes the file. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    this.closed = true;
    await this.file?.handle.close();
    this.file = undefined;
  }

  /** Stops without writing anything more, as a crash would (tests). */
  async abandon(): Promise<void> {
    this.closed = true;
    this.queued = [];
    await this.file?.handle.close().catch(() => {});
    this.file = undefined;
  }

  private write(id: number, record: Buffer, always = false): Promise<void> {
    if (this.closed) return Promise.reject(new RetryableError('shutting-down', 'collector is shutting down', 5));
    let active = this.segments.at(-1)!;
    if (active.bytes > 0 && active.bytes + record.length > this.options.segmentBytes) {
      this.activeSeq++;
      active = { seq: this.activeSeq, bytes: 0, pending: 0 };
      this.segments.push(active);
    }
    active.bytes += record.length;
    active.pending++;
    this.totalBytes += record.length;
    this.recordSegment.set(id, active.seq);
    this.queued.push({ seq: active.seq, buffer: record });
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.kick();
    if (this.options.fsync === 'off' && !always) {
      durable.catch(() => {});
      return Promise.resolve();
    }
    return durable;
  }

  private kick(): void {
    this.again = true;
    if (this.running || this.closed) return;
    this.again = false;
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
  }

  /** One I/O loop: writes everything queued (group commit), then deletes finished segments. */
  private async run(): Promise<void> {
    while (this.queued.length > 0 && !this.closed) {
      const batch = this.queued;
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        let start = 0;
        while (start < batch.length) {
          const seq = batch[start]!.seq;
          let end = start;
          while (end < batch.length && batch[end]!.seq === seq) end++;
          const handle = await this.fileFor(seq);
          const chunk = Buffer.concat(batch.slice(start, end).map((w) => w.buffer));
          await handle.write(chunk);
          start = end;
        }
        if (this.options.fsync === 'batch' && this.file) await this.file.handle.datasync();
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.log.error('write-ahead log write failed', { error: String(error) });
        for (const w of waiters) w.reject(new RetryableError('wal-failed', 'could not write the write-ahead log; retry later', 5));
      }
    }
    await this.truncate();
  }

  private async fileFor(seq: number): Promise<FileHandle> {
    if (this.file?.seq === seq) return this.file.handle;
    if (this.file) {
      if (this.options.fsync === 'batch') await this.file.handle.datasync();
      await this.file.handle.close();
    }
    const handle = await open(this.segmentPath(seq), 'a');
    this.file = { seq, handle };
    if (this.options.fsync === 'batch') await syncDir(this.options.dir);
    return handle;
  }

  private async truncate(): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.pending <= 0 && this.segments[0]!.seq < this.activeSeq && this.file?.seq !== this.segments[0]!.seq) {
      const segment = this.segments.shift()!;
      this.totalBytes -= segment.bytes;
      await rm(this.segmentPath(segment.seq), { force: true });
    }
  }

  private segmentPath(seq: number): string {
    return path.join(this.options.dir, `${String(seq).padStart(16, '0')}.wal`);
  }

  /** Reads the segments left by the last run into items to queue again, rebuilding the bookkeeping. */
  private async load(): Promise<QueuedRows<Rows>[]> {
    const files = (await readdir(this.options.dir)).filter((f) => /^\d{16}\.wal$/.test(f)).sort();
    const data = new Map<number, { rows: Rows; seq: number }>();
    const seals: Array<{ id: number; batchId: string; records: number[]; seq: number }> = [];
    const order: number[] = [];
    const readRecord = (record: WalRecord, file: string, seq: number) => {
      try {
        if (record.type === DATA_BINARY) {
          const id = record.payload.readUIntLE(0, 6);
          if (!this.codec.fromBinary) throw new Error('binary record but the codec has no fromBinary');
          this.nextId = Math.max(this.nextId, id + 1);
          // A copy: the payload lies in the read buffer the next piece of the segment reuses.
          data.set(id, { rows: this.codec.fromBinary(Buffer.from(record.payload.subarray(6))), seq });
          order.push(id);
          return;
        }
        const value = JSON.parse(record.payload.toString('utf8')) as { id: number; rows?: unknown; batchId?: string; records?: number[] };
        this.nextId = Math.max(this.nextId, value.id + 1);
        if (record.type === DATA) {
          data.set(value.id, { rows: this.codec.fromJson(value.rows), seq });
          order.push(value.id);
        } else if (record.type === SEAL && value.batchId !== undefined) {
          seals.push({ id: value.id, batchId: value.batchId, records: value.records ?? [], seq });
        }
      } catch (error) {
        this.log.error('write-ahead log: unreadable record skipped', { file, error: String(error) });
      }
    };
    for (const file of files) {
      const seq = Number(file.slice(0, 16));
      const handle = await open(path.join(this.options.dir, file), 'r');
      let size: number;
      try {
        size = (await handle.stat()).size;
        // A piece at a time (a segment is 32 MiB by default): only a record not yet whole is held.
        const reader = new SegmentReader(size);
        const piece = Buffer.allocUnsafe(Math.min(REPLAY_READ_BYTES, Math.max(size, 1)));
        for (let position = 0; position < size && !reader.done; ) {
          const { bytesRead } = await handle.read(piece, 0, piece.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          // Each record is decoded before the next read reuses `piece`.
          for (const record of reader.push(piece.subarray(0, bytesRead))) readRecord(record, file, seq);
        }
        const read = reader.finish();
        if (read.corrupt.length > 0) this.log.error('write-ahead log: corrupt records skipped', { file, offsets: read.corrupt });
        if (read.tornBytes > 0) this.log.warn('write-ahead log: ignored a torn last record', { file, bytes: read.tornBytes });
      } finally {
        await handle.close();
      }
      this.segments.push({ seq, bytes: size, pending: 0 });
      this.totalBytes += size;
    }
    const items: QueuedRows<Rows>[] = [];
    const claimed = new Set<number>();
    const track = (id: number, seq: number) => {
      this.recordSegment.set(id, seq);
      this.segments.find((s) => s.seq === seq)!.pending++;
    };
    for (const seal of seals) {
      const parts = seal.records.filter((id) => data.has(id) && !claimed.has(id));
      if (parts.length === 0) continue;
      if (parts.length < seal.records.length) this.log.error('write-ahead log: a sealed batch lost records; replaying the rest under its id', { batchId: seal.batchId });
      for (const id of parts) {
        claimed.add(id);
        track(id, data.get(id)!.seq);
      }
      track(seal.id, seal.seq);
      const rows = parts.length === 1 ? data.get(parts[0]!)!.rows : this.codec.merge(parts.map((id) => data.get(id)!.rows));
      items.push({ rows, count: this.codec.count(rows), bytes: this.codec.bytes(rows), batchId: seal.batchId, walRecords: [...parts, seal.id] });
    }
    for (const id of order) {
      if (claimed.has(id)) continue;
      const { rows, seq } = data.get(id)!;
      track(id, seq);
      items.push({ rows, count: this.codec.count(rows), bytes: this.codec.bytes(rows), walRecords: [id] });
    }
    return items;
  }
}

function binaryPayload(id: number, rows: Buffer | readonly Buffer[]): Buffer[] {
  const head = Buffer.allocUnsafe(6);
  head.writeUIntLE(id, 0, 6);
  return Array.isArray(rows) ? [head, ...(rows as readonly Buffer[])] : [head, rows as Buffer];
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the file's own fsync is what matters most.
  } finally {
    await handle.close();
  }
}
