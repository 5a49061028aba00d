// The metrics head: each active series' open chunk, in memory, in this process. Samples arrive one
// or a few per series per request (that is how Prometheus senders and scrapes deliver them), so
// chunks are built here and written whole: a chunk closes after `maxSamples` samples or
// `maxSpanMs` of time and is appended to metric_chunks. Until then each flush takes only the
// samples the open chunk got since the last flush, as a small chunk of their own (a segment), so
// the UI server (which reads only the database) sees them; the store packs a flush's segments into
// one head block per group of series (metric_head_blocks), deleted once the group's chunks have
// closed past it (forEachUnclosed). A flush thus costs what arrived, not what the open chunks hold
// (rewriting every open chunk each flush cost ~60 s at 100,000 series), and not a row per series.
// `maxSegments` (unbounded by default) still lets a head rewrite the whole open chunk after that
// many segments, which bounded rows when every segment was a row of its own.
//
// Behind the MetricHead interface so a durable head (backed by a write-ahead log) can replace it.
// Series are addressed by a process-local `ref`; the store maps refs to database ids.
import { encodeChunk } from '../../lib/domain/metrics/chunk-codec';

export interface EncodedChunk {
  ref: number;
  startMs: number;
  endMs: number;
  n: number;
  data: Uint8Array;
}

/** A series' segments to delete: those within [startMs, endMs]. */
export interface ReplacedSegments {
  ref: number;
  startMs: number;
  endMs: number;
}

/** What changed since the last successful flush. */
export interface HeadChanges {
  /** Chunks that closed: append them. Their segments are in `replaced`. */
  closed: EncodedChunk[];
  /** The samples each open chunk got since the last flush, encoded as a chunk of their own: append them. */
  segments: EncodedChunk[];
  /** Segments that closed chunks and compacting segments replace: delete them first. */
  replaced: ReplacedSegments[];
  /** Opaque: hand back to commit() once written. */
  readonly token: unknown;
}

export interface MetricHead {
  /**
   * Adds a sample to a series' open chunk. False (sample dropped) when `t` is not after the series'
   * last timestamp: Prometheus refuses out-of-order and duplicate samples the same way.
   */
  append(ref: number, t: number, v: number): boolean;
  /** The last timestamp appended to a series, or undefined. */
  lastTimestamp(ref: number): number | undefined;
  /**
   * Chunks to write, of the series `writable` accepts (the others wait). Until commit(), the same
   * closed chunks and (at least) the same samples are returned again (retry after a failure).
   */
  changes(writable?: (ref: number) => boolean): HeadChanges;
  /** Closes every open chunk (shutdown): the next changes() offers them as closed chunks. */
  closeAll(): void;
  /** The changes were written. */
  commit(changes: HeadChanges): void;
  /** Forgets a series (it went away); its open chunk stays stored as written. */
  drop(ref: number): void;
  /**
   * For each series with samples not yet in a committed closed chunk, the earliest of them: its
   * open chunk's start, or a closed chunk's still waiting (or being written). Everything of a series
   * before that time is in metric_chunks, so head blocks that end earlier hold nothing else of it.
   * Closed chunks of `writing` (changes being written in the same transaction) do not count.
   */
  forEachUnclosed(visit: (ref: number, startMs: number) => void, writing?: HeadChanges): void;
  readonly seriesCount: number;
  /** Closed chunks waiting to be written. */
  readonly pendingClosedChunks: number;
  /** Samples not written yet (0: everything appended is in the database). */
  readonly unwrittenSamples: number;
}

export interface MetricHeadOptions {
  /** Samples per chunk (Prometheus: 120). */
  maxSamples: number;
  /** Longest time one chunk covers. */
  maxSpanMs: number;
  /** Segments an open chunk has in the database before the next one replaces them all. */
  maxSegments: number;
}

// maxSegments: unbounded by default. The store packs each flush's segments into one head block per
// group of series (metric_head_blocks), so a segment costs its samples, not a row: rewriting the
// whole open chunk after a few segments (what bounded one row per series per flush) only adds bytes.
export const DEFAULT_HEAD_OPTIONS: MetricHeadOptions = { maxSamples: 120, maxSpanMs: 2 * 60 * 60 * 1000, maxSegments: Number.MAX_SAFE_INTEGER };

interface OpenChunk {
  // Float64Array, not number[]: V8 quiets signalling NaNs (the staleness marker) in double arrays.
  times: Float64Array;
  values: Float64Array;
  n: number;
  /** Samples of this chunk already written as segments (a prefix). */
  written: number;
  /** Segments of this chunk in the database. */
  segmentCount: number;
  /** Bumped when the chunk closes: a commit() for an earlier generation leaves `written` alone. */
  generation: number;
  /** The series' last timestamp, kept across chunk closes for the out-of-order check. */
  lastT: number;
  dirty: boolean;
}

interface Token {
  closedCount: number;
  /** Closed chunks left out (series not writable yet), by index: they stay queued. */
  skippedClosed: Set<number>;
  /** ref → [generation, samples written, segments in the database] once committed. */
  written: Map<number, [number, number, number]>;
}

const INITIAL_CAPACITY = 8;

export class InMemoryMetricHead implements MetricHead {
  /** Open chunks by ref: refs are small dense integers (the store's counter), so an array, not a Map. */
  private readonly series: Array<OpenChunk | undefined> = [];
  private count = 0;
  private readonly dirty = new Set<number>();
  private closed: EncodedChunk[] = [];
  /** unwrittenSamples, kept up to date (summing over 100,000 series per /metrics read cost ~15% of ingest CPU). */
  private unwritten = 0;

  private readonly options: MetricHeadOptions;

  constructor(options: Partial<MetricHeadOptions> = {}) {
    this.options = { ...DEFAULT_HEAD_OPTIONS, ...options };
  }

  get seriesCount(): number {
    return this.count;
  }

  get pendingClosedChunks(): number {
    return this.closed.length;
  }

  get unwrittenSamples(): number {
    return this.unwritten;
  }

  append(ref: number, t: number, v: number): boolean {
    let chunk = this.series[ref];
    if (!chunk) {
      chunk = { times: new Float64Array(INITIAL_CAPACITY), values: new Float64Array(INITIAL_CAPACITY), n: 0, written: 0, segmentCount: 0, generation: 0, lastT: -Infinity, dirty: false };
      this.set(ref, chunk);
    } else {
      if (t <= chunk.lastT) return false;
      if (chunk.n > 0 && (chunk.n >= this.options.maxSamples || t - chunk.times[0]! >= this.options.maxSpanMs)) this.close(ref, chunk);
    }
    if (chunk.n === chunk.times.length) {
      const capacity = Math.min(chunk.n * 4, this.options.maxSamples);
      const times = new Float64Array(capacity);
      const values = new Float64Array(capacity);
      times.set(chunk.times);
      values.set(chunk.values);
      chunk.times = times;
      chunk.values = values;
    }
    chunk.times[chunk.n] = t;
    chunk.values[chunk.n] = v;
    chunk.n++;
    chunk.lastT = t;
    this.unwritten++;
    if (!chunk.dirty) {
      chunk.dirty = true;
      this.dirty.add(ref);
    }
    return true;
  }

  lastTimestamp(ref: number): number | undefined {
    const chunk = this.series[ref];
    return chunk && chunk.lastT > -Infinity ? chunk.lastT : undefined;
  }

  changes(writable: (ref: number) => boolean = () => true): HeadChanges {
    const segments: EncodedChunk[] = [];
    const replaced: ReplacedSegments[] = [];
    const written = new Map<number, [number, number, number]>();
    for (const ref of this.dirty) {
      const chunk = this.series[ref];
      if (!chunk || chunk.n <= chunk.written || !writable(ref)) continue;
      if (chunk.segmentCount >= this.options.maxSegments && chunk.written > 0) {
        // One segment of the whole open chunk instead of the ones written so far.
        segments.push(encode(ref, chunk, 0));
        replaced.push({ ref, startMs: chunk.times[0]!, endMs: chunk.times[chunk.written - 1]! });
        written.set(ref, [chunk.generation, chunk.n, 1]);
      } else {
        segments.push(encode(ref, chunk, chunk.written));
        written.set(ref, [chunk.generation, chunk.n, chunk.segmentCount + 1]);
      }
    }
    const closed: EncodedChunk[] = [];
    const skippedClosed = new Set<number>();
    this.closed.forEach((chunk, i) => {
      if (!writable(chunk.ref)) skippedClosed.add(i);
      else {
        closed.push(chunk);
        replaced.push({ ref: chunk.ref, startMs: chunk.startMs, endMs: chunk.endMs });
      }
    });
    const token: Token = { closedCount: this.closed.length, skippedClosed, written };
    return { closed, segments, replaced, token };
  }

  commit(changes: HeadChanges): void {
    const token = changes.token as Token;
    for (let i = 0; i < token.closedCount; i++) if (!token.skippedClosed.has(i)) this.unwritten -= this.closed[i]!.n;
    const kept = this.closed.filter((_, i) => token.skippedClosed.has(i));
    this.closed = kept.concat(this.closed.slice(token.closedCount));
    for (const [ref, [generation, n, segmentCount]] of token.written) {
      const chunk = this.series[ref];
      if (!chunk || chunk.generation !== generation) continue; // closed meanwhile: written whole
      if (n > chunk.written) {
        this.unwritten -= n - chunk.written;
        chunk.written = n;
      }
      chunk.segmentCount = segmentCount;
      if (chunk.written >= chunk.n) {
        chunk.dirty = false;
        this.dirty.delete(ref);
      }
    }
  }

  closeAll(): void {
    this.series.forEach((chunk, ref) => {
      if (chunk && chunk.n > 0) this.close(ref, chunk);
    });
  }

  drop(ref: number): void {
    const chunk = this.series[ref];
    // The open chunk is closed first so its samples are not lost (and its segments are replaced).
    if (chunk && chunk.n > 0) this.close(ref, chunk);
    if (chunk) this.set(ref, undefined);
    this.dirty.delete(ref);
  }

  forEachUnclosed(visit: (ref: number, startMs: number) => void, writing?: HeadChanges): void {
    this.series.forEach((chunk, ref) => {
      if (chunk && chunk.n > 0) visit(ref, chunk.times[0]!);
    });
    const written = new Set(writing?.closed);
    for (const chunk of this.closed) if (!written.has(chunk)) visit(chunk.ref, chunk.startMs);
  }

  private set(ref: number, chunk: OpenChunk | undefined): void {
    if (!Number.isSafeInteger(ref) || ref < 0) throw new RangeError(`series ref ${ref} is not a non-negative integer`);
    // Filled up to `ref` first, so the array stays packed (holes would make it a slow dictionary).
    while (this.series.length < ref) this.series.push(undefined);
    if (this.series[ref] === undefined && chunk !== undefined) this.count++;
    else if (this.series[ref] !== undefined && chunk === undefined) this.count--;
    this.series[ref] = chunk;
  }

  private close(ref: number, chunk: OpenChunk): void {
    this.closed.push(encode(ref, chunk, 0));
    // The whole chunk is written again (its segments are replaced): its written prefix counts again.
    this.unwritten += chunk.written;
    chunk.n = 0;
    chunk.written = 0;
    chunk.segmentCount = 0;
    chunk.generation++;
    chunk.dirty = false;
    this.dirty.delete(ref);
  }
}

/** Samples [from, n) of a chunk, encoded. */
function encode(ref: number, chunk: OpenChunk, from: number): EncodedChunk {
  return {
    ref,
    startMs: chunk.times[from]!,
    endMs: chunk.times[chunk.n - 1]!,
    n: chunk.n - from,
    data: encodeChunk(from === 0 ? chunk.times : chunk.times.subarray(from), from === 0 ? chunk.values : chunk.values.subarray(from), chunk.n - from),
  };
}
