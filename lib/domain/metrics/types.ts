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
   * arrivalKey() of each series' labels (collector/store/metric-store.ts), aligned with `series`,
   * when a decoder built them anyway (remote_write does, to merge repeated series): the store then
   * finds each series without rebuilding its key. Not enumerable (withSeriesKeys): not part of the
   * batch's value.
   */
  readonly seriesKeys?: readonly string[];
}

/** The batch with `seriesKeys` attached (one per series, in order). */
export function withSeriesKeys(batch: MetricBatch, keys: readonly string[]): MetricBatch {
  return Object.defineProperty(batch, 'seriesKeys', { value: keys, enumerable: false, writable: false, configurable: true });
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
