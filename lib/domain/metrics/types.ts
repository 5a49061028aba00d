// The metrics signal's shared vocabulary, Prometheus's data model: a series is a metric name plus a
// label set (the name is the `__name__` label), each with float samples at millisecond timestamps.
// Parsers (Prometheus text / OpenMetrics, remote_write, OTLP metrics) produce MetricBatch; the store
// turns it into chunked rows; the PromQL engine reads through SeriesQueryable. Pure types, no I/O.

/** A label set including `__name__`. Keys unique; treat as immutable. */
export type Labels = Readonly<Record<string, string>>;

/**
 * One sample. `t` is Unix time in milliseconds (integer). `v` is a float64; Prometheus's staleness
 * marker is the NaN with bits 0x7ff0000000000002 (see STALE_NAN_BITS) and must survive storage
 * bit-exactly, distinct from an ordinary NaN.
 */
export interface Sample {
  t: number;
  v: number;
}

export interface SeriesSamples {
  labels: Labels;
  /** Ascending by t. */
  samples: Sample[];
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricMetadata {
  /** The metric family name (e.g. `http_requests` for OpenMetrics counters, `http_requests_total` for 0.0.4). */
  metric: string;
  type: MetricType;
  help: string;
  unit: string;
}

/** What every metrics decoder hands to the pipeline. */
export interface MetricBatch {
  series: SeriesSamples[];
  metadata: MetricMetadata[];
  sampleCount: number;
  /** Samples refused as invalid (reported as OTLP partial_success / remote_write 400 text). */
  rejectedSamples: number;
  rejectionMessage: string;
  /**
   * The decoder's handle of each series' label set, aligned with `series`, when it keeps them
   * (remote_write does): the store then finds each series without rebuilding its key, most often
   * without a lookup at all. Not enumerable (withSeriesHandles): not part of the batch's value.
   */
  readonly seriesHandles?: readonly SeriesHandle[];
}

/**
 * A label set as a decoder knows it: one object per distinct label set for as long as the decoder
 * remembers it (across requests), so a consumer may memoize what it found for those labels here.
 */
export interface SeriesHandle {
  /** arrivalKey() of the labels (collector/store/metric-store.ts). */
  readonly key: string;
  /** The store that last looked these labels up, and the series entry it found (its own type). */
  owner?: object;
  entry?: unknown;
}

/** The batch with `seriesHandles` attached (one per series, in order). */
export function withSeriesHandles(batch: MetricBatch, handles: readonly SeriesHandle[]): MetricBatch {
  return Object.defineProperty(batch, 'seriesHandles', { value: handles, enumerable: false, writable: false, configurable: true });
}

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  type: MatchType;
  /** For =~ and !~ a RE2-style regex, fully anchored as Prometheus does. */
  value: string;
}

/** The read side the PromQL engine evaluates over; the PostgreSQL store and in-memory tests implement it. */
export interface SeriesQueryable {
  /** Every series matching all matchers with its samples in [startMs, endMs] (inclusive). */
  select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]>;
}

/** Bits of Prometheus's staleness marker NaN (value.StaleNaN). */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const scratch = new DataView(new ArrayBuffer(8));

export function staleNaN(): number {
  scratch.setBigUint64(0, STALE_NAN_BITS);
  return scratch.getFloat64(0);
}

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  scratch.setFloat64(0, v);
  return scratch.getBigUint64(0) === STALE_NAN_BITS;
}

/** One series' value at one moment: a scrape's sample, or one point of an instant vector. */
export interface InstantSample {
  labels: Labels;
  value: number;
}
