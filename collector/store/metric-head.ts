// The metrics head: each active series' open chunk, in memory, in this process. Samples arrive one
// or a few per series per request (that is how Prometheus senders and scrapes deliver them), so
// chunks are built here and written whole: a chunk closes after `maxSamples` samples or
// `maxSpanMs` of time and is appended to metric_chunks; until then the open chunk is rewritten in
// metric_open_chunks at every flush so the UI server (which reads only the database) sees it.
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

/** What changed since the last successful flush. */
export interface HeadChanges {
  /** Chunks that closed: append them. */
  closed: EncodedChunk[];
  /** The current open chunk of every series that got samples: rewrite them. */
  open: EncodedChunk[];
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
  /** Chunks to write. Until commit(), the same closed chunks are returned again (retry after a failure). */
  changes(): HeadChanges;
  /** The changes were written. */
  commit(changes: HeadChanges): void;
  /** Forgets a series (it went away); its open chunk stays stored as written. */
  drop(ref: number): void;
  readonly seriesCount: number;
  /** Closed chunks waiting to be written. */
  readonly pendingClosedChunks: number;
}

export interface MetricHeadOptions {
  /** Samples per chunk (Prometheus: 120). */
  maxSamples: number;
  /** Longest time one chunk covers. */
  maxSpanMs: number;
}

export const DEFAULT_HEAD_OPTIONS: MetricHeadOptions = { maxSamples: 120, maxSpanMs: 2 * 60 * 60 * 1000 };

interface OpenChunk {
  // Float64Array, not number[]: V8 quiets signalling NaNs (the staleness marker) in double arrays.
  times: Float64Array;
  values: Float64Array;
  n: number;
  /** Bumped on every append; commit() clears `dirty` only if nothing was appended since changes(). */
  version: number;
  dirty: boolean;
}

interface Token {
  closedCount: number;
  versions: Map<number, number>;
}

const INITIAL_CAPACITY = 8;

export class InMemoryMetricHead implements MetricHead {
  private readonly series = new Map<number, OpenChunk>();
  private readonly dirty = new Set<number>();
  private closed: EncodedChunk[] = [];

  constructor(private readonly options: MetricHeadOptions = DEFAULT_HEAD_OPTIONS) {}

  get seriesCount(): number {
    return this.series.size;
  }

  get pendingClosedChunks(): number {
    return this.closed.length;
  }

  append(ref: number, t: number, v: number): boolean {
    let chunk = this.series.get(ref);
    if (!chunk) {
      chunk = { times: new Float64Array(INITIAL_CAPACITY), values: new Float64Array(INITIAL_CAPACITY), n: 0, version: 0, dirty: false };
      this.series.set(ref, chunk);
    } else if (chunk.n > 0) {
      if (t <= chunk.times[chunk.n - 1]!) return false;
      if (chunk.n >= this.options.maxSamples || t - chunk.times[0]! >= this.options.maxSpanMs) {
        this.closed.push(encode(ref, chunk));
        chunk.n = 0;
      }
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
    chunk.version++;
    if (!chunk.dirty) {
      chunk.dirty = true;
      this.dirty.add(ref);
    }
    return true;
  }

  lastTimestamp(ref: number): number | undefined {
    const chunk = this.series.get(ref);
    return chunk && chunk.n > 0 ? chunk.times[chunk.n - 1] : undefined;
  }

  changes(): HeadChanges {
    const open: EncodedChunk[] = [];
    const versions = new Map<number, number>();
    for (const ref of this.dirty) {
      const chunk = this.series.get(ref);
      if (!chunk || chunk.n === 0) continue;
      open.push(encode(ref, chunk));
      versions.set(ref, chunk.version);
    }
    const token: Token = { closedCount: this.closed.length, versions };
    return { closed: this.closed.slice(), open, token };
  }

  commit(changes: HeadChanges): void {
    const token = changes.token as Token;
    this.closed = this.closed.slice(token.closedCount);
    for (const [ref, version] of token.versions) {
      const chunk = this.series.get(ref);
      if (chunk && chunk.version === version) {
        chunk.dirty = false;
        this.dirty.delete(ref);
      }
    }
  }

  drop(ref: number): void {
    const chunk = this.series.get(ref);
    // An unwritten open chunk is closed first so its samples are not lost.
    if (chunk && chunk.dirty && chunk.n > 0) this.closed.push(encode(ref, chunk));
    this.series.delete(ref);
    this.dirty.delete(ref);
  }
}

function encode(ref: number, chunk: OpenChunk): EncodedChunk {
  return {
    ref,
    startMs: chunk.times[0]!,
    endMs: chunk.times[chunk.n - 1]!,
    n: chunk.n,
    data: encodeChunk(chunk.times, chunk.values, chunk.n),
  };
}
