// Turns OTLP delta-temporality points into the running totals Prometheus's model needs (a counter
// is cumulative; rate() differentiates it). Like the OpenTelemetry Collector's
// deltatocumulativeprocessor: per series, deltas are added in time order onto a total.
//
// - A point not newer than the series' last one is a duplicate or out of order: dropped (returns
//   undefined; the caller counts it).
// - A histogram whose bucket bounds change starts over from that point.
// - Memory is bounded: a series idle for `idleMs` (by the injected clock) is forgotten, and past
//   `maxSeries` live series new ones are refused (undefined) until old ones go idle.
// Pure apart from the state it owns; the clock is injected.

export interface DeltaToCumulativeOptions {
  /** Milliseconds since the epoch; injected so tests (and the pipeline) own time. */
  now: () => number;
  maxSeries?: number;
  idleMs?: number;
}

export interface HistogramTotals {
  count: number;
  sum: number | undefined;
  /** Per-bucket counts, as in the OTLP point. */
  bucketCounts: number[];
}

interface State {
  lastTimeNs: bigint;
  lastSeenMs: number;
  total: number;
  histogram: HistogramTotals | undefined;
  bounds: string;
}

export class DeltaToCumulative {
  private readonly series = new Map<string, State>();
  private readonly now: () => number;
  private readonly maxSeries: number;
  private readonly idleMs: number;
  private lastSweepMs = -Infinity;
  /** Points refused because the series limit was reached (for /metrics). */
  refusedForLimit = 0;

  constructor(options: DeltaToCumulativeOptions) {
    this.now = options.now;
    this.maxSeries = options.maxSeries ?? 100_000;
    this.idleMs = options.idleMs ?? 10 * 60_000;
  }

  get size(): number {
    return this.series.size;
  }

  /** Adds a delta to the series' total; returns the new total, or undefined when dropped. */
  addSum(key: string, timeNs: bigint, delta: number): number | undefined {
    const state = this.stateFor(key, timeNs, '');
    if (state === undefined) return undefined;
    state.total += delta;
    return state.total;
  }

  /** Adds a delta histogram (same bounds as before, else it starts over); returns the totals. */
  addHistogram(key: string, timeNs: bigint, bounds: readonly number[], delta: HistogramTotals): HistogramTotals | undefined {
    const boundsKey = bounds.join(',');
    const state = this.stateFor(key, timeNs, boundsKey);
    if (state === undefined) return undefined;
    const totals = state.histogram;
    if (totals === undefined || totals.bucketCounts.length !== delta.bucketCounts.length) {
      state.histogram = { count: delta.count, sum: delta.sum, bucketCounts: [...delta.bucketCounts] };
    } else {
      totals.count += delta.count;
      totals.sum = totals.sum === undefined || delta.sum === undefined ? delta.sum : totals.sum + delta.sum;
      for (let i = 0; i < totals.bucketCounts.length; i++) totals.bucketCounts[i]! += delta.bucketCounts[i]!;
    }
    const result = state.histogram!;
    return { count: result.count, sum: result.sum, bucketCounts: [...result.bucketCounts] };
  }

  private stateFor(key: string, timeNs: bigint, bounds: string): State | undefined {
    const nowMs = this.now();
    this.sweep(nowMs);
    let state = this.series.get(key);
    if (state !== undefined && nowMs - state.lastSeenMs > this.idleMs) {
      this.series.delete(key);
      state = undefined;
    }
    if (state === undefined) {
      if (this.series.size >= this.maxSeries) {
        this.refusedForLimit++;
        return undefined;
      }
      state = { lastTimeNs: timeNs, lastSeenMs: nowMs, total: 0, histogram: undefined, bounds };
      this.series.set(key, state);
      return state;
    }
    if (timeNs <= state.lastTimeNs) return undefined;
    if (state.bounds !== bounds) {
      state.bounds = bounds;
      state.histogram = undefined;
    }
    state.lastTimeNs = timeNs;
    state.lastSeenMs = nowMs;
    return state;
  }

  /**
   * Forgets idle series. A scan is O(series), so it runs once per idle period, or once a second
   * while the limit is reached (to admit new series as soon as old ones expire).
   */
  private sweep(nowMs: number): void {
    const interval = this.series.size >= this.maxSeries ? Math.min(this.idleMs, 1000) : this.idleMs;
    if (nowMs - this.lastSweepMs < interval) return;
    this.lastSweepMs = nowMs;
    for (const [key, state] of this.series) {
      if (nowMs - state.lastSeenMs > this.idleMs) this.series.delete(key);
    }
  }
}
